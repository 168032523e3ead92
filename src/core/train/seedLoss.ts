/**
 * The paper's training loss, per sample with network output y (n values) and
 * label a:
 *
 *   nll(y)        = ½ Σⱼ (yⱼ − 2a)² + (n/2)·ln(2π)     Gaussian negative log-likelihood under N(2a·1, I)
 *   varPenalty(y) = (Var(y) − 1)²                      Var unbiased (÷ (n−1)), as torch.var
 *   loss          = batch mean of nll + varPenalty
 *
 * The paper prints the likelihood term as |N|/2·Σ(n−2a)², which scales the sum of
 * squares by n/2 = 392; the Gaussian NLL has ½. This module is the single
 * statement of the loss; every engine implements it and tests against it.
 */
export const LOG_2PI = Math.log(2 * Math.PI);

export function targetMean(label: number): number {
  return 2 * label;
}

/** nll and variance penalty of one output row, in float64. */
export function seedLossParts(
  y: ArrayLike<number>,
  label: number,
  offset = 0,
  n = y.length - offset,
): [number, number] {
  const mu = targetMean(label);
  let sq = 0;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const v = y[offset + j];
    sq += (v - mu) * (v - mu);
    sum += v;
  }
  const mean = sum / n;
  let dev = 0;
  for (let j = 0; j < n; j++) {
    const d = y[offset + j] - mean;
    dev += d * d;
  }
  const variance = dev / (n - 1);
  return [0.5 * sq + 0.5 * n * LOG_2PI, (variance - 1) * (variance - 1)];
}
