import { InvertscopeError } from '../errors';
import { luDiagnosis } from './luDiagnosis';
import type { LuFactors } from './luTypes';

/**
 * Throws InvertscopeError('NUMERIC') with luDiagnosis's message when the
 * factors are singular or numerically singular; returns them otherwise.
 * `operation` prefixes the message (e.g. "inverse of layer 3").
 *
 * @example
 *   assertInvertible(luFactor([2, 0, 0, 3], 2), 'inverse');  // returns the factors
 *   assertInvertible(luFactor([1, 2, 2, 4], 2), 'inverse');
 *   // throws: 'inverse: matrix (2×2, float64) is singular: pivot u[1,1] = 0 (column 1)'
 */
export function assertInvertible<F extends LuFactors>(factors: F, operation: string): F {
  const diagnosis = luDiagnosis(factors);
  if (diagnosis.status !== 'invertible') {
    throw new InvertscopeError('NUMERIC', `${operation}: ${diagnosis.message}`, {
      field: factors.name ?? 'matrix',
      value: { column: diagnosis.column, pivot: diagnosis.pivot, threshold: diagnosis.threshold },
    });
  }
  return factors;
}
