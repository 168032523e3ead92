import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { classifierDataFor } from '../../../src/core/analysis/classifier/classifierData';
import { classifierFolders } from '../../../src/core/analysis/defaultClassifier';
import {
  classifierAccuracy,
  CLASSIFIER_SETTINGS,
  trainDigitClassifier,
} from '../../../src/core/analysis/classifier/digitClassifier';
import { subset, type SplitData } from '../../../src/core/data/dataset';
import { DEFAULT_DATA_SPEC, loadData } from '../../../src/core/data/loadData';

const QUICK = { ...CLASSIFIER_SETTINGS, hidden: 16, epochs: 1 };

describe('digit classifier', () => {
  it('reaches 95% on the held-out real digits with the settings the analysis uses', async () => {
    const split = await loadData(DEFAULT_DATA_SPEC);
    const classifier = await trainDigitClassifier(split.train, CLASSIFIER_SETTINGS);
    const accuracy = classifierAccuracy(classifier, split.test.images, split.test.labels, split.test.count);
    assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);
  });

  it('trains to the same weights bit for bit from the same data and seed, and to others from another seed', async () => {
    const split = await loadData(DEFAULT_DATA_SPEC);
    const train = subset(
      split.train,
      Array.from({ length: 600 }, (_, i) => i),
    );
    const a = await trainDigitClassifier(train, QUICK);
    const b = await trainDigitClassifier(train, QUICK);
    assert.deepEqual(a.w1, b.w1);
    assert.deepEqual(a.w2, b.w2);
    const c = await trainDigitClassifier(train, { ...QUICK, seed: 1 });
    assert.notDeepEqual(a.w1, c.w1);
  });
});

describe('classifier cache', () => {
  async function withFolder(body: (folder: string, split: SplitData) => Promise<void>): Promise<void> {
    const folder = await mkdtemp(join(tmpdir(), 'invertscope-classifier-'));
    const full = await loadData(DEFAULT_DATA_SPEC);
    const split = {
      ...full,
      train: subset(
        full.train,
        Array.from({ length: 500 }, (_, i) => i),
      ),
      test: subset(
        full.test,
        Array.from({ length: 200 }, (_, i) => i),
      ),
    };
    try {
      await body(folder, split);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  it('trains once, then reads the same weights from the cache file', async () => {
    await withFolder(async (folder, split) => {
      let loads = 0;
      const source = {
        cacheFolder: folder,
        settings: QUICK,
        dataDescription: 'test digits',
        loadData: async () => {
          loads++;
          return split;
        },
      };
      const first = await loadOrTrainClassifier(source);
      assert.equal(first.fromCache, false);
      assert.ok(first.testAccuracy > 0.3 && first.testAccuracy <= 1);
      const second = await loadOrTrainClassifier(source);
      assert.equal(second.fromCache, true);
      assert.equal(loads, 1, 'the data is not even loaded when the cache is valid');
      assert.deepEqual(second.classifier, first.classifier);
      assert.equal(second.testAccuracy, first.testAccuracy);
      assert.equal(second.file, first.file);
    });
  });

  it('retrains when the cache file is damaged, and keeps classifiers of other settings apart', async () => {
    await withFolder(async (folder, split) => {
      const source = {
        cacheFolder: folder,
        settings: QUICK,
        dataDescription: 'test digits',
        loadData: async () => split,
      };
      const first = await loadOrTrainClassifier(source);
      await truncate(first.file, (await stat(first.file)).size - 100);
      const rebuilt = await loadOrTrainClassifier(source);
      assert.equal(rebuilt.fromCache, false);
      assert.deepEqual(rebuilt.classifier.w1, first.classifier.w1);
      assert.equal((await loadOrTrainClassifier(source)).fromCache, true);
      const other = await loadOrTrainClassifier({ ...source, settings: { ...QUICK, seed: 5 } });
      assert.equal(other.fromCache, false);
      assert.notEqual(other.file, first.file);
      assert.equal((await readdir(folder)).filter((f) => f.endsWith('.safetensors')).length, 2);
    });
  });

  it('writes a new classifier to the shared folder, where another runs folder finds it without training', async () => {
    await withFolder(async (folder, split) => {
      const shared = join(folder, 'shared');
      let loads = 0;
      const source = (runs: string) => ({
        cacheFolder: shared,
        otherFolders: [join(folder, runs, '.cache')],
        settings: QUICK,
        dataDescription: 'test digits',
        loadData: async () => {
          loads++;
          return split;
        },
      });
      const first = await loadOrTrainClassifier(source('a'));
      assert.equal(first.fromCache, false);
      assert.equal(first.file.startsWith(shared), true, first.file);
      const second = await loadOrTrainClassifier(source('b'));
      assert.equal(second.fromCache, true);
      assert.equal(second.file, first.file);
      assert.equal(loads, 1);
    });
  });

  it("reads a runs folder's own classifier first, and writes to it when the shared folder cannot be written", async () => {
    await withFolder(async (folder, split) => {
      // A folder under a plain file cannot be created, not even by root.
      const blocked = join(folder, 'a-file');
      await writeFile(blocked, '');
      const local = join(folder, 'runs', '.cache');
      const source = {
        cacheFolder: join(blocked, 'shared'),
        otherFolders: [local],
        settings: QUICK,
        dataDescription: 'test digits',
        loadData: async () => split,
      };
      const trained = await loadOrTrainClassifier(source);
      assert.equal(trained.file.startsWith(local), true, trained.file);
      const read = await loadOrTrainClassifier({ ...source, cacheFolder: join(folder, 'shared') });
      assert.equal(read.fromCache, true);
      assert.equal(read.file, trained.file);
    });
  });
});

describe('classifier per data set', () => {
  it("shares the embedded digits' classifier across runs and gives IDX data one named by its files' hashes", async () => {
    assert.equal((await classifierDataFor(null)).description, CLASSIFIER_DATA);
    assert.equal((await classifierDataFor(DEFAULT_DATA_SPEC)).isDefault, true);
    const folder = '/usr/share/datasets/fashion-mnist';
    const fashion = await classifierDataFor({ kind: 'idx', folder }).catch(() => null);
    if (fashion === null) return; // Debian's dataset-fashion-mnist is not installed
    assert.equal(fashion.isDefault, false);
    assert.match(fashion.description, /^IDX train-images-idx3-ubyte(\.gz)? \(sha256 [0-9a-f]{16}\)/);
    assert.equal((await classifierDataFor({ kind: 'idx', folder })).description, fashion.description);
  });

  it("looks in a run's own cache before the shared one, and writes to the shared one", () => {
    const run = { runsFolder: '/work/runs' } as Parameters<typeof classifierFolders>[0];
    const folders = classifierFolders(run);
    assert.deepEqual(folders.otherFolders, ['/work/runs/.cache']);
    assert.notEqual(folders.cacheFolder, '/work/runs/.cache');
    assert.deepEqual(classifierFolders(run, '/explicit'), { cacheFolder: '/explicit', otherFolders: [] });
  });
});
