import { matmul } from '../../linalg';
import type { FlowPriorKind } from './flowPrior';

export interface ClassStructure {
  /** n values: the centre the whitening subtracts. */
  readonly center: Float64Array;
  /**
   * 'paper': n values, the change of the mean per unit of label (x ≈ center + a·offsets);
   * 'class': classes × n, each class mean minus the centre.
   */
  readonly offsets: Float64Array;
  /** n × n covariance of what the class structure leaves over (divided by count). */
  readonly covariance: Float64Array;
}

/**
 * How the classes sit in features h (count × n, row-major float64), in the form
 * the prior can express. The paper's prior puts class a's mean at 2a·1, so a
 * linear map can only follow a mean that moves linearly with the label: fit
 * x ≈ c + a·d by least squares. A learned prior has a mean per class: take the
 * class means (centre = their average). The residual covariance is what the
 * whitening layer then inverts.
 *
 * @example
 *   const { center, offsets, covariance } = classStructure(features, labels, 8000, 784, 'class', 10);
 */
export function classStructure(
  h: Float64Array,
  labels: ArrayLike<number>,
  count: number,
  n: number,
  prior: FlowPriorKind,
  classes: number,
): ClassStructure {
  const residual = new Float64Array(count * n);
  let center: Float64Array;
  let offsets: Float64Array;
  if (prior === 'paper') {
    let meanA = 0;
    for (let r = 0; r < count; r++) meanA += labels[r];
    meanA /= count;
    let varA = 0;
    const mean = new Float64Array(n);
    const cov = new Float64Array(n);
    for (let r = 0; r < count; r++) {
      const da = labels[r] - meanA;
      varA += da * da;
      for (let j = 0; j < n; j++) {
        mean[j] += h[r * n + j];
        cov[j] += da * h[r * n + j];
      }
    }
    if (!(varA > 0))
      throw new RangeError('classStructure: the labels do not vary, so no class direction can be fitted');
    offsets = cov.map((v) => v / varA);
    center = mean.map((v, j) => v / count - offsets[j] * meanA);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < n; j++) residual[r * n + j] = h[r * n + j] - center[j] - labels[r] * offsets[j];
    }
  } else {
    const means = new Float64Array(classes * n);
    const sizes = new Float64Array(classes);
    for (let r = 0; r < count; r++) {
      const a = labels[r];
      if (!(Number.isInteger(a) && a >= 0 && a < classes))
        throw new RangeError(`classStructure: labels[${r}] = ${a} is outside 0..${classes - 1}`);
      sizes[a]++;
      for (let j = 0; j < n; j++) means[a * n + j] += h[r * n + j];
    }
    center = new Float64Array(n);
    for (let a = 0; a < classes; a++) {
      if (sizes[a] === 0) throw new RangeError(`classStructure: class ${a} has no images`);
      for (let j = 0; j < n; j++) {
        means[a * n + j] /= sizes[a];
        center[j] += means[a * n + j] / classes;
      }
    }
    for (let r = 0; r < count; r++) {
      const a = labels[r];
      for (let j = 0; j < n; j++) residual[r * n + j] = h[r * n + j] - means[a * n + j];
    }
    offsets = means.map((v, k) => v - center[k % n]);
  }
  const transposed = new Float64Array(n * count);
  for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) transposed[j * count + r] = residual[r * n + j];
  const covariance = matmul(transposed, residual, n, count, n);
  for (let k = 0; k < covariance.length; k++) covariance[k] /= count;
  return { center, offsets, covariance };
}
