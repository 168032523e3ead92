// The flow every engine trains in the benchmarks: a paper model's shape with LU layers,
// the paper's prior, dequantized inputs, the surrogate of width 0.1 and the recipe's Adam
// schedule, from the same kind of start as bench/pytorch/train_throughput.py's flow.
import { presetArchitecture, type PresetName } from '../src/core/model/architecture';
import { createRng } from '../src/core/random/rng';
import type { CreateEngineOptions } from '../src/core/train/createEngine';
import type { LuLayer } from '../src/core/train/flow/luLayer';

/** What both sides of the flow benchmark use (the PyTorch script states the same numbers). */
export const BENCH_FLOW = {
  learningRate: 1e-4,
  boundarySurrogate: 0.1,
  warmupSteps: 200,
  cosineSteps: 10_000,
  factorStd: 0.01,
} as const;

/** L and U entries ~ N(0, 0.01²), u_ii = ±1, a random row order: a well-conditioned start that stays finite for any bench length. */
function benchLayer(n: number, seed: number, l: number): LuLayer {
  const rng = createRng(seed).fork(`bench-flow-layer-${l}`);
  const packed = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) packed[i * n + j] = BENCH_FLOW.factorStd * rng.normal();
  }
  const sign = Float32Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
  const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  return { width: n, packed, sign, perm };
}

/** Engine options for the bench flow of a paper model's shape. */
export function benchFlowOptions(model: PresetName, maxBatchSize: number, seed = 0): CreateEngineOptions {
  const architecture = { ...presetArchitecture(model), parametrization: 'lu' as const };
  const n = architecture.width;
  return {
    architecture,
    objective: 'flow',
    learningRate: BENCH_FLOW.learningRate,
    maxBatchSize,
    initialParams: { weights: [], biases: architecture.layers.map(() => new Float32Array(n)) },
    flow: {
      prior: 'paper',
      initialLayers: architecture.layers.map((_, l) => benchLayer(n, seed, l)),
      dequantize: true,
      seed,
      boundarySurrogate: BENCH_FLOW.boundarySurrogate,
      warmupSteps: BENCH_FLOW.warmupSteps,
      cosineSteps: BENCH_FLOW.cosineSteps,
    },
  };
}
