import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { levelCells, valueCells, type CellDensity } from '../../../src/core/train/flow/cellDensity';
import { applyKinkLayers, fitKinks, kinkLayers } from '../../../src/core/train/flow/kinkFit';

/** Pixel histograms (three columns) as counts per level, 2 cells per level, like research/flow/kinkfit.level_cells. */
function threeColumns(): CellDensity {
  const counts = [new Float64Array(256), new Float64Array(256).fill(1), new Float64Array(256)];
  counts[0][0] = 80;
  for (let k = 100; k < 110; k++) counts[0][k] = 2;
  for (let k = 250; k < 256; k++) counts[0][k] = 1;
  counts[2][0] = 50;
  counts[2][255] = 30;
  counts[2][128] = 20;
  const cells = 512;
  const edges = new Float64Array(3 * (cells + 1));
  const mass = new Float64Array(3 * cells);
  counts.forEach((c, j) => {
    const total = c.reduce((s, v) => s + v + 0.5, 0);
    for (let e = 0; e <= cells; e++) edges[j * (cells + 1) + e] = e / cells;
    for (let k = 0; k < cells; k++) mass[j * cells + k] = (c[k >> 1] + 0.5) / total / 2;
  });
  return { columns: 3, cells, edges, mass };
}

/** −½·log(2πe·Var f(X)) + E[log f'(X)] of the layers' map, by the same exact cell integrals. */
function scoreOfLayers(d: CellDensity, layers: ReturnType<typeof kinkLayers>, slope: number, j: number): number {
  const edges = Float64Array.from(d.edges.subarray(j * (d.cells + 1), (j + 1) * (d.cells + 1)));
  const g = applyKinkLayers(
    Float64Array.from(edges),
    d.cells + 1,
    1,
    layers.map((l) => ({ weight: l.weight.subarray(j, j + 1), bias: l.bias.subarray(j, j + 1) })),
    slope,
  );
  let m1 = 0,
    m2 = 0,
    logSlope = 0;
  for (let c = 0; c < d.cells; c++) {
    const p = d.mass[j * d.cells + c];
    const a = g[c],
      b = g[c + 1];
    m1 += (p * (a + b)) / 2;
    m2 += (p * (a * a + a * b + b * b)) / 3;
    logSlope += p * Math.log(Math.abs((b - a) / (edges[c + 1] - edges[c])));
  }
  return -0.5 * Math.log(2 * Math.PI * Math.E * (m2 - m1 * m1)) + logSlope;
}

describe('kink fit', () => {
  it('finds the kinks research/flow/kinkfit.py finds, with the same scores', () => {
    const fit = fitKinks(threeColumns(), 0.5, 3);
    // /usr/bin/python3 -c "from kinkfit import *; ... fit_kinks(*level_cells(counts, 2), 0.5, 3).score()" on the same counts.
    [0.386456413851, -0.068004874274, 0.043884829804].forEach((want, j) =>
      assert.ok(Math.abs(fit.score[j] - want) < 1e-9, `column ${j}: ${fit.score[j]} vs ${want}`),
    );
    assert.deepEqual(
      fit.slots[0].map((s) => [s.edge, s.side]),
      [
        [2, -1],
        [2, -1],
        [2, -1],
      ],
    );
    assert.deepEqual(
      fit.slots[1].map((s) => [s.edge, s.side]),
      [
        [75, -1],
        [434, 1],
        [30, -1],
      ],
    );
  });

  it('builds diagonal layers whose map scores what the fit says', () => {
    const d = threeColumns();
    const fit = fitKinks(d, 0.5, 3);
    const layers = kinkLayers(d, fit);
    assert.equal(layers.length, 3);
    for (let j = 0; j < 3; j++)
      assert.ok(Math.abs(scoreOfLayers(d, layers, 0.5, j) - fit.score[j]) < 1e-9, `column ${j}`);
  });

  it('improves on the greedy start by coordinate descent, and on no kinks at all', () => {
    const d = threeColumns();
    const none = fitKinks(d, 0.5, 0).score;
    const greedy = fitKinks(d, 0.5, 3, { maxPasses: 0 }).score;
    const descent = fitKinks(d, 0.5, 3).score;
    for (let j = 0; j < 3; j++) {
      assert.ok(greedy[j] > none[j] + 0.05, `column ${j}: kinks help`);
      assert.ok(descent[j] >= greedy[j] - 1e-12, `column ${j}: descent never loses`);
    }
  });

  it('leaves a slot unused (a linear layer) when no kink gains, as for a Gaussian-shaped column', () => {
    const cells = 400;
    const edges = Float64Array.from({ length: cells + 1 }, (_, e) => -5 + (10 * e) / cells);
    const mass = Float64Array.from({ length: cells }, (_, c) => Math.exp(-0.5 * (-5 + (10 * (c + 0.5)) / cells) ** 2));
    const total = mass.reduce((s, v) => s + v, 0);
    mass.forEach((v, c) => {
      mass[c] = v / total;
    });
    const fit = fitKinks({ columns: 1, cells, edges, mass }, 0.5, 2);
    assert.ok(fit.slots[0].every((s) => !s.active));
    const [layer] = kinkLayers({ columns: 1, cells, edges, mass }, fit);
    const out = applyKinkLayers(Float64Array.from([-5, 0, 5]), 3, 1, [layer], 0.5);
    assert.ok(out[0] >= 0, 'an unused slot keeps every value on the linear side');
  });

  it('smooths pixel histograms with a pseudo-count per level and checks its arguments', () => {
    const images = Float32Array.from([0, 1, 0, 0.5]);
    const d = levelCells(images, 2, 2, 4, 1);
    assert.equal(d.cells, 1024);
    const sum = (j: number) => d.mass.subarray(j * d.cells, (j + 1) * d.cells).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum(0) - 1) < 1e-12 && Math.abs(sum(1) - 1) < 1e-12);
    // Pixel 0 is level 0 twice: (2 + 1)/(2 + 256) in level 0, split over its 4 cells.
    assert.ok(Math.abs(d.mass[0] - 3 / 258 / 4) < 1e-15);
    assert.ok(Math.abs(d.mass[1023] - 1 / 258 / 4) < 1e-15);
    assert.throws(() => levelCells(images, 2, 2, 0, 1), /cellsPerLevel must be a positive integer, got 0/);
    assert.throws(() => levelCells(images, 3, 2, 1, 1), /3 images of 2 pixels need 6 values, got 4/);
    assert.throws(() => valueCells(Float64Array.from([0, Number.NaN]), 1, 2, 8, 0), /value \[0, 1\] is NaN/);
    assert.throws(() => fitKinks(d, 1, 2), /slope must be in \(0, 1\), got 1/);
  });
});
