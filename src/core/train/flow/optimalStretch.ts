/**
 * The stretch s > 0 along the paper prior's mean direction that minimizes the
 * Gaussian cost of a linear map whose whitened class signal has norm k per unit
 * of label (labels with variance `labelVariance`) when the target spacing is
 * `target` per unit of label (2·√n for μ_a = 2a·1):
 *
 *   cost(s) = ½·(s·k − target)²·Var(a) + ½·s² − ln s
 *
 * (the mismatch of the class means, the within-class spread stretched by s,
 * and the log-determinant the stretch earns). Setting the derivative to zero
 * gives (Var(a)·k² + 1)·s² − Var(a)·k·target·s − 1 = 0; this is its positive root.
 *
 * @example
 *   optimalStretch(0.48, 8.25, 56);  // ≈ 76: MNIST's label direction is short, so the stretch is large
 */
export function optimalStretch(k: number, labelVariance: number, target: number): number {
  const qa = labelVariance * k * k + 1;
  const qb = -labelVariance * k * target;
  return (-qb + Math.sqrt(qb * qb + 4 * qa)) / (2 * qa);
}
