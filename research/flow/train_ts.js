// End-to-end check of the TypeScript implementation at full size: the project's
// data split, initializeFlow, the tfjs flow engine (WebAssembly backend unless
// FLOW_BACKEND says otherwise) and the shared training loop; prints test
// bits/dim per epoch (Adam with a 200-step warm-up and a cosine decay over the
// run, as run.py trains) and writes 100 samples per digit at T = 1, 0.7, 0.5 to
// <dir>/<name>-samples-T<T>.f32 for classify_samples.py.
// Build first (npm run build). Usage:
//   node research/flow/train_ts.js <name> <depth> <activateLast 0|1> <slope> <paper|class> <epochs> <lr> <batch> <tau> [seed]
// e.g. node research/flow/train_ts.js ts-base-paper 4 1 0.01 paper 15 1e-4 128 0.1
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const out = (p) => require(join('../../out/src/core', p));
const { loadData, DEFAULT_DATA_SPEC } = out('data/loadData');
const { customArchitecture } = out('model/architecture');
const { createRng } = out('random/rng');
const { initializeFlow } = out('train/flow/initializeFlow');
const { flowParams } = out('train/flow/flowParams');
const { bitsPerDim } = out('train/flow/bitsPerDim');
const { sampleFlow } = out('train/flow/sampleFlow');
const { layerConditions } = out('train/flow/layerConditions');
const { loadTfjs } = out('train/tfjs/loadTfjs');
const { createTfjsEngine } = out('train/tfjs/tfjsEngine');
const { runTrainingLoop } = out('train/trainLoop');

async function main() {
  const [name, depth, activateLast, slope, prior, epochs, lr, batch, tau, seedArg] = process.argv.slice(2);
  const seed = Number(seedArg ?? 0);
  const dir = process.env.FLOW_DATA || '/tmp/invertscope-flow';
  const arch = customArchitecture({ name, depth: Number(depth), activation: true, activateLast: activateLast === '1', negativeSlope: Number(slope), parametrization: 'lu' });
  const data = await loadData(DEFAULT_DATA_SPEC);
  let t = performance.now();
  const { model, report } = initializeFlow(arch, data.train, { prior, seed });
  console.log(`init ${((performance.now() - t) / 1000).toFixed(1)} s`, JSON.stringify(report));
  const engine = await createTfjsEngine({
    architecture: arch, objective: 'flow', learningRate: Number(lr), maxBatchSize: Number(batch),
    initialParams: flowParams(model),
    flow: {
      prior, initialLayers: model.layers, initialPrior: model.prior, dequantize: true, seed, boundarySurrogate: Number(tau),
      warmupSteps: 200, cosineSteps: Number(epochs) > 0 ? Number(epochs) * Math.ceil(data.train.count / Number(batch)) : undefined,
    },
  }, await loadTfjs(process.env.FLOW_BACKEND || 'wasm'));
  const first = await evaluate(engine, data.test, Number(batch));
  console.log(`epoch 0 test ${bitsPerDim(first.loss).toFixed(3)} bits/dim [${first.parts.map((p) => p.toFixed(1)).join(', ')}]`);
  t = performance.now();
  await runTrainingLoop({
    engine, train: data.train, test: data.test, batchSize: Number(batch), seed, completedEpochs: 0, lastEpoch: Number(epochs), completedSteps: 0,
    onEpoch: (m) => console.log(`epoch ${m.epoch} train ${bitsPerDim(m.trainLoss).toFixed(3)} test ${bitsPerDim(m.testLoss).toFixed(3)} bits/dim [${m.testParts.map((p) => p.toFixed(1)).join(', ')}] ${m.samplesPerSecond.toFixed(0)} img/s ${m.wallSeconds.toFixed(0)} s`),
  });
  const trainSeconds = (performance.now() - t) / 1000;
  const state = await engine.getFlowState();
  const trained = { architecture: arch, layers: state.layers, biases: state.biases, prior: state.prior };
  const kappa = layerConditions(state.layers);
  console.log(`trained ${trainSeconds.toFixed(0)} s; condition numbers ${kappa.map((k) => k.toPrecision(3)).join(', ')}`);
  const labels = Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100));
  for (const temperature of [1, 0.7, 0.5]) {
    const { images } = sampleFlow(trained, labels, temperature, createRng(seed).fork(`samples-${temperature}`));
    writeFileSync(join(dir, `${name}-samples-T${temperature}.f32`), Buffer.from(Float32Array.from(images).buffer));
  }
  engine.dispose();
}

async function evaluate(engine, test, batch) {
  let loss = 0, p0 = 0, p1 = 0;
  for (let s = 0; s < test.count; s += batch) {
    const c = Math.min(batch, test.count - s);
    const r = await engine.evaluate(test.images.subarray(s * 784, (s + c) * 784), test.labels.subarray(s, s + c), c);
    loss += r.loss * c; p0 += r.parts[0] * c; p1 += r.parts[1] * c;
  }
  return { loss: loss / test.count, parts: [p0 / test.count, p1 / test.count] };
}

main().catch((e) => { console.error(e); process.exit(1); });
