import { validateArchitecture, type Architecture } from '../model/architecture';
import type { Objective } from '../train/config';
import { Fields } from './fields';
import { checkJsonDepth } from './jsonLimits';
import { corrupt, show } from './storeErrors';

/** The `__metadata__` keys of Invertscope's safetensors files; docs/run-store.md describes each. */
export const META_KEYS = {
  format: 'invertscope.format',
  architecture: 'invertscope.architecture',
  training: 'invertscope.training',
  optimizer: 'invertscope.optimizer',
  checkpointSha256: 'invertscope.checkpoint-sha256',
  flow: 'invertscope.flow',
} as const;

/** "<kind>/<version>": the version changes only when a reader of the old version would misread the file. */
export const CHECKPOINT_FORMAT = { kind: 'checkpoint', version: 1 } as const;
export const OPTIMIZER_FORMAT = { kind: 'optimizer', version: 1 } as const;
export const FLOW_FORMAT = { kind: 'flow', version: 1 } as const;

export function formatTag(format: { kind: string; version: number }): string {
  return `${format.kind}/${format.version}`;
}

/** What a checkpoint says about the training that produced it. */
export interface CheckpointTraining {
  readonly epoch: number;
  readonly globalStep: number;
  readonly objective: Objective;
  readonly seed: number;
  /** Mean losses of the epoch; NaN when unknown (imports) or diverged, stored as null. */
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly createdAt: string;
  readonly invertscopeVersion: string;
}

export function checkFormat(
  metadata: Readonly<Record<string, string>>,
  expected: { kind: string; version: number },
  file: string,
): void {
  const tag = metadata[META_KEYS.format];
  if (tag === undefined) {
    throw corrupt(
      file,
      `__metadata__["${META_KEYS.format}"]`,
      `is missing: not an Invertscope ${expected.kind} file (a PyTorch state_dict is imported, not opened)`,
    );
  }
  const match = /^([a-z]+)\/([1-9]\d*)$/.exec(tag);
  if (!match || match[1] !== expected.kind) {
    throw corrupt(
      file,
      `__metadata__["${META_KEYS.format}"]`,
      `must be "${formatTag(expected)}", got ${show(tag)}`,
      tag,
    );
  }
  if (Number(match[2]) > expected.version) {
    throw corrupt(
      file,
      `__metadata__["${META_KEYS.format}"]`,
      `${tag} was written by a newer Invertscope; this one reads ${formatTag(expected)}`,
      tag,
    );
  }
}

/** A metadata value that holds JSON. */
export function metadataJson(metadata: Readonly<Record<string, string>>, key: string, file: string): unknown {
  const text = metadata[key];
  const field = `__metadata__["${key}"]`;
  if (text === undefined) throw corrupt(file, field, 'is missing');
  checkJsonDepth(text, file, field);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw corrupt(file, field, `is not valid JSON: ${show(text)}`, text, error);
  }
}

export function decodeArchitecture(metadata: Readonly<Record<string, string>>, file: string): Architecture {
  const value = metadataJson(metadata, META_KEYS.architecture, file);
  try {
    return validateArchitecture(value, `${file}: __metadata__["${META_KEYS.architecture}"]`);
  } catch (error) {
    throw corrupt(
      file,
      `__metadata__["${META_KEYS.architecture}"]`,
      (error as Error).message.replace(/^.*?: invalid /, 'invalid '),
      value,
      error,
    );
  }
}

export function decodeTraining(metadata: Readonly<Record<string, string>>, file: string): CheckpointTraining {
  const f = Fields.of(metadataJson(metadata, META_KEYS.training, file), file, `__metadata__["${META_KEYS.training}"]`);
  return {
    epoch: f.int('epoch'),
    globalStep: f.int('globalStep'),
    objective: f.oneOf('objective', ['seed', 'flow'] as const),
    seed: f.num('seed'),
    trainLoss: f.num('trainLoss', { lossy: true }),
    testLoss: f.num('testLoss', { lossy: true }),
    createdAt: f.time('createdAt'),
    invertscopeVersion: f.str('invertscopeVersion'),
  };
}

/** The same object in a fixed key order; non-finite losses become null, as JSON requires. */
export function encodeTraining(t: CheckpointTraining): string {
  return JSON.stringify({
    epoch: t.epoch,
    globalStep: t.globalStep,
    objective: t.objective,
    seed: t.seed,
    trainLoss: t.trainLoss,
    testLoss: t.testLoss,
    createdAt: t.createdAt,
    invertscopeVersion: t.invertscopeVersion,
  });
}
