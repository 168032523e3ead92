import type { CellDensity } from './cellDensity';

/**
 * Per-column kink maps, fitted by coordinate descent (the closed-form part of
 * a flow's initialization; research/flow/kinkfit.py is the reference).
 *
 * A stack of K diagonal layers x → LeakyReLU_α(w·x + b) maps each column
 * through a monotone piecewise-linear f whose log-slope is c + ln α·m(x), m(x)
 * counting the layers whose pre-activation is negative at x. Each layer's
 * negative side is a half-line of x, so f is fixed up to an affine map by its K
 * (threshold, side) pairs, in any order. Adding a kink at t is applying a
 * LeakyReLU at f(t) to the final value; removing one is its inverse; so each
 * kink can be moved to its best place with the others held.
 *
 * Score of a column: the log-likelihood of the best Gaussian fit of f(X) plus
 * E[log f'(X)] = −½·log(2πe·Var f(X)) + ln α·E[m(X)] (+ a constant), invariant
 * to scaling f. X has the column's piecewise-uniform density and every
 * candidate threshold is a cell edge, so f is linear within each cell and the
 * moments are exact. Candidates on either side come from prefix sums over the
 * cells: one sweep over all of them costs O(cells).
 *
 * Measured on the embedded digits (research/flow/README.md): 16 kinks at
 * α = 0.5 on 8 cells per pixel level bring the independent-pixel model to 1.83
 * bits/dim on the test split, where the 17-boundary greedy fit of 10 kinks at
 * α = 0.2 reaches 1.94 (a 256-level histogram per pixel: 1.73).
 */
export interface KinkSlot {
  /** Cell edge of the threshold, on the column's grid. */
  readonly edge: number;
  /** +1: negative below the threshold; −1: above it. */
  readonly side: 1 | -1;
  /** False: the slot is unused (the layer is linear for this column). */
  readonly active: boolean;
}

export interface KinkFitOptions {
  /** Stop a column when a pass over its kinks gains less than this (nats). Default 1e-5. */
  readonly tolerance?: number;
  /** Passes of coordinate descent after the greedy start. Default 20. */
  readonly maxPasses?: number;
  /** A kink is used only when it gains more than this (nats). Default 1e-3. */
  readonly minGain?: number;
}

export interface KinkFit {
  readonly slope: number;
  /** slots[j][l]: column j's kink in layer l. */
  readonly slots: KinkSlot[][];
  /** Per column, the final score (nats). */
  readonly score: Float64Array;
}

export function fitKinks(density: CellDensity, slope: number, kinks: number, options: KinkFitOptions = {}): KinkFit {
  if (!(slope > 0 && slope < 1)) throw new RangeError(`fitKinks: slope must be in (0, 1), got ${slope}`);
  if (!(Number.isInteger(kinks) && kinks >= 0))
    throw new RangeError(`fitKinks: kinks must be an integer ≥ 0, got ${kinks}`);
  const tolerance = options.tolerance ?? 1e-5;
  const maxPasses = options.maxPasses ?? 20;
  const minGain = options.minGain ?? 1e-3;
  const { columns, cells } = density;
  const column = new KinkColumn(cells, slope);
  const slots: KinkSlot[][] = [];
  const score = new Float64Array(columns);
  for (let j = 0; j < columns; j++) {
    column.load(density, j);
    for (let l = 0; l < kinks; l++) column.addBest(minGain);
    for (let p = 0; p < maxPasses; p++) {
      const before = column.score();
      for (let l = 0; l < kinks; l++) {
        column.remove(0);
        column.addBest(minGain);
      }
      if (column.score() - before < tolerance) break;
    }
    slots.push(column.slots.slice());
    score[j] = column.score();
  }
  return { slope, slots, score };
}

/**
 * The diagonal layers that realize a fit, in slot order: per layer, a weight
 * and a bias per column. Each layer puts its kink at the image of its
 * threshold (an unused slot below every value, where the layer is linear) and
 * scales its output to unit variance under the density.
 */
export function kinkLayers(density: CellDensity, fit: KinkFit): Array<{ weight: Float64Array; bias: Float64Array }> {
  const { columns, cells } = density;
  const kinks = fit.slots[0]?.length ?? 0;
  const layers = Array.from({ length: kinks }, () => ({
    weight: new Float64Array(columns),
    bias: new Float64Array(columns),
  }));
  const g = new Float64Array(cells + 1);
  const a = fit.slope;
  for (let j = 0; j < columns; j++) {
    g.set(density.edges.subarray(j * (cells + 1), (j + 1) * (cells + 1)));
    const mass = density.mass.subarray(j * cells, (j + 1) * cells);
    let increasing = true;
    fit.slots[j].forEach((slot, l) => {
      let sign = increasing === slot.side > 0 ? 1 : -1;
      let t = g[slot.edge];
      if (!slot.active) {
        t = Math.min(g[0], g[cells]) - 1;
        sign = 1;
      }
      let m1 = 0,
        m2 = 0;
      let prev = leaky(sign * (g[0] - t), a);
      for (let c = 0; c < cells; c++) {
        const next = leaky(sign * (g[c + 1] - t), a);
        m1 += (mass[c] * (prev + next)) / 2;
        m2 += (mass[c] * (prev * prev + prev * next + next * next)) / 3;
        prev = next;
      }
      const variance = m2 - m1 * m1;
      const w = (variance > 0 ? 1 / Math.sqrt(variance) : 1) * sign;
      const b = -w * t;
      layers[l].weight[j] = w;
      layers[l].bias[j] = b;
      for (let e = 0; e <= cells; e++) g[e] = leaky(w * g[e] + b, a);
      if (w < 0) increasing = !increasing;
    });
  }
  return layers;
}

/** Values (count × n, row-major) through diagonal layers and their LeakyReLU, in place. */
export function applyKinkLayers(
  values: Float64Array,
  count: number,
  n: number,
  layers: ReadonlyArray<{ weight: Float64Array; bias: Float64Array }>,
  slope: number,
): Float64Array {
  for (const { weight, bias } of layers) {
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < n; j++) values[r * n + j] = leaky(weight[j] * values[r * n + j] + bias[j], slope);
    }
  }
  return values;
}

function leaky(v: number, slope: number): number {
  return v < 0 ? slope * v : v;
}

const LOG_2PI_E = Math.log(2 * Math.PI * Math.E);

/** One column's map while it is fitted: f at every cell edge (increasing), and its kinks. */
class KinkColumn {
  readonly f: Float64Array;
  private mass: Float64Array = new Float64Array(0);
  /** Probability below each edge. */
  private readonly below: Float64Array;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  slots: KinkSlot[] = [];
  private readonly logSlope: number;

  constructor(
    private readonly cells: number,
    private readonly slope: number,
  ) {
    this.f = new Float64Array(cells + 1);
    this.below = new Float64Array(cells + 1);
    this.s1 = new Float64Array(cells + 1);
    this.s2 = new Float64Array(cells + 1);
    this.logSlope = Math.log(slope);
  }

  load(density: CellDensity, j: number): void {
    const { cells } = this;
    this.f.set(density.edges.subarray(j * (cells + 1), (j + 1) * (cells + 1)));
    this.mass = density.mass.subarray(j * cells, (j + 1) * cells);
    for (let c = 0; c < cells; c++) this.below[c + 1] = this.below[c] + this.mass[c];
    this.slots = [];
  }

  /** E[m(X)]: the probability on the negative side of each used kink, summed. */
  private negatives(): number {
    let m = 0;
    for (const s of this.slots) if (s.active) m += s.side > 0 ? this.below[s.edge] : 1 - this.below[s.edge];
    return m;
  }

  private moments(shift: number): [number, number] {
    const { f, mass } = this;
    let m1 = 0,
      m2 = 0;
    for (let c = 0; c < this.cells; c++) {
      const a = f[c] - shift,
        b = f[c + 1] - shift;
      m1 += (mass[c] * (a + b)) / 2;
      m2 += (mass[c] * (a * a + a * b + b * b)) / 3;
    }
    return [m1, m2];
  }

  score(): number {
    const [mean] = this.moments(0);
    const [, c2] = this.moments(mean);
    return -0.5 * (LOG_2PI_E + Math.log(Math.max(c2, 1e-300))) + this.logSlope * this.negatives();
  }

  private apply(slot: KinkSlot, inverse: boolean): void {
    if (!slot.active) return;
    const { f } = this;
    const t = f[slot.edge];
    const a = inverse ? 1 / this.slope : this.slope;
    for (let e = 0; e <= this.cells; e++) if (slot.side * (f[e] - t) < 0) f[e] = t + a * (f[e] - t);
  }

  remove(index: number): void {
    const [slot] = this.slots.splice(index, 1);
    this.apply(slot, true);
  }

  /** Adds the best kink (or an unused slot when none gains more than minGain). */
  addBest(minGain: number): void {
    const { f, mass, below, s1, s2, cells } = this;
    const current = this.score();
    const [mean] = this.moments(0);
    for (let c = 0; c < cells; c++) {
      const a = f[c] - mean,
        b = f[c + 1] - mean;
      s1[c + 1] = s1[c] + (mass[c] * (a + b)) / 2;
      s2[c + 1] = s2[c] + (mass[c] * (a * a + a * b + b * b)) / 3;
    }
    const W = below[cells],
      S1 = s1[cells],
      S2 = s2[cells];
    const base = this.negatives();
    const al = this.slope;
    let best = -Infinity,
      bestEdge = 0,
      bestSide: 1 | -1 = 1;
    for (let e = 0; e <= cells; e++) {
      const t = f[e] - mean;
      for (const side of [1, -1] as const) {
        const wn = side > 0 ? below[e] : W - below[e];
        const s1n = side > 0 ? s1[e] : S1 - s1[e];
        const s2n = side > 0 ? s2[e] : S2 - s2[e];
        const n1 = S1 - s1n + al * s1n + (1 - al) * t * wn;
        const n2 = S2 - s2n + al * al * s2n + 2 * al * (1 - al) * t * s1n + (1 - al) * (1 - al) * t * t * wn;
        const sc = -0.5 * (LOG_2PI_E + Math.log(Math.max(n2 - n1 * n1, 1e-300))) + this.logSlope * (base + wn);
        if (sc > best) {
          best = sc;
          bestEdge = e;
          bestSide = side;
        }
      }
    }
    const slot: KinkSlot = { edge: bestEdge, side: bestSide, active: best > current + minGain };
    this.apply(slot, false);
    this.slots.push(slot);
  }
}
