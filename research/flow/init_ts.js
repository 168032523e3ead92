// The TypeScript closed-form starts on the project's data, with test bits/dim
// (float64, the test split dequantized once with the evaluation noise of seed 0):
//   node research/flow/init_ts.js gaussianize <kinkLayers> <round-2 kinks> <slope> [ridge] [seed]
//   node research/flow/init_ts.js analytic <depth> <kinkLayers> <slope> [ridge] [seed]
// Build first (npm run build).
const { join } = require('node:path');
const out = (p) => require(join('../../out/src/core', p));
const { loadData, DEFAULT_DATA_SPEC } = out('data/loadData');
const { customArchitecture } = out('model/architecture');
const { createRng } = out('random/rng');
const { initializeFlow } = out('train/flow/initializeFlow');
const { gaussianizeFlow } = out('train/flow/gaussianizeFlow');
const { flowNll } = out('train/flow/flowForward');
const { bitsPerDim } = out('train/flow/bitsPerDim');
const { dequantizeInto } = out('train/flow/dequantize');

async function main() {
  const [kind, a, b, slope, ridgeArg, seedArg] = process.argv.slice(2);
  const seed = Number(seedArg ?? 0);
  const data = await loadData(DEFAULT_DATA_SPEC);
  let arch, result;
  const t = performance.now();
  if (kind === 'gaussianize') {
    arch = customArchitecture({ name: 'gauss', depth: Number(a) + Number(b) + 1, activation: true, activateLast: false, negativeSlope: Number(slope), parametrization: 'lu' });
    result = gaussianizeFlow(arch, data.train, { kinkLayers: Number(a), ridge: Number(ridgeArg ?? 0.003), seed });
  } else {
    arch = customArchitecture({ name: 'analytic', depth: Number(a), activation: true, activateLast: false, negativeSlope: Number(slope), parametrization: 'lu' });
    result = initializeFlow(arch, data.train, { prior: 'class', kinkLayers: Number(b), ridge: Number(ridgeArg ?? 0.1), seed });
  }
  const seconds = (performance.now() - t) / 1000;
  const x = dequantizeInto(data.test.images, data.test.count, 784, createRng(12345).fork('test'), new Float32Array(data.test.count * 784));
  const { loss, parts } = flowNll(result.model, x, data.test.labels, data.test.count);
  console.log(`${kind} ${process.argv.slice(3).join(' ')}: init ${seconds.toFixed(1)} s; test ${bitsPerDim(loss).toFixed(4)} bits/dim [latent ${parts[0].toFixed(1)}, -logdet ${parts[1].toFixed(1)}]; kinked ${result.report.kinkedFraction.map((f) => f.toFixed(2)).join(' ')}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
