import { checkShape, type NumericArray } from './checks';
import { diagonalOf } from './diagonalOf';
import { matmul } from './matmul';
import { scaleRows } from './scaleRows';

/**
 * The Jacobian of x ↦ σ_L(W_L·…σ_1(W_1·x)…) at one point for square n×n
 * layers: J = D_L·W_L·…·D_1·W_1, where D_i = diag(slopes[i]) is the
 * derivative of layer i's activation at that point (`null` for a layer
 * without one; biases do not enter). weights[0] is the first layer applied.
 * L − 1 products of n×n matrices (784: about 55 ms each), except that a
 * diagonal layer (a flow's kink layers) only scales rows.
 *
 * @example
 *   // Two 2×2 layers, a LeakyReLU (slope 0.01) after the first whose second unit was negative:
 *   chainJacobian([[1, 0, 0, 1], [0, 1, 1, 0]], [[1, 0.01], null], 2);  // [0, 0.01, 1, 0]
 */
export function chainJacobian(
  weights: readonly NumericArray[],
  slopes: readonly (NumericArray | null)[],
  n: number,
): Float64Array {
  if (weights.length === 0) throw new RangeError('chainJacobian: weights is empty');
  if (slopes.length !== weights.length) {
    throw new RangeError(`chainJacobian: slopes has ${slopes.length} entries but weights has ${weights.length}`);
  }
  let j: Float64Array | undefined;
  weights.forEach((w, i) => {
    checkShape('chainJacobian', `weights[${i}]`, w, n, n);
    const slope = slopes[i];
    if (slope !== null) checkShape('chainJacobian', `slopes[${i}]`, slope, n, 1);
    const diagonal = j === undefined ? null : diagonalOf(w, n);
    const product =
      j === undefined ? new Float64Array(w) : diagonal ? scaleRows(diagonal, j, n) : matmul(w, j, n, n, n);
    // Every product here is a new array of this function's: its rows are scaled where they are.
    j = slope === null ? product : scaleRows(slope, product, n, product);
  });
  return j as Float64Array;
}
