import { sequentialIndices, type Architecture } from '../../model/architecture';
import { hasFullCovariance, priorRank, type FlowPrior } from './flowPrior';
import type { FlowState, PriorMoments } from './flowEngineTypes';
import { validateLuLayer, type LuLayer } from './luLayer';

/** One array a checkpoint stores: row-major float32 with its shape. */
export interface FlowArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * The arrays a flow checkpoint stores next to the dense `${index}.weight` and
 * `${index}.bias` (index = the Linear layer's position in the equivalent
 * nn.Sequential), for an exact resume:
 *
 *   `${index}.lu_packed`  [n, n]   L below the diagonal, log|u_ii| on it, U above it
 *   `${index}.lu_diag`    [n]      instead of lu_packed for a diagonal layer (P = I, L = I,
 *                                  U diagonal): log|u_ii| alone, 3 KB where lu_packed takes 2.4 MB
 *   `${index}.lu_sign`    [n]      sign of u_ii (±1)
 *   `${index}.lu_perm`    [n]      row i of W is row perm[i] of L·U (integers, exact in float32)
 *   `prior.mean`, `prior.log_std`                [classes, n]   learned prior only
 *   `prior.factors`                              [classes, rank, n]   a low-rank prior's F_a only
 *   `prior.whitener`                             [classes, n(n+1)/2]  a full-covariance prior's W_a only:
 *                                                its lower triangle row by row (half of n × n; it does not train)
 *   `prior.mean.exp_avg`, `prior.mean.exp_avg_sq`,
 *   `prior.log_std.exp_avg`, `prior.log_std.exp_avg_sq`   [classes, n]   its Adam moments
 *   `prior.factors.exp_avg`, `prior.factors.exp_avg_sq`   [classes, rank, n]   likewise
 *
 * Adam's moments of the packed factors travel in the optimizer state, in the
 * packed layout. Readers that know nothing of flows use `${index}.weight`.
 *
 * @example
 *   for (const a of flowCheckpointArrays(arch, await engine.getFlowState())) tensors[a.name] = a;
 */
export function flowCheckpointArrays(
  arch: Architecture,
  // The biases are the checkpoint's own `${index}.bias`; a FlowState's are accepted and not stored here.
  state: Pick<FlowState, 'layers' | 'prior' | 'priorMoments'> & Partial<Pick<FlowState, 'biases'>>,
): FlowArray[] {
  const n = arch.width;
  const indices = sequentialIndices(arch);
  const arrays: FlowArray[] = [];
  state.layers.forEach((layer, l) => {
    if (isDiagonalLayer(layer)) {
      arrays.push({
        name: `${indices[l]}.lu_diag`,
        shape: [n],
        data: Float32Array.from({ length: n }, (_, i) => layer.packed[i * n + i]),
      });
    } else {
      arrays.push({ name: `${indices[l]}.lu_packed`, shape: [n, n], data: layer.packed.slice() });
    }
    arrays.push({ name: `${indices[l]}.lu_sign`, shape: [n], data: layer.sign.slice() });
    arrays.push({ name: `${indices[l]}.lu_perm`, shape: [n], data: Float32Array.from(layer.perm) });
  });
  if (state.prior.kind === 'class') {
    const shape = [state.prior.classes, n];
    arrays.push({ name: 'prior.mean', shape, data: state.prior.mean.slice() });
    arrays.push({ name: 'prior.log_std', shape, data: state.prior.logStd.slice() });
    const rank = priorRank(state.prior);
    const factorShape = [state.prior.classes, rank, n];
    if (rank > 0 && state.prior.factors)
      arrays.push({ name: 'prior.factors', shape: factorShape, data: state.prior.factors.slice() });
    if (hasFullCovariance(state.prior)) {
      const { classes, whitener } = state.prior;
      arrays.push({ name: 'prior.whitener', shape: [classes, triangleSize(n)], data: packLower(whitener, classes, n) });
    }
    const m = state.priorMoments;
    if (m) {
      arrays.push({ name: 'prior.mean.exp_avg', shape, data: m.first.mean.slice() });
      arrays.push({ name: 'prior.mean.exp_avg_sq', shape, data: m.second.mean.slice() });
      arrays.push({ name: 'prior.log_std.exp_avg', shape, data: m.first.logStd.slice() });
      arrays.push({ name: 'prior.log_std.exp_avg_sq', shape, data: m.second.logStd.slice() });
      if (rank > 0 && m.first.factors && m.second.factors) {
        arrays.push({ name: 'prior.factors.exp_avg', shape: factorShape, data: m.first.factors.slice() });
        arrays.push({ name: 'prior.factors.exp_avg_sq', shape: factorShape, data: m.second.factors.slice() });
      }
    }
  }
  return arrays;
}

/**
 * The inverse of flowCheckpointArrays: LU layers, prior and prior moments from
 * stored arrays looked up by name. Throws a RangeError naming the array when
 * one is missing or malformed.
 */
export function flowStateFromArrays(
  arch: Architecture,
  prior: FlowPrior['kind'],
  lookup: (name: string) => Float32Array | undefined,
  classes = 10,
  rank = 0,
  fullCovariance = false,
): { layers: LuLayer[]; prior: FlowPrior; priorMoments?: PriorMoments } {
  const n = arch.width;
  const need = (name: string, length: number): Float32Array => {
    const a = lookup(name);
    if (a === undefined) throw new RangeError(`flow checkpoint: array "${name}" is missing`);
    if (a.length !== length)
      throw new RangeError(`flow checkpoint: array "${name}" holds ${a.length} values, expected ${length}`);
    return a;
  };
  const layers = sequentialIndices(arch).map((index) => {
    const perm = need(`${index}.lu_perm`, n);
    let packed: Float32Array;
    const diagonal = lookup(`${index}.lu_diag`);
    if (diagonal !== undefined) {
      if (lookup(`${index}.lu_packed`) !== undefined)
        throw new RangeError(`flow checkpoint: layer ${index} has both "${index}.lu_diag" and "${index}.lu_packed"`);
      if (diagonal.length !== n)
        throw new RangeError(
          `flow checkpoint: array "${index}.lu_diag" holds ${diagonal.length} values, expected ${n}`,
        );
      if (!perm.every((p, i) => p === i))
        throw new RangeError(
          `flow checkpoint: layer ${index} is stored diagonal ("${index}.lu_diag") but "${index}.lu_perm" is not the identity`,
        );
      packed = new Float32Array(n * n);
      for (let i = 0; i < n; i++) packed[i * n + i] = diagonal[i];
    } else {
      packed = need(`${index}.lu_packed`, n * n).slice();
    }
    const layer: LuLayer = {
      width: n,
      packed,
      sign: need(`${index}.lu_sign`, n).slice(),
      perm: Int32Array.from(perm),
    };
    if (!perm.every((p, i) => p === layer.perm[i]))
      throw new RangeError(`flow checkpoint: "${index}.lu_perm" holds non-integers`);
    validateLuLayer(layer, `flow checkpoint layer ${index}`);
    return layer;
  });
  if (prior === 'paper') return { layers, prior: { kind: 'paper' } };
  const size = classes * n;
  const factorSize = classes * rank * n;
  const lowRank = rank > 0 ? { rank, factors: need('prior.factors', factorSize).slice() } : {};
  const full = fullCovariance
    ? { whitener: unpackLower(need('prior.whitener', classes * triangleSize(n)), classes, n) }
    : {};
  const result = {
    layers,
    prior: {
      kind: 'class' as const,
      classes,
      mean: need('prior.mean', size).slice(),
      logStd: need('prior.log_std', size).slice(),
      ...lowRank,
      ...full,
    },
  };
  if (lookup('prior.mean.exp_avg') === undefined) return result;
  const factorMoment = (name: string) => (rank > 0 ? { factors: need(name, factorSize).slice() } : {});
  return {
    ...result,
    priorMoments: {
      first: {
        mean: need('prior.mean.exp_avg', size).slice(),
        logStd: need('prior.log_std.exp_avg', size).slice(),
        ...factorMoment('prior.factors.exp_avg'),
      },
      second: {
        mean: need('prior.mean.exp_avg_sq', size).slice(),
        logStd: need('prior.log_std.exp_avg_sq', size).slice(),
        ...factorMoment('prior.factors.exp_avg_sq'),
      },
    },
  };
}

/** Whether a layer is diagonal: P = I and nothing off the diagonal of its packed factors. */
export function isDiagonalLayer(layer: LuLayer): boolean {
  const n = layer.width;
  for (let i = 0; i < n; i++) if (layer.perm[i] !== i) return false;
  for (let k = 0; k < n * n; k++) if (k % (n + 1) !== 0 && layer.packed[k] !== 0) return false;
  return true;
}

/** Entries in the lower triangle of an n × n matrix, its diagonal included. */
function triangleSize(n: number): number {
  return (n * (n + 1)) / 2;
}

/** Each class's lower triangle (classes × n × n, row-major) row by row: row i contributes its i + 1 leading entries. */
function packLower(full: Float32Array, classes: number, n: number): Float32Array {
  const packed = new Float32Array(classes * triangleSize(n));
  let k = 0;
  for (let a = 0; a < classes; a++)
    for (let i = 0; i < n; i++) {
      const row = (a * n + i) * n;
      packed.set(full.subarray(row, row + i + 1), k);
      k += i + 1;
    }
  return packed;
}

/** The inverse of packLower, zeros above each diagonal. */
function unpackLower(packed: Float32Array, classes: number, n: number): Float32Array {
  const full = new Float32Array(classes * n * n);
  let k = 0;
  for (let a = 0; a < classes; a++)
    for (let i = 0; i < n; i++) {
      full.set(packed.subarray(k, k + i + 1), (a * n + i) * n);
      k += i + 1;
    }
  return full;
}
