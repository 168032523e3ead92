import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FLOAT64_RESOLVABLE_COND,
  jacobianCondition,
  jacobianConditionBeside,
} from '../../../src/core/analysis/jacobianCondition';
import { factorLayers } from '../../../src/core/analysis/layerFactors';
import { invertibleNetwork, type InvertibleNetwork } from '../../../src/core/analysis/network';
import { chainJacobian } from '../../../src/core/linalg/chainJacobian';
import { luFactor } from '../../../src/core/linalg/luFactor';
import { luSolveRows } from '../../../src/core/linalg/luSolveRows';
import { singularValues } from '../../../src/core/linalg/singularValues';
import { customArchitecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import { logSpaced, matrixWithSingularValues, paramsWith } from './builders';

const n = 64;

function network(weights: Float32Array[], slope: number): InvertibleNetwork {
  const architecture = customArchitecture({ depth: weights.length, activation: true, width: n, negativeSlope: slope });
  return invertibleNetwork(architecture, paramsWith(architecture, weights, createRng(5)));
}

/** σmax(J) and σmax(J⁻¹) with both formed: J by products, J⁻¹ by each layer's solves applied to the identity. */
function formedReference(net: InvertibleNetwork, point: Float32Array): { sigmaMax: number; inverseSigmaMax: number } {
  const slopes: (Float64Array | null)[] = [];
  let h = Float64Array.from(point);
  for (const layer of net.layers) {
    const y = Float64Array.from({ length: n }, (_, i) => {
      let s = layer.bias[i];
      for (let j = 0; j < n; j++) s += layer.weight64[i * n + j] * h[j];
      return s;
    });
    const slope = y.map((v) => (v > 0 ? 1 : net.slope));
    slopes.push(slope);
    h = y.map((v, i) => v * slope[i]);
  }
  const j = chainJacobian(
    net.layers.map((l) => l.weight64),
    slopes,
    n,
  );
  let rows: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) rows[i * n + i] = 1;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const slope = slopes[l] as Float64Array;
    rows = luSolveRows(
      luFactor(net.layers[l].weight64, n),
      rows.map((v, i) => v / slope[i % n]),
    );
  }
  return { sigmaMax: singularValues(j, n)[0], inverseSigmaMax: singularValues(rows, n)[0] };
}

describe('jacobianCondition', () => {
  it('gives σmax(J) and σmin(J) = 1/σmax(J⁻¹) of the Jacobian formed in full, without forming J⁻¹', () => {
    const rng = createRng(2);
    const net = network(
      [1e3, 1e5, 1e2].map((cond) => matrixWithSingularValues(logSpaced(n, cond), rng)),
      0.1,
    );
    const factors = factorLayers(net);
    const point = new Float32Array(n).map(() => rng.uniform() - 0.5);
    const j = jacobianCondition(net, factors, point, 'a random point');
    const reference = formedReference(net, point);
    assert.ok(
      Math.abs(j.sigmaMax / reference.sigmaMax - 1) <= 1e-13,
      `σmax ${j.sigmaMax} against ${reference.sigmaMax}`,
    );
    // J⁻¹ is determined to about Σκ(W_l)·ε relative (here ≈ 2e-11).
    assert.ok(
      Math.abs(j.sigmaMin * reference.inverseSigmaMax - 1) <= 1e-10,
      `σmin ${j.sigmaMin} against ${1 / reference.inverseSigmaMax}`,
    );
    assert.ok(j.resolvable && Math.abs(j.cond / (j.sigmaMax / j.sigmaMin) - 1) <= 1e-15);
  });

  it('gives the same figure with work beside it, and passes that work on', async () => {
    const rng = createRng(4);
    const net = network(
      [1e2, 1e4].map((cond) => matrixWithSingularValues(logSpaced(n, cond), rng)),
      0.1,
    );
    const factors = factorLayers(net);
    const point = new Float32Array(n).map(() => rng.uniform() - 0.5);
    const beside = await jacobianConditionBeside(net, factors, point, 'a random point', async () => 'beside');
    assert.deepEqual(beside.condition, jacobianCondition(net, factors, point, 'a random point'));
    assert.equal(beside.value, 'beside');
  });

  it('gives σmin = 0 and the bound for κ when a layer is exactly singular', () => {
    const rng = createRng(3);
    const singular = matrixWithSingularValues(logSpaced(n, 10), rng);
    singular.fill(0, 5 * n, 6 * n);
    const net = network([matrixWithSingularValues(logSpaced(n, 10), rng), singular], 0.2);
    const factors = factorLayers(net);
    const j = jacobianCondition(net, factors, new Float32Array(n).fill(0.25), 'a point');
    assert.equal(j.sigmaMin, 0);
    assert.equal(j.resolvable, false);
    assert.equal(j.cond, FLOAT64_RESOLVABLE_COND);
  });
});
