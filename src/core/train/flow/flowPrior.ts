import { targetMean } from '../seedLoss';

/**
 * The latent distribution a flow maps each class onto.
 * - 'paper': the paper's target N(2a·1, I) for label a, fixed.
 * - 'class': N(μ_a, diag σ_a²) with μ_a and ln σ_a learned per class
 *   (`mean` and `logStd` are classes × n, row-major, row a for label a).
 */
export type FlowPrior =
  | { readonly kind: 'paper' }
  | { readonly kind: 'class'; readonly classes: number; readonly mean: Float32Array; readonly logStd: Float32Array };

export type FlowPriorKind = FlowPrior['kind'];

export const PAPER_PRIOR: FlowPrior = { kind: 'paper' };

/** A learned prior that starts equal to the paper's target (μ_a = 2a·1, σ = 1). */
export function classPriorFromPaper(classes: number, n: number): FlowPrior {
  const mean = new Float32Array(classes * n);
  for (let a = 0; a < classes; a++) mean.fill(targetMean(a), a * n, (a + 1) * n);
  return { kind: 'class', classes, mean, logStd: new Float32Array(classes * n) };
}

/** μ_aj and ln σ_aj of coordinate j for label a. */
export function priorMeanAt(prior: FlowPrior, label: number, j: number, n: number): number {
  return prior.kind === 'paper' ? targetMean(label) : prior.mean[label * n + j];
}

export function priorLogStdAt(prior: FlowPrior, label: number, j: number, n: number): number {
  return prior.kind === 'paper' ? 0 : prior.logStd[label * n + j];
}

/** Throws a RangeError naming the field when a class prior does not fit n and the labels' range. */
export function validateFlowPrior(prior: FlowPrior, n: number, where: string): void {
  if (prior.kind === 'paper') return;
  const { classes } = prior;
  if (!Number.isSafeInteger(classes) || classes < 1) throw new RangeError(`${where}: prior.classes must be a positive integer, got ${classes}`);
  for (const field of ['mean', 'logStd'] as const) {
    const values = prior[field];
    if (values.length !== classes * n) {
      throw new RangeError(`${where}: prior.${field} must hold ${classes}×${n} = ${classes * n} numbers, got ${values.length}`);
    }
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`${where}: prior.${field}[${bad}] is ${values[bad]}`);
  }
}
