import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Dataset, SplitData } from '../../../src/core/data/dataset';
import { loadData } from '../../../src/core/data/loadData';

// Debian's dataset-fashion-mnist package: the real Fashion-MNIST IDX files, gzipped.
const FOLDER = '/usr/share/datasets/fashion-mnist';
const MISSING = `${FOLDER} is missing: run scripts/install-test-deps.sh (it installs Debian's dataset-fashion-mnist)`;

let data: SplitData | undefined;
let seconds = 0;

before(async () => {
  if (!existsSync(FOLDER)) return;
  const started = performance.now();
  data = await loadData({ kind: 'idx', folder: FOLDER });
  seconds = (performance.now() - started) / 1000;
});

function loaded(): SplitData {
  assert.ok(existsSync(FOLDER), MISSING);
  assert.ok(data !== undefined, `loading ${FOLDER} did not finish`);
  return data;
}

function classCounts(set: Dataset): number[] {
  const counts = new Array<number>(set.classes).fill(0);
  for (const label of set.labels) counts[label]++;
  return counts;
}

describe('the real Fashion-MNIST files', () => {
  it('load as 60,000 train and 10,000 test images of 784 pixels', (t) => {
    const { train, test, split } = loaded();
    t.diagnostic(`loaded in ${seconds.toFixed(2)} s`);
    assert.equal(train.count, 60_000);
    assert.equal(test.count, 10_000);
    assert.equal(train.images.length, 60_000 * 784);
    assert.equal(test.images.length, 10_000 * 784);
    assert.deepEqual(split, {
      kind: 'files',
      trainFile: `${FOLDER}/train-images-idx3-ubyte.gz`,
      testFile: `${FOLDER}/t10k-images-idx3-ubyte.gz`,
      trainCount: 60_000,
      testCount: 10_000,
    });
  });

  it('have labels 0–9, balanced as published (6,000 and 1,000 per class)', () => {
    const { train, test } = loaded();
    assert.deepEqual(classCounts(train), new Array(10).fill(6000));
    assert.deepEqual(classCounts(test), new Array(10).fill(1000));
  });

  it('have pixels in [0, 1] spanning the whole range', () => {
    const { train } = loaded();
    let min = Infinity,
      max = -Infinity;
    for (const v of train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
  });

  it("match values read independently with Python's gzip module", () => {
    // python3: gzip.open(f).read()[8:] for labels, [16:] for images; sums of the raw bytes.
    const { train, test } = loaded();
    assert.deepEqual(Array.from(train.labels.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    assert.deepEqual(Array.from(test.labels.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const byteSum = (set: Dataset, image: number): number => {
      let sum = 0;
      for (let p = 0; p < 784; p++) sum += Math.round(set.images[image * 784 + p] * 255);
      return sum;
    };
    assert.equal(byteSum(train, 0), 76_247);
    assert.equal(byteSum(test, 0), 33_456);
    assert.equal(byteSum(train, 59_999), 16_684);
    assert.equal(byteSum(test, 9_999), 24_390);
  });
});
