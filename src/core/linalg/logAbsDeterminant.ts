import type { LuFactors } from './luTypes';

/**
 * log|det W| (natural log) and the sign of det W from W's LU factors:
 * Σ log|u_jj| and permutationSign · Π sign(u_jj). Summing logarithms never
 * overflows, where the product of 784 pivots easily would. A singular matrix
 * gives { logAbsDet: -Infinity, sign: 0 }.
 *
 * @example
 *   logAbsDeterminant(luFactor([0, 2, 3, 4], 2));  // { logAbsDet: Math.log(6), sign: -1 }
 */
export function logAbsDeterminant(factors: LuFactors): { logAbsDet: number; sign: -1 | 0 | 1 } {
  const { n, lu } = factors;
  let sign: -1 | 0 | 1 = factors.permutationSign;
  let logAbsDet = 0;
  for (let j = 0; j < n; j++) {
    const u = lu[j * n + j];
    if (u === 0) return { logAbsDet: Number.NEGATIVE_INFINITY, sign: 0 };
    if (u < 0) sign = sign === 1 ? -1 : 1;
    logAbsDet += Math.log(Math.abs(u));
  }
  return { logAbsDet, sign };
}
