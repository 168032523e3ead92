/**
 * The multiplier of the learning rate at Adam step t (1 for the first step):
 * a linear warm-up over `warmupSteps`, then, when `cosineSteps` is given, a
 * cosine decay that reaches 0 at step cosineSteps + 1, as PyTorch's
 * LambdaLR(min(1, (s+1)/W)·½(1 + cos(π·min(s, T)/T))) with s = t − 1 does.
 *
 * @example
 *   learningRateFactor(1, 200);        // 0.005
 *   learningRateFactor(500, 200);      // 1
 *   learningRateFactor(501, 200, 1000); // 0.5 (half-way through the decay)
 */
export function learningRateFactor(step: number, warmupSteps: number, cosineSteps?: number): number {
  const warm = warmupSteps > 0 ? Math.min(1, step / warmupSteps) : 1;
  if (cosineSteps === undefined) return warm;
  return warm * 0.5 * (1 + Math.cos((Math.PI * Math.min(step - 1, cosineSteps)) / cosineSteps));
}
