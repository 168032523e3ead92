/**
 * Rows (row-major, `d.length` columns) times diag(d) or divided by it, in
 * place: value j of every row multiplied or divided by d[j]. A flow's
 * diagonal layers go forward and back this way instead of through a product
 * or a solve, with the same numbers (one rounding per value either way). Two
 * loops, not one with `i % n`: the remainder costs more than the arithmetic.
 *
 * @example
 *   multiplyColumns(new Float64Array([1, 2, 3, 4]), new Float64Array([10, 0.5]));  // [10, 1, 30, 2]
 */
export function multiplyColumns<T extends Float32Array | Float64Array>(rows: T, d: Float64Array): T {
  const n = d.length;
  for (let start = 0; start < rows.length; start += n) for (let j = 0; j < n; j++) rows[start + j] *= d[j];
  return rows;
}

/** @example divideColumns(new Float64Array([1, 2, 3, 4]), new Float64Array([10, 0.5]));  // [0.1, 4, 0.3, 8] */
export function divideColumns<T extends Float32Array | Float64Array>(rows: T, d: Float64Array): T {
  const n = d.length;
  for (let start = 0; start < rows.length; start += n) for (let j = 0; j < n; j++) rows[start + j] /= d[j];
  return rows;
}
