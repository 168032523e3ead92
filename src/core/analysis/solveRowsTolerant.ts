import { luDiagnosis, solveRowsUnchecked, type LuFactors } from '../linalg';

/**
 * luSolveRows (every row y of `y` gives x with W·x = y) for a batch in which
 * some rows may have no finite answer. luSolveRows refuses a whole batch when
 * one input is not finite or one solution overflows; an analysis wants the
 * other rows anyway and the broken ones marked. So:
 * - rows with a NaN or infinite entry (an earlier stage overflowed) are not
 *   solved and come back as rows of NaN;
 * - rows whose solution overflows come back as rows of NaN (rows are solved
 *   independently, so the others are what luSolveRows would give);
 * - an exactly singular W (a zero pivot) gives NaN for every row; callers
 *   report the layer from luDiagnosis.
 * The result has the factors' precision.
 *
 * @example
 *   const f = luFactor([1e-300, 0, 0, 1], 2);
 *   solveRowsTolerant(f, [1e10, 1, 1, 1], 2);  // [NaN, NaN, 1e300, 1]: the first row overflows
 */
export function solveRowsTolerant(
  factors: LuFactors,
  y: ArrayLike<number>,
  count: number,
): Float64Array | Float32Array {
  const n = factors.n;
  if (y.length !== count * n)
    throw new RangeError(`solveRowsTolerant: y must hold ${count}×${n} numbers, got ${y.length}`);
  const single = factors.precision === 'float32';
  const out = single ? new Float32Array(count * n) : new Float64Array(count * n);
  out.fill(Number.NaN);
  if (luDiagnosis(factors).status === 'singular') return out;
  const finiteRows: number[] = [];
  for (let r = 0; r < count; r++) {
    let finite = true;
    for (let j = r * n; j < (r + 1) * n; j++) {
      const v = y[j];
      // Rounding to float32 can overflow a finite float64 value.
      if (!Number.isFinite(single ? Math.fround(v) : v)) {
        finite = false;
        break;
      }
    }
    if (finite) finiteRows.push(r);
  }
  // Usually every row is finite: solve the batch as it is, without gathering it.
  if (finiteRows.length === count) {
    const x = solveRowsUnchecked(
      factors,
      y instanceof Float64Array || y instanceof Float32Array ? y : Float64Array.from(y),
      count,
    );
    markNonFiniteRows(x, count, n);
    return x;
  }
  solveSubset(factors, y, finiteRows, out);
  return out;
}

/** Rows of x holding a NaN or an infinity become all NaN. */
function markNonFiniteRows(x: Float64Array | Float32Array, count: number, n: number): void {
  for (let r = 0; r < count; r++) {
    for (let j = r * n; j < (r + 1) * n; j++) {
      if (!Number.isFinite(x[j])) {
        x.fill(Number.NaN, r * n, (r + 1) * n);
        break;
      }
    }
  }
}

function solveSubset(
  factors: LuFactors,
  y: ArrayLike<number>,
  rows: readonly number[],
  out: Float64Array | Float32Array,
): void {
  if (rows.length === 0) return;
  const n = factors.n;
  const batch = factors.precision === 'float32' ? new Float32Array(rows.length * n) : new Float64Array(rows.length * n);
  rows.forEach((r, k) => {
    for (let j = 0; j < n; j++) batch[k * n + j] = y[r * n + j];
  });
  const x = solveRowsUnchecked(factors, batch, rows.length);
  markNonFiniteRows(x, rows.length, n);
  rows.forEach((r, k) => out.set(x.subarray(k * n, (k + 1) * n), r * n));
}
