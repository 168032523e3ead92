import { InvertscopeError } from '../errors';

/** Anything the linear algebra accepts as a row-major matrix or vector. */
export type NumericArray = Float64Array | Float32Array | readonly number[];

/** How messages name a matrix: `matrix "layer 2"` when the caller gave a name. */
export function matrixLabel(name: string | undefined, fallback = 'matrix'): string {
  return name === undefined ? fallback : `matrix "${name}"`;
}

/** Throws a RangeError unless `n` is a positive integer. */
export function checkOrder(operation: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${operation}: n must be a positive integer, got ${n}`);
  }
}

/** Throws a RangeError unless `values` holds exactly `rows`×`cols` numbers. */
export function checkShape(
  operation: string,
  argument: string,
  values: NumericArray,
  rows: number,
  cols: number,
): void {
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
    throw new RangeError(`${operation}: ${argument} must have a non-negative integer shape, got ${rows}×${cols}`);
  }
  if (values.length !== rows * cols) {
    throw new RangeError(
      `${operation}: ${argument} must hold ${rows}×${cols} = ${rows * cols} numbers, got ${values.length}`,
    );
  }
}

/**
 * Throws InvertscopeError('NUMERIC') naming the first NaN or ±Infinity entry
 * (its row and column for a matrix with `cols` columns).
 */
export function checkFinite(operation: string, what: string, values: NumericArray, cols: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      const where = cols > 1 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new InvertscopeError('NUMERIC', `${operation}: ${what} has a non-finite entry ${v} at ${where}`, {
        field: what,
        value: v,
      });
    }
  }
}
