import { InvertscopeError } from '../../errors';
import { luFactor } from '../../linalg';
import type { LuLayer } from './luLayer';

/**
 * The LU layer equal to a dense n×n matrix W (row-major, PyTorch layout):
 * float64 LU with partial pivoting (P·W = L·U, LAPACK-style row interchanges)
 * turned into W = P·L·U with the permutation stored as `perm`, and U's
 * diagonal split into sign and log-magnitude. This is how a dense checkpoint
 * or an initialization computed as a dense matrix becomes an LU layer; the
 * factors are rounded to float32 like every trained parameter.
 *
 * Throws InvertscopeError('NUMERIC') when W is singular (a zero pivot): an LU
 * layer cannot represent it.
 *
 * @example
 *   const layer = luFromDense(Float64Array.from([0, 2, 3, 4]), 2);
 *   // layer.perm = [1, 0] (W's rows are L·U's rows swapped), U = [[3, 4], [0, 2]], L = I
 */
export function luFromDense(w: ArrayLike<number>, n: number, name = 'W'): LuLayer {
  const f = luFactor(Float64Array.from(w), n, { name });
  // Replay the interchanges: after them, row i of P·W is row `rows[i]` of W.
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const p = f.pivots[i];
    const t = rows[i];
    rows[i] = rows[p];
    rows[p] = t;
  }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[rows[i]] = i;
  const packed = new Float32Array(n * n);
  const sign = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = f.lu[i * n + j];
      if (i === j) {
        if (v === 0 || !Number.isFinite(v)) {
          throw new InvertscopeError(
            'NUMERIC',
            `luFromDense: ${name} (${n}×${n}) is singular: pivot u[${i},${i}] = ${v}`,
            { field: name, value: { column: i } },
          );
        }
        packed[i * n + i] = Math.log(Math.abs(v));
        sign[i] = v > 0 ? 1 : -1;
      } else {
        packed[i * n + j] = v;
      }
    }
  }
  return { width: n, packed, sign, perm };
}
