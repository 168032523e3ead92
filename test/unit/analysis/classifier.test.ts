import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { classifierAccuracy, CLASSIFIER_SETTINGS, trainDigitClassifier } from '../../../src/core/analysis/classifier/digitClassifier';
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
    const train = subset(split.train, Array.from({ length: 600 }, (_, i) => i));
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
    const split = { ...full, train: subset(full.train, Array.from({ length: 500 }, (_, i) => i)), test: subset(full.test, Array.from({ length: 200 }, (_, i) => i)) };
    try {
      await body(folder, split);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  it('trains once, then reads the same weights from the cache file', async () => {
    await withFolder(async (folder, split) => {
      let loads = 0;
      const source = { cacheFolder: folder, settings: QUICK, dataDescription: 'test digits', loadData: async () => { loads++; return split; } };
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
      const source = { cacheFolder: folder, settings: QUICK, dataDescription: 'test digits', loadData: async () => split };
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
});
