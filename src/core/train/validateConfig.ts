import { InvertscopeError } from '../errors';
import { validateArchitecture } from '../model/architecture';
import type { TrainConfig } from './config';

const BACKENDS = ['auto', 'tensorflow', 'simd', 'wasm', 'cpu'];

/** Checks a training configuration from a user, a file or a message; errors name the field and value. */
export function validateTrainConfig(config: TrainConfig, where: string): TrainConfig {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new InvertscopeError('BAD_INPUT', `${where}: invalid ${field}: ${JSON.stringify(value)} (${expected})`, { field, value });
  };
  try {
    validateArchitecture(config.architecture, where);
  } catch (error) {
    throw new InvertscopeError('BAD_INPUT', (error as Error).message, { field: 'architecture' });
  }
  if (config.objective !== 'seed' && config.objective !== 'flow') fail('objective', config.objective, "expected 'seed' or 'flow'");
  if (!Number.isInteger(config.epochs) || config.epochs < 1 || config.epochs > 100_000) fail('epochs', config.epochs, 'an integer in 1..100000');
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1 || config.batchSize > 4096) fail('batchSize', config.batchSize, 'an integer in 1..4096');
  if (!(config.learningRate > 0 && config.learningRate < 1)) fail('learningRate', config.learningRate, 'a number in (0, 1)');
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 2 ** 32 - 1) fail('seed', config.seed, 'an integer in 0..4294967295');
  if (!Array.isArray(config.checkpointEpochs) || config.checkpointEpochs.some((e) => !Number.isInteger(e) || e < 1)) {
    fail('checkpointEpochs', config.checkpointEpochs, 'a list of positive integers');
  }
  if (!BACKENDS.includes(config.backend)) fail('backend', config.backend, `one of ${BACKENDS.join(', ')}`);
  if (typeof config.dequantize !== 'boolean') fail('dequantize', config.dequantize, 'true or false');
  return config;
}
