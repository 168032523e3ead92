import type { NumericArray } from './checks';
import { vectorNorm } from './vectorNorm';

/**
 * Frobenius norm ‖W‖_F = √(Σ w_ij²) of a matrix given as its entries (any
 * shape), without overflow or underflow. Equals √(Σ σᵢ²).
 *
 * @example
 *   frobeniusNorm([1, 2, 2, 4]);  // 5
 */
export function frobeniusNorm(w: NumericArray): number {
  return vectorNorm(w);
}
