import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forwardRows } from '../../../src/core/analysis/forward';
import { inverseStages, invertRows } from '../../../src/core/analysis/inverse';
import { factorLayers } from '../../../src/core/analysis/layerFactors';
import { invertibleNetwork } from '../../../src/core/analysis/network';
import { solveRowsTolerant } from '../../../src/core/analysis/solveRowsTolerant';
import { rowsTimesTransposed32 } from '../../../src/core/analysis/float32Product';
import { isInvertscopeError } from '../../../src/core/errors';
import { luFactor, luFactor32 } from '../../../src/core/linalg';
import { customArchitecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import { paramsWith, randomImages, wellConditioned } from './builders';

/** Largest ‖x̂ᵢ − xᵢ‖ / ‖xᵢ‖ over the rows. */
function worstRelativeError(xHat: ArrayLike<number>, x: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let r = 0; r < x.length / n; r++) {
    let e = 0,
      s = 0;
    for (let j = r * n; j < (r + 1) * n; j++) {
      e += (xHat[j] - x[j]) ** 2;
      s += x[j] ** 2;
    }
    worst = Math.max(worst, Math.sqrt(e / s));
  }
  return worst;
}

describe('inverse network', () => {
  it('undoes a well-conditioned 784-wide network to 1e-12 in float64 and 1e-5 in float32', () => {
    // Three layers W = I + 0.3·G/√n without activations: κ ≈ 2.4 each, so the
    // round trip's error is a few units of each precision's rounding.
    const { architecture, params } = wellConditioned(784, 3, false);
    const net = invertibleNetwork(architecture, params);
    const factors = factorLayers(net);
    const x = randomImages(20, 784, createRng(2));
    const z64 = forwardRows(net, x.images, x.count, 'float64');
    const error64 = worstRelativeError(
      invertRows(
        net,
        factors.map((f) => f.float64),
        z64,
        x.count,
      ),
      x.images,
      784,
    );
    assert.ok(error64 < 1e-12, `float64 round trip error ${error64}`);
    const z32 = forwardRows(net, x.images, x.count, 'float32');
    const error32 = worstRelativeError(
      invertRows(
        net,
        factors.map((f) => f.float32),
        z32,
        x.count,
      ),
      x.images,
      784,
    );
    assert.ok(error32 < 1e-5, `float32 round trip error ${error32}`);
    assert.ok(error32 > 1e-9, `float32 round trip error ${error32} is too small to have been computed in float32`);
  });

  it('undoes LeakyReLU layers: every negative value is divided by the slope', () => {
    const { architecture, params } = wellConditioned(48, 2, true, 5);
    const net = invertibleNetwork(architecture, params);
    const factors = factorLayers(net);
    const x = randomImages(30, 48, createRng(3));
    const z = forwardRows(net, x.images, x.count, 'float64');
    assert.ok(
      z.some((v) => v < 0),
      'the test needs negative outputs',
    );
    // Each inverse LeakyReLU multiplies rounding errors by up to 100.
    const error = worstRelativeError(
      invertRows(
        net,
        factors.map((f) => f.float64),
        z,
        x.count,
      ),
      x.images,
      48,
    );
    assert.ok(error < 1e-11, `float64 round trip error ${error}`);
  });

  it('names the stages in the order the inverse applies them', () => {
    const architecture = customArchitecture({ depth: 3, activation: true, activateLast: false, width: 4 });
    const w = new Float32Array(16).map((_, i) => (i % 5 === 0 ? 1 : 0));
    const net = invertibleNetwork(architecture, paramsWith(architecture, [w, w, w], createRng(1)));
    assert.deepEqual(
      inverseStages(net).map((s) => s.name),
      ['Linear 3⁻¹', 'LeakyReLU 2⁻¹', 'Linear 2⁻¹', 'LeakyReLU 1⁻¹', 'Linear 1⁻¹'],
    );
  });

  it('reports every stage of the batch to onStage', () => {
    const { architecture, params } = wellConditioned(16, 2, true, 9);
    const net = invertibleNetwork(architecture, params);
    const factors = factorLayers(net);
    const z = forwardRows(net, randomImages(3, 16, createRng(4)).images, 3, 'float64');
    const seen: number[] = [];
    invertRows(
      net,
      factors.map((f) => f.float64),
      z,
      3,
      (stage, values) => {
        seen.push(stage);
        assert.equal(values.length, 3 * 16);
      },
    );
    assert.deepEqual(seen, [0, 1, 2, 3]);
  });

  it('refuses a diverged checkpoint, naming the tensor and position', () => {
    const architecture = customArchitecture({ depth: 1, activation: false, width: 3 });
    const w = new Float32Array(9).fill(1);
    w[5] = Number.NaN;
    assert.throws(
      () => invertibleNetwork(architecture, paramsWith(architecture, [w], createRng(1))),
      (e: unknown) => isInvertscopeError(e, 'NUMERIC') && /1\.weight\[1, 2\] is NaN/.test(e.message),
    );
  });
});

describe('solveRowsTolerant', () => {
  it('solves the finite rows and returns NaN rows for inputs that are not finite', () => {
    const f = luFactor([2, 0, 0, 4], 2);
    const x = solveRowsTolerant(f, [2, 4, Number.NaN, 1, 4, 8], 3);
    assert.deepEqual(Array.from(x.subarray(0, 2)), [1, 1]);
    assert.ok(Number.isNaN(x[2]) && Number.isNaN(x[3]));
    assert.deepEqual(Array.from(x.subarray(4, 6)), [2, 2]);
  });

  it('finds the rows whose solution overflows and keeps the others', () => {
    // x₀ = y₀ / 1e-300 overflows for y₀ = 1e10 only.
    const f = luFactor([1e-300, 0, 0, 1], 2);
    const x = solveRowsTolerant(f, [1, 1, 1e10, 1, 0, 3], 3);
    assert.equal(x[0], 1 / 1e-300);
    assert.ok(Number.isNaN(x[2]) && Number.isNaN(x[3]));
    assert.deepEqual(Array.from(x.subarray(4, 6)), [0, 3]);
  });

  it('returns NaN for every row of an exactly singular matrix instead of throwing', () => {
    const x = solveRowsTolerant(luFactor([1, 2, 2, 4], 2), [1, 1, 2, 2], 2);
    assert.ok(Array.from(x).every(Number.isNaN));
  });

  it('solves in float32 with float32 factors, and marks values that overflow float32 when rounded', () => {
    const f = luFactor32([1, 0, 0, 1], 2);
    const x = solveRowsTolerant(f, [1 / 3, 1, 1e39, 1], 2);
    assert.ok(x instanceof Float32Array);
    assert.equal(x[0], Math.fround(1 / 3));
    assert.ok(Number.isNaN(x[2]));
  });
});

describe('rowsTimesTransposed32', () => {
  it('rounds every product and sum to float32', () => {
    // 1 + 2⁻²⁴ + 2⁻²⁴: in float32 each addition rounds back to 1 (ties to even); float64 would keep 1 + 2⁻²³.
    const tiny = 2 ** -24;
    const y = rowsTimesTransposed32(Float32Array.of(1, tiny, tiny), 1, Float32Array.of(1, 1, 1), 1, 3);
    assert.equal(y[0], 1);
    assert.deepEqual(
      Array.from(rowsTimesTransposed32(Float32Array.of(1, 2), 1, Float32Array.of(1, 0, 3, 4), 2, 2)),
      [1, 11],
    );
  });
});
