// Writes flowgen's Gaussianizing init (seed 0, the flow latents.js uses) layer by layer,
// the training split's stored pixels and the test split dequantized with latents.js's
// fixed draw, for aug_prior.py (shifted training digits pushed through the same flow in
// numpy, since latents.js's float64 forward takes minutes per 8,000 images).
// Build first (npm run build). Usage: node research/flow/export_flow.js [dir]
// Files (little-endian): flow.json (shapes, slope, activations), layer<l>_{packed,bias}.f64,
// layer<l>_sign.f64, layer<l>_perm.i32, train_x.f32 + train_y.u8 (stored values k/255),
// test_xd.f32 + test_y.u8 (dequantized, testDraw()).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { out, testDraw, flowgenInit } = require('./flowgen_init');
const { dequantizeInto } = out('train/flow/dequantize');

async function main() {
  const { dir, data, arch, model, n } = await flowgenInit();
  const f64 = (name, v) => writeFileSync(join(dir, name), Buffer.from(Float64Array.from(v).buffer));
  model.layers.forEach((layer, l) => {
    f64(`layer${l}_packed.f64`, layer.packed);
    f64(`layer${l}_sign.f64`, layer.sign);
    f64(`layer${l}_bias.f64`, model.biases[l]);
    writeFileSync(join(dir, `layer${l}_perm.i32`), Buffer.from(Int32Array.from(layer.perm).buffer));
  });
  writeFileSync(join(dir, 'flow.json'), JSON.stringify({ width: n, negativeSlope: arch.negativeSlope, activations: arch.layers.map((s) => !!s.activation) }));
  writeFileSync(join(dir, 'train_x.f32'), Buffer.from(Float32Array.from(data.train.images).buffer));
  writeFileSync(join(dir, 'train_y.u8'), Buffer.from(Uint8Array.from(data.train.labels)));
  const xd = dequantizeInto(data.test.images, data.test.count, n, testDraw(), new Float32Array(data.test.count * n));
  writeFileSync(join(dir, 'test_xd.f32'), Buffer.from(xd.buffer));
  writeFileSync(join(dir, 'test_y.u8'), Buffer.from(Uint8Array.from(data.test.labels)));
  f64('prior_mean.f64', model.prior.mean);
  f64('prior_logstd.f64', model.prior.logStd);
  console.log(`wrote flowgen's init (${model.layers.length} layers), the training pixels and the dequantized test split to ${dir}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
