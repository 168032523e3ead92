// Writes flowgen's latents z = f(x) (the preset's Gaussianizing init, seed 0) and
// −log|det J| for the training split (two dequantization draws) and the test split
// (one fixed draw) as little-endian float64 files, for priors fitted outside the
// flow (prior_fit.py). Build first (npm run build).
// Usage: node research/flow/latents.js [dir] [splits, default train_a,train_b,test]
// (the float64 forward pass takes minutes per split on this machine).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { out, createRng, testDraw, flowgenInit } = require('./flowgen_init');
const { flowForward } = out('train/flow/flowForward');
const { dequantizeInto } = out('train/flow/dequantize');

async function main() {
  const { dir, data, model, n } = await flowgenInit();
  const write = (name, split, rng) => {
    const x = dequantizeInto(split.images, split.count, n, rng, new Float32Array(split.count * n));
    const { z, negLogDet } = flowForward(model, x, split.count);
    writeFileSync(join(dir, `${name}_z.f64`), Buffer.from(z.buffer));
    writeFileSync(join(dir, `${name}_nld.f64`), Buffer.from(negLogDet.buffer));
    writeFileSync(join(dir, `${name}_y.u8`), Buffer.from(Uint8Array.from(split.labels)));
  };
  const splits = (process.argv[3] || 'train_a,train_b,test').split(',');
  if (splits.includes('train_a')) write('train_a', data.train, createRng(1).fork('a'));
  if (splits.includes('train_b')) write('train_b', data.train, createRng(1).fork('b'));
  if (splits.includes('test')) write('test', data.test, testDraw());
  const prior = model.prior;
  writeFileSync(join(dir, 'prior_mean.f64'), Buffer.from(Float64Array.from(prior.mean).buffer));
  writeFileSync(join(dir, 'prior_logstd.f64'), Buffer.from(Float64Array.from(prior.logStd).buffer));
  console.log(`wrote the latents of ${splits.join(', ')} to ${dir}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
