/**
 * The pivot statistics of packed LU factors: the sign of the permutation and
 * the smallest |u_jj| with its column.
 *
 * @example
 *   // U = [[2, 1], [0, -0.5]], rows 0 and 1 interchanged once:
 *   pivotSummary(new Float64Array([2, 1, 0.5, -0.5]), 2, new Int32Array([1, 1]));
 *   // { permutationSign: -1, minAbsPivot: 0.5, minPivotColumn: 1 }
 */
export function pivotSummary(
  lu: Float64Array | Float32Array,
  n: number,
  pivots: Int32Array,
): { permutationSign: 1 | -1; minAbsPivot: number; minPivotColumn: number } {
  let permutationSign: 1 | -1 = 1;
  let minAbsPivot = Number.POSITIVE_INFINITY;
  let minPivotColumn = 0;
  for (let j = 0; j < n; j++) {
    if (pivots[j] !== j) permutationSign = permutationSign === 1 ? -1 : 1;
    const p = Math.abs(lu[j * n + j]);
    // `!(p >= min)` also catches a NaN pivot.
    if (!(p >= minAbsPivot)) {
      minAbsPivot = p;
      minPivotColumn = j;
    }
  }
  return { permutationSign, minAbsPivot, minPivotColumn };
}
