import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { densityReport } from '../../../src/core/analysis/densityReport';
import { forwardRows } from '../../../src/core/analysis/forward';
import { invertRows } from '../../../src/core/analysis/inverse';
import { factorLayers } from '../../../src/core/analysis/layerFactors';
import { invertibleNetwork, type InvertibleNetwork } from '../../../src/core/analysis/network';
import { linalgBatch, type LinalgJob } from '../../../src/core/linalg/linalgBatch';
import { customArchitecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import { PAPER_PRIOR } from '../../../src/core/train/flow/flowPrior';
import { paramsWith } from './builders';

const n = 40;

/** A flow-like network: a dense layer between diagonal ones (kinks), LeakyReLU after all but the last. */
function kinkNetwork(): InvertibleNetwork {
  const rng = createRng(12);
  const diagonal = () => {
    const w = new Float32Array(n * n);
    for (let i = 0; i < n; i++) w[i * n + i] = (rng.uniform() < 0.5 ? -1 : 1) * (0.2 + 3 * rng.uniform());
    return w;
  };
  const dense = new Float32Array(n * n).map(() => rng.normal() / Math.sqrt(n));
  for (let i = 0; i < n; i++) dense[i * n + i] += 1;
  const architecture = customArchitecture({
    depth: 4,
    activation: true,
    activateLast: false,
    width: n,
    negativeSlope: 0.5,
  });
  return invertibleNetwork(architecture, paramsWith(architecture, [diagonal(), dense, diagonal(), diagonal()], rng));
}

/** The same network with every layer taken as dense: products and solves, no shortcut. */
function asDense(net: InvertibleNetwork): InvertibleNetwork {
  return { ...net, layers: net.layers.map((layer) => ({ ...layer, diagonal: null })) };
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])), `entry ${i}: ${a[i]} ≠ ${b[i]}`);
};

describe('diagonal layers', () => {
  it('are recognized, and a dense layer or one with a zero on its diagonal is not', () => {
    const net = kinkNetwork();
    assert.deepEqual(
      net.layers.map((l) => l.diagonal !== null),
      [true, false, true, true],
    );
    const architecture = customArchitecture({ depth: 1, activation: false, width: 2 });
    const singular = invertibleNetwork(architecture, {
      weights: [Float32Array.of(1, 0, 0, 0)],
      biases: [new Float32Array(2)],
    });
    assert.equal(singular.layers[0].diagonal, null);
  });

  it('told diagonal, get the factors and singular values they get when scanned, even one whose float32 rounding is singular', () => {
    const w = new Float64Array(n * n);
    for (let i = 0; i < n; i++) w[i * n + i] = i === 7 ? 1e-50 : (i % 3) - 1.5 + i / n;
    const kinds: LinalgJob['kind'][] = ['lu', 'lu32', 'singularValues'];
    const told = linalgBatch(kinds.map((kind) => ({ kind, w, n, diagonal: true })));
    const scanned = linalgBatch(kinds.map((kind) => ({ kind, w, n })));
    assert.deepEqual(told, scanned);
    assert.deepEqual((scanned[1] as { minAbsPivot: number }).minAbsPivot, 0, 'float32 rounds 1e-50 to 0');
  });

  it('give the forward pass and the inverse, in both precisions, the numbers of the products and solves', () => {
    const net = kinkNetwork();
    const dense = asDense(net);
    const factors = factorLayers(net);
    const rng = createRng(13);
    const count = 70;
    const x = new Float32Array(count * n).map(() => rng.uniform());
    for (const precision of ['float32', 'float64'] as const) {
      const z = forwardRows(net, x, count, precision);
      same(z, forwardRows(dense, x, count, precision));
      const f = factors.map((l) => l[precision]);
      const stages: Float64Array[] = [];
      const denseStages: Float64Array[] = [];
      same(
        invertRows(net, f, z, count, (_, v) => stages.push(Float64Array.from(v))),
        invertRows(dense, f, z, count, (_, v) => denseStages.push(Float64Array.from(v))),
      );
      assert.equal(stages.length, denseStages.length);
      stages.forEach((s, i) => same(s, denseStages[i]));
    }
  });

  it("give the test split's likelihood the numbers of the products", async () => {
    const net = kinkNetwork();
    const rng = createRng(14);
    const test = {
      images: new Float32Array(30 * n).map(() => Math.round(rng.uniform() * 255) / 255),
      labels: Uint8Array.from({ length: 30 }, (_, i) => i % 10),
      count: 30,
      classes: 10,
    };
    const input = { logAbsDets: [0.1, -0.2, 0.3, 0.05], prior: PAPER_PRIOR, test, seed: 3, batchSize: 8 };
    const tick = async () => undefined;
    assert.deepEqual(
      await densityReport({ ...input, net }, tick),
      await densityReport({ ...input, net: asDense(net) }, tick),
    );
  });
});
