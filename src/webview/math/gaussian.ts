/**
 * Density of N(mean, std²) at x: the target curve the output distribution chart
 * draws for class a (mean 2a, std 1).
 *
 * @example
 *   normalDensity(0, 0, 1) // 0.3989…
 */
export function normalDensity(x: number, mean: number, std: number): number {
  const z = (x - mean) / std;
  return Math.exp(-0.5 * z * z) / (std * Math.sqrt(2 * Math.PI));
}
