import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageErrors, summarizeErrors } from '../../../src/core/analysis/imageErrors';
import { kernelDensity } from '../../../src/core/analysis/stats/kernelDensity';
import { ksStatistic } from '../../../src/core/analysis/stats/ksStatistic';
import { median } from '../../../src/core/analysis/stats/median';
import { moments } from '../../../src/core/analysis/stats/moments';
import { normalCdf } from '../../../src/core/analysis/stats/normalCdf';
import { sortedFloat32 } from '../../../src/core/analysis/stats/sortedFloat32';
import { balancedSelection } from '../../../src/core/analysis/balancedSelection';
import { createRng } from '../../../src/core/random/rng';

function normalSample(count: number, mean: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return new Float64Array(count).map(() => mean + rng.normal());
}

describe('normalCdf', () => {
  it("matches Φ from Python's math.erfc, 0.5·erfc(−x/√2), to 1e-14 relative, tails included", () => {
    // Reference values printed by CPython 3 (math.erfc is correctly rounded to within an ulp or two).
    const reference: Array<[number, number]> = [
      [1.96, 0.9750021048517795],
      [1, 0.8413447460685429],
      [-1, 0.15865525393145707],
      [-5, 2.866515718791946e-7],
      [5, 0.9999997133484281],
      [-10, 7.619853024160593e-24],
      [0.3, 0.6179114221889526],
    ];
    // In the tail the rounding of x/√2 (half an ulp) is multiplied by about x²: 1e-14 at x = −10.
    for (const [x, p] of reference)
      assert.ok(Math.abs(normalCdf(x) - p) <= 1e-14 * p, `Φ(${x}) = ${normalCdf(x)}, expected ${p}`);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-16);
    assert.equal(normalCdf(9, 8, 1), normalCdf(1));
    assert.ok(Number.isNaN(normalCdf(Number.NaN)));
  });
});

describe('ksStatistic', () => {
  it('has the exact values of small samples', () => {
    assert.ok(Math.abs(ksStatistic([0], normalCdf) - 0.5) < 1e-15);
    // Two points at ±1: the largest gap is Φ(1) − ½ on both sides.
    assert.ok(Math.abs(ksStatistic([1, -1], normalCdf) - (normalCdf(1) - 0.5)) < 1e-15);
    // Ties step the empirical CDF once: three zeros jump from 0 to 1 at Φ = ½.
    assert.ok(Math.abs(ksStatistic([0, 0, 0], normalCdf) - 0.5) < 1e-15);
    assert.ok(Number.isNaN(ksStatistic([], normalCdf)));
    assert.ok(Math.abs(ksStatistic([Number.NaN, 0], normalCdf) - 0.5) < 1e-15, 'NaN is left out');
  });

  it('is small for a sample of the target and 2Φ(s/2) − 1 for a sample shifted by s', () => {
    const n = 20000;
    const target = (x: number) => normalCdf(x, 6, 1);
    // 1.63/√n is the 1% critical value of the KS test.
    assert.ok(ksStatistic(normalSample(n, 6, 1), target) < 1.63 / Math.sqrt(n));
    const expected = 2 * normalCdf(0.5) - 1; // 0.3829 for a shift of 1
    assert.ok(Math.abs(ksStatistic(normalSample(n, 7, 2), target) - expected) < 0.015);
  });

  it('gives, to the bit, the largest gap over every value, on samples of every shape', () => {
    /** D from F at every distinct value, in order. */
    const everyValue = (values: Float64Array, cdf: (x: number) => number): number => {
      const sorted = values.slice().sort();
      let n = sorted.length;
      while (n > 0 && Number.isNaN(sorted[n - 1])) n--;
      let d = 0;
      for (let i = 0; i < n;) {
        let j = i + 1;
        while (j < n && sorted[j] === sorted[i]) j++;
        const f = cdf(sorted[i]);
        d = Math.max(d, j / n - f, f - i / n);
        i = j;
      }
      return d;
    };
    const rng = createRng(4);
    const samples: Array<[string, Float64Array]> = [
      ['the target itself', normalSample(78400, 0, 5)],
      ['shifted', normalSample(78400, 0.3, 6)],
      ['wider', new Float64Array(5000).map(() => 3 * rng.normal())],
      ['in steps of 0.25 (long runs of ties)', new Float64Array(9000).map(() => Math.round(4 * rng.normal()) / 4)],
      ['with infinities and NaN', Float64Array.of(...normalSample(300, 0.1, 7), Infinity, -Infinity, NaN, NaN)],
      ['one value', Float64Array.of(0.2)],
      ['65 values', normalSample(65, -0.2, 8)],
    ];
    for (const [what, values] of samples) {
      const expected = everyValue(values, normalCdf);
      assert.equal(ksStatistic(values, normalCdf), expected, what);
    }
  });
});

describe('sortedFloat32', () => {
  const bitsOf = (a: Float64Array) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : String(v)));

  it("orders every float32 as the typed array's sort does: −0 before +0, infinities, subnormals, NaN last", () => {
    const specials = [0, -0, 1, -1, Infinity, -Infinity, NaN, -NaN, 1e-45, -1e-45, 3.4e38, -3.4e38, 1.5, 1.5, -2.25];
    const rng = createRng(7);
    const values = Float32Array.from({ length: 5000 }, (_, i) =>
      i < specials.length
        ? specials[i]
        : i % 3 === 0
          ? Math.round(rng.normal() * 4) // repeats, and −0
          : rng.normal() * 10 ** (rng.uniform() * 8 - 4),
    );
    assert.deepEqual(bitsOf(sortedFloat32(values)), bitsOf(Float64Array.from(values).sort()));
  });

  it('sorts a view without touching the values outside it, and an empty one', () => {
    const all = Float32Array.of(9, 3, -1, 2, -7);
    assert.deepEqual(Array.from(sortedFloat32(all.subarray(1, 4))), [-1, 2, 3]);
    assert.deepEqual(Array.from(all), [9, 3, -1, 2, -7]);
    assert.equal(sortedFloat32(new Float32Array(0)).length, 0);
  });
});

describe('moments', () => {
  it('gives the mean, sample standard deviation and skewness', () => {
    const m = moments([1, 2, 3, 10]);
    assert.equal(m.mean, 4);
    assert.ok(Math.abs(m.std - Math.sqrt(50 / 3)) < 1e-15);
    // m₂ = 50/4, m₃ = 180/4.
    assert.ok(Math.abs(m.skew - 45 / 12.5 ** 1.5) < 1e-14);
    assert.equal(moments([5, 5, 5]).skew, 0);
  });

  it('stays accurate for a large mean and a small spread', () => {
    const m = moments([1e8 + 1, 1e8 + 2, 1e8 + 3]);
    assert.equal(m.mean, 1e8 + 2);
    assert.equal(m.std, 1);
  });
});

describe('kernelDensity', () => {
  it('integrates to about 1 and peaks at the mean of a normal sample', () => {
    const { x, y } = kernelDensity(normalSample(50000, 8, 3), 128);
    assert.equal(x.length, 128);
    let area = 0;
    for (let i = 1; i < x.length; i++) area += ((y[i] + y[i - 1]) / 2) * (x[i] - x[i - 1]);
    assert.ok(Math.abs(area - 1) < 0.01, `area ${area}`);
    const peak = x[y.indexOf(Math.max(...y))];
    assert.ok(Math.abs(peak - 8) < 0.15, `peak at ${peak}`);
    assert.ok(Math.abs(Math.max(...y) - 1 / Math.sqrt(2 * Math.PI)) < 0.02);
  });

  it('handles degenerate samples', () => {
    assert.deepEqual(kernelDensity([], 16), { x: [], y: [] });
    assert.deepEqual(kernelDensity([2, 2, 2], 16), { x: [2], y: [1] });
  });
});

describe('median', () => {
  it('sorts numerically and counts NaN as the largest value', () => {
    assert.equal(median([10, 9, 100]), 10);
    assert.equal(median([1, 2, 3, 4]), 2.5);
    assert.ok(Number.isNaN(median([1, Number.NaN, Number.NaN])));
    assert.equal(median([Number.NaN, 1, 2]), 2);
  });
});

describe('reconstruction errors', () => {
  it('measures MAE on raw values and PSNR on the displayed image', () => {
    const e = imageErrors([0.5, 2, Number.NaN, 0], [0.5, 1, 0, 0], 2, 2);
    assert.deepEqual(Array.from(e.meanAbs), [0.5, Number.POSITIVE_INFINITY]);
    assert.equal(e.psnr[0], 200, '2 is displayed as 1, which is exact');
    // A NaN pixel counts as error 1: mse = ½, PSNR = 10·log10(2).
    assert.ok(Math.abs(e.psnr[1] - 10 * Math.log10(2)) < 1e-12);
    const stats = summarizeErrors(e, 0.1);
    assert.equal(stats.brokenFraction, 1);
    assert.equal(stats.maxAbsError, Number.POSITIVE_INFINITY);
  });
});

describe('balancedSelection', () => {
  it('takes the classes in turn and keeps the data order', () => {
    assert.deepEqual(balancedSelection([0, 0, 0, 1, 1, 2], 3, 4), [0, 1, 3, 5]);
    assert.deepEqual(balancedSelection([1, 1, 0], 2, 10), [0, 1, 2]);
  });
});
