import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { DataSpec } from '../data/dataset';
import { loadData } from '../data/loadData';
import { InvertscopeError } from '../errors';
import type { Architecture } from '../model/architecture';
import type { LoadedCheckpoint } from './checkpoint';
import { createImportedRun, readImportable, type ImportOptions } from './importPytorch';
import type { RunStore } from './runStore';
import type { CheckpointEntry } from './runTypes';

/**
 * A series of checkpoints of one model imported as one run, so its trajectory
 * can be analysed: files given one by one or as a folder of .safetensors
 * files, each with its epoch taken from `epochs` (in the files' order) or
 * from the last number in its name ("base_epoch50.safetensors" is epoch 50).
 * When `data` says what the model was trained on, the run records it and the
 * analysis measures on that data's test split; otherwise the run says the data
 * is unknown and its analyses say their test images may include training images.
 */
export interface SeriesImportOptions extends Omit<ImportOptions, 'epoch' | 'data' | 'dataSpec'> {
  /** One epoch per file, in the order the files are listed (a folder's in name order of their epochs). */
  readonly epochs?: readonly number[];
  /** The data the model was trained on: the embedded digits with a split, or an IDX folder. */
  readonly trainedOn?: DataSpec;
}

export interface ImportedSeries {
  readonly id: string;
  readonly architecture: Architecture;
  readonly checkpoints: readonly CheckpointEntry[];
  /** What the run records about its data, for people. */
  readonly dataDescription: string;
}

/** The epoch in a checkpoint's file name: its last run of digits ("model-500", "epoch_0010", "base_e10_final" → 10). */
export function epochFromName(file: string): number | null {
  const digits = basename(file)
    .replace(/\.safetensors$/i, '')
    .match(/\d+/g);
  return digits ? Number(digits[digits.length - 1]) : null;
}

/** The .safetensors files named: each path as it is, a folder as the files directly in it (sidecars excluded). */
async function seriesFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths.map((p) => resolve(p))) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new InvertscopeError('NOT_FOUND', `import: ${path} does not exist`, { file: path });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    // Invertscope writes optimizer and flow state next to a checkpoint as *.optim.safetensors and *.flow.safetensors.
    const inFolder = (await readdir(path)).filter(
      (n) => /\.safetensors$/i.test(n) && !/\.(optim|flow)\.safetensors$/i.test(n),
    );
    if (inFolder.length === 0)
      throw new InvertscopeError('NOT_FOUND', `import: the folder ${path} holds no .safetensors files`, { file: path });
    const epochs = new Map(inFolder.map((n) => [n, epochFromName(n)]));
    files.push(
      ...inFolder
        .sort((a, b) => (epochs.get(a) ?? 0) - (epochs.get(b) ?? 0) || a.localeCompare(b))
        .map((n) => join(path, n)),
    );
  }
  return files;
}

export async function importCheckpointSeries(
  store: RunStore,
  paths: readonly string[],
  options: SeriesImportOptions = {},
): Promise<ImportedSeries> {
  const files = await seriesFiles(paths);
  if (options.epochs && options.epochs.length !== files.length) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `import: ${options.epochs.length} epochs for ${files.length} files (${files.map((f) => basename(f)).join(', ')})`,
      { field: 'epochs', value: options.epochs },
    );
  }
  const series: Array<{ source: string; loaded: Omit<LoadedCheckpoint, 'sha256'> }> = [];
  for (const [i, source] of files.entries()) {
    const named = options.epochs?.[i] ?? epochFromName(source);
    const { trainedOn: _trainedOn, epochs: _epochs, ...readOptions } = options;
    const { loaded, kind } = await readImportable(source, {
      ...readOptions,
      ...(named !== null ? { epoch: named } : {}),
    });
    // An Invertscope checkpoint records its epoch; a state_dict's comes from the flag or the name.
    if (named === null && kind === 'state_dict' && files.length > 1) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `import: no epoch for ${source}: its name holds no number; give the epochs with --epochs`,
        { file: source, field: 'epochs' },
      );
    }
    const first = series[0];
    if (first && JSON.stringify(first.loaded.architecture.layers) !== JSON.stringify(loaded.architecture.layers)) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `import: ${source} has ${loaded.architecture.layers.length} layers (${loaded.architecture.name}) but ${first.source} has ${first.loaded.architecture.layers.length} (${first.loaded.architecture.name}); a series is one model`,
        { file: source },
      );
    }
    series.push({ source, loaded });
  }
  series.sort((a, b) => a.loaded.training.epoch - b.loaded.training.epoch);
  const epochs = series.map((s) => s.loaded.training.epoch);
  const repeated = epochs.find((e, i) => epochs.indexOf(e) !== i);
  if (repeated !== undefined) {
    const which = series.filter((s) => s.loaded.training.epoch === repeated).map((s) => basename(s.source));
    throw new InvertscopeError(
      'BAD_INPUT',
      `import: ${which.join(' and ')} are both epoch ${repeated}; give each file its epoch with --epochs`,
      { field: 'epochs', value: repeated },
    );
  }
  const { trainedOn, epochs: _given, ...runOptions } = options;
  const split = trainedOn ? await loadData(trainedOn) : null;
  const data = split
    ? {
        description: `${split.description} (given at import)`,
        trainCount: split.train.count,
        testCount: split.test.count,
        split: split.split,
      }
    : undefined;
  const { id, architecture, checkpoints } = await createImportedRun(store, series, {
    ...runOptions,
    ...(trainedOn ? { dataSpec: trainedOn } : {}),
    ...(data ? { data } : {}),
  });
  return {
    id,
    architecture,
    checkpoints,
    dataDescription: data?.description ?? 'unknown: no data was given at import',
  };
}
