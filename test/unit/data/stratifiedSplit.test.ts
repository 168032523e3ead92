import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import { loadMnistNpm } from '../../../src/core/data/mnistNpm';
import { stratifiedSplit, type IndexSplit } from '../../../src/core/data/stratifiedSplit';

let labels: Uint8Array;
before(() => {
  labels = loadMnistNpm().dataset.labels;
});

function perClass(indices: readonly number[], source: ArrayLike<number>, classes = 10): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const i of indices) counts[source[i]]++;
  return counts;
}

function assertDisjointAndInRange(split: IndexSplit, total: number): void {
  const seen = new Set<number>();
  for (const i of [...split.train, ...split.test]) {
    assert.ok(Number.isInteger(i) && i >= 0 && i < total, `index ${i} outside 0..${total - 1}`);
    assert.ok(!seen.has(i), `index ${i} appears twice`);
    seen.add(i);
  }
}

describe('stratifiedSplit on the npm digits', () => {
  it('takes exactly 8,000 and 2,000 disjoint images', () => {
    const split = stratifiedSplit(labels, 10, { trainCount: 8000, testCount: 2000 }, 0);
    assert.equal(split.train.length, 8000);
    assert.equal(split.test.length, 2000);
    assertDisjointAndInRange(split, labels.length);
  });

  it('gives each class its share of both lists, within one image of the exact quota', () => {
    const split = stratifiedSplit(labels, 10, { trainCount: 6000, testCount: 1500 }, 5);
    const sizes = perClass(Array.from(labels.keys()), labels);
    const train = perClass(split.train, labels);
    const test = perClass(split.test, labels);
    sizes.forEach((n, c) => {
      assert.ok(Math.abs(train[c] - (6000 * n) / 10_000) < 1, `class ${c}: ${train[c]} train of ${n}`);
      assert.ok(Math.abs(test[c] - (1500 * n) / 10_000) < 1, `class ${c}: ${test[c]} test of ${n}`);
    });
    // Class 1 is the largest (1,127 of 10,000), class 5 the smallest (863).
    assert.ok(train[1] > train[0] && train[0] > train[5]);
  });

  it('repeats the same lists for the same seed and changes them for another', () => {
    const counts = { trainCount: 8000, testCount: 2000 };
    const a = stratifiedSplit(labels, 10, counts, 42);
    const b = stratifiedSplit(labels, 10, counts, 42);
    const c = stratifiedSplit(labels, 10, counts, 43);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.test, c.test);
    assert.deepEqual(perClass(a.test, labels), perClass(c.test, labels));
  });

  it('orders both lists randomly, so a short prefix already mixes classes', () => {
    const split = stratifiedSplit(labels, 10, { trainCount: 8000, testCount: 2000 }, 0);
    const prefixClasses = new Set(split.train.slice(0, 50).map((i) => labels[i]));
    assert.ok(prefixClasses.size >= 8, `only classes ${[...prefixClasses].join(',')} in the first 50`);
    assert.notDeepEqual(split.test.slice(0, 20), [...split.test].sort((x, y) => x - y).slice(0, 20));
  });

  it('uses every image once when the counts add up to the total', () => {
    const split = stratifiedSplit(labels, 10, { trainCount: 9999, testCount: 1 }, 3);
    assertDisjointAndInRange(split, labels.length);
    assert.equal(split.train.length + split.test.length, labels.length);
  });
});

describe('stratifiedSplit on small and skewed labels', () => {
  it('keeps train and test disjoint when tiny classes round up in both', () => {
    // Every class has 3 images and 1.5 train / 1.5 test quotas: the caps must stop a class reaching 4.
    const skewed = Uint8Array.from({ length: 12 }, (_, i) => i % 4);
    for (let seed = 0; seed < 20; seed++) {
      const split = stratifiedSplit(skewed, 4, { trainCount: 6, testCount: 6 }, seed);
      assertDisjointAndInRange(split, skewed.length);
      assert.equal(split.train.length, 6);
      assert.equal(split.test.length, 6);
      perClass(split.train, skewed, 4).forEach((n, c) => assert.ok(n === 1 || n === 2, `class ${c}: ${n} train`));
    }
  });

  it('leaves a class with no members out of both lists', () => {
    const labelsWithGap = Uint8Array.of(0, 0, 0, 2, 2, 2, 2, 2);
    const split = stratifiedSplit(labelsWithGap, 3, { trainCount: 4, testCount: 2 }, 1);
    assert.equal(perClass([...split.train, ...split.test], labelsWithGap, 3)[1], 0);
    assertDisjointAndInRange(split, labelsWithGap.length);
  });
});

describe('stratifiedSplit validation', () => {
  const bad = (counts: { trainCount: number; testCount: number }, field: string, text: RegExp) => () => {
    assert.throws(
      () => stratifiedSplit(labels, 10, counts, 0),
      (error: unknown) =>
        isInvertscopeError(error, 'BAD_INPUT') && error.detail?.field === field && text.test(error.message),
    );
  };
  it(
    'rejects a train count of 0',
    bad({ trainCount: 0, testCount: 10 }, 'trainCount', /trainCount must be a whole number ≥ 1, got 0/),
  );
  it(
    'rejects a fractional test count',
    bad({ trainCount: 10, testCount: 2.5 }, 'testCount', /testCount must be a whole number ≥ 1, got 2.5/),
  );
  it(
    'rejects counts beyond the images available',
    bad({ trainCount: 9000, testCount: 1001 }, 'trainCount', /9000 \+ 1001 = 10001 exceeds the 10000 images available/),
  );
  it('rejects a label outside the class range', () => {
    assert.throws(
      () => stratifiedSplit(Uint8Array.of(0, 1, 10), 10, { trainCount: 1, testCount: 1 }, 0),
      /labels\[2\] = 10 is outside 0..9/,
    );
  });
});
