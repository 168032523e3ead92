import { chainJacobian, luDiagnosis, solveRowsUnchecked } from '../linalg';
import { linalgBatchAlongside, linalgBatchAlongsideAsync, type LinalgJob } from '../linalg/linalgBatch';
import { divideColumns } from '../linalg/diagonalColumns';
import { largestSingularValue, type RowOperator } from '../linalg/largestSingularValue';
import { formatCondition, formatNumber } from '../../shared/formatNumber';
import type { LayerFactors } from './layerFactors';
import type { InvertibleNetwork } from './network';
import { solveRowsTolerant } from './solveRowsTolerant';
import type { JacobianCondition } from './trajectoryTypes';

/**
 * The largest κ float64 resolves: 1/ε with ε = 2⁻⁵² the spacing of float64
 * numbers next to 1 (≈ 4.5e15). A matrix whose σmin is below ε·σmax is, to
 * float64, as good as singular in that direction: its κ can be bounded from
 * below, not measured.
 */
export const FLOAT64_RESOLVABLE_COND = 2 ** 52;

/**
 * κ = σmax/σmin as a figure people can quote: the ratio itself when it is
 * within what float64 resolves, otherwise the lower bound
 * FLOAT64_RESOLVABLE_COND with `resolvable` false (a σmin of 0, an overflow,
 * gives the same bound: the only thing known is that κ is beyond it).
 *
 * @example
 *   conditionFigure(2, 1);         // { cond: 2, resolvable: true, estimate: 2 }
 *   conditionFigure(1, 1e-20);     // { cond: 4.5e15, resolvable: false, estimate: 1e20 }
 */
export function conditionFigure(
  sigmaMax: number,
  sigmaMin: number,
): { cond: number; resolvable: boolean; estimate: number } {
  const estimate = sigmaMin === 0 ? Number.POSITIVE_INFINITY : sigmaMax / sigmaMin;
  const resolvable = estimate <= FLOAT64_RESOLVABLE_COND;
  return { cond: resolvable ? estimate : FLOAT64_RESOLVABLE_COND, resolvable, estimate };
}

/** Whether `cond` is only the lower bound: said so, or (an analysis from before `resolvable` was recorded) beyond it. */
export function isConditionBound(cond: number, resolvable: boolean | undefined): boolean {
  return resolvable === false || !(cond <= FLOAT64_RESOLVABLE_COND);
}

/**
 * A κ in words, its bound said as one: '3.2e7', or '> 4.5e15 (not resolvable
 * in float64)'. `resolvable` undefined (an analysis from before it was
 * recorded) reads the figure as resolvable when it is below the bound.
 *
 * @example
 *   describeCondition(FLOAT64_RESOLVABLE_COND, false);  // '> 4.5e15 (not resolvable in float64)'
 */
export function describeCondition(cond: number, resolvable: boolean | undefined): string {
  return isConditionBound(cond, resolvable)
    ? `${formatCondition(FLOAT64_RESOLVABLE_COND, false)} (not resolvable in float64)`
    : formatNumber(cond);
}

/**
 * κ of the end-to-end Jacobian J = D_L·W_L·…·D_1·W_1 at `point` (D_l the
 * LeakyReLU slopes there): a relative change ε of the embedding can change
 * the image by up to κ·ε. σmax from J formed, by its bidiagonal; σmin as
 * 1/σmax(J⁻¹), with J⁻¹ applied through the layers' LU factors (never formed
 * from J, whose singular values resolve σmin only down to about n·ε·σmax(J),
 * which trained networks pass easily: κ(J) of 1e17 is common; each solve is
 * accurate to about κ(W_l)·ε relative, however large J⁻¹ is). σmax(J⁻¹) comes
 * from a block Krylov iteration on row blocks (largestSingularValue), which
 * forms J⁻¹ only if it does not converge: forming it takes four solves of 784
 * rows. Beyond FLOAT64_RESOLVABLE_COND the figure is that lower bound
 * (conditionFigure); an exactly singular layer or an overflow in J⁻¹ gives
 * σmin = 0.
 *
 * @example
 *   const j = jacobianCondition(net, factorLayers(net), test.images.subarray(0, net.width), 'the first test image (a 7)');
 *   j.resolvable ? j.cond : `> ${j.cond}`;
 */
export function jacobianCondition(
  net: InvertibleNetwork,
  factors: readonly LayerFactors[],
  point: Float32Array,
  pointDescription: string,
): JacobianCondition {
  const at = jacobianAt(net, point);
  // σmax(J) takes a kernel thread for J's bidiagonalization (most of 0.1 s at n = 784) and the
  // iteration on J⁻¹ about as long on this one, mostly in JavaScript: side by side, the time of one.
  const {
    results: [sigmas],
    value: sigmaMin,
  } = linalgBatchAlongside([at.job], () => jacobianSigmaMin(net, factors, at));
  return jacobianFigure((sigmas as Float64Array)[0], sigmaMin, pointDescription);
}

/**
 * jacobianCondition with work of the caller's beside J's bidiagonalization:
 * `meanwhile` runs on this thread after J⁻¹'s iteration, while the helper
 * thread is still on J (the Jacobian report measures its backward errors
 * there, which do not depend on J).
 *
 * @example
 *   const { condition, value } = await jacobianConditionBeside(net, factors, point, 'the first test image (a 7)', () => backwardErrors());
 */
export async function jacobianConditionBeside<T>(
  net: InvertibleNetwork,
  factors: readonly LayerFactors[],
  point: Float32Array,
  pointDescription: string,
  meanwhile: () => Promise<T>,
): Promise<{ readonly condition: JacobianCondition; readonly value: T }> {
  const at = jacobianAt(net, point);
  const {
    results: [sigmas],
    value,
  } = await linalgBatchAlongsideAsync([at.job], async () => {
    const sigmaMin = jacobianSigmaMin(net, factors, at);
    return { sigmaMin, rest: await meanwhile() };
  });
  return {
    condition: jacobianFigure((sigmas as Float64Array)[0], value.sigmaMin, pointDescription),
    value: value.rest,
  };
}

/** J at a point, formed, with the activations' slopes there and the job that gives its singular values. */
export interface JacobianAt {
  readonly slopes: readonly (Float64Array | null)[];
  /** σmax and σmin of J, for linalgBatch (σmax(J) is the first value of its result). */
  readonly job: LinalgJob;
}

/**
 * The first half of jacobianCondition, for a caller that batches J's
 * singular values with other factorizations (a light analysis): J formed at
 * `point` (L − 1 products on the kernel threads) and the slopes there.
 */
export function jacobianAt(net: InvertibleNetwork, point: Float32Array): JacobianAt {
  const n = net.width;
  const slopes = activationSlopes(net, point);
  const jacobian = chainJacobian(
    net.layers.map((l) => l.weight64),
    slopes,
    n,
  );
  return { slopes, job: { kind: 'extremeSingularValues', w: jacobian, n, name: 'end-to-end Jacobian' } };
}

/** σmin(J) = 1/σmax(J⁻¹) through the layers' LU factors (see jacobianCondition); 0 for an exactly singular layer or an overflow. */
export function jacobianSigmaMin(net: InvertibleNetwork, factors: readonly LayerFactors[], at: JacobianAt): number {
  const inverse = largestSingularValue(inverseJacobianOperator(net, factors, at.slopes));
  return inverse && inverse.sigma > 0 ? 1 / inverse.sigma : 0;
}

/** The condition figure of J from σmax(J) and jacobianSigmaMin. */
export function jacobianFigure(sigmaMax: number, sigmaMin: number, pointDescription: string): JacobianCondition {
  const { cond, resolvable } = conditionFigure(sigmaMax, sigmaMin);
  return { cond, sigmaMax, sigmaMin, resolvable, pointDescription };
}

/**
 * J⁻¹ = W_1⁻¹·D_1⁻¹·…·W_L⁻¹·D_L⁻¹ on row blocks through the layers' float64 LU
 * factors (a diagonal layer divides), and J⁻ᵀ = D_L⁻¹·W_L⁻ᵀ·…·D_1⁻¹·W_1⁻ᵀ by the transposed solves.
 * Null for a block with no finite image (an exactly singular layer, an overflow).
 */
function inverseJacobianOperator(
  net: InvertibleNetwork,
  layerFactors: readonly LayerFactors[],
  slopes: readonly (Float64Array | null)[],
): RowOperator {
  const n = net.width;
  const factors = layerFactors.map((f) => f.float64);
  // The factors are float64, so their solves are Float64Arrays.
  const finite = (x: Float64Array | Float32Array): Float64Array | null =>
    x.every(Number.isFinite) ? (x as Float64Array) : null;
  return {
    n,
    apply(rows, count) {
      let x: Float64Array | null = Float64Array.from(rows);
      for (let l = factors.length - 1; l >= 0 && x; l--) {
        const slope = slopes[l];
        if (slope) divideColumns(x, slope);
        const diagonal = net.layers[l].diagonal;
        x = finite(diagonal ? divideColumns(x, diagonal) : solveRowsTolerant(factors[l], x, count));
      }
      return x;
    },
    applyTransposed(rows, count) {
      let y: Float64Array | null = Float64Array.from(rows);
      for (let l = 0; l < factors.length && y; l++) {
        const diagonal = net.layers[l].diagonal;
        if (diagonal) y = finite(divideColumns(y, diagonal));
        else if (luDiagnosis(factors[l]).status === 'singular') return null;
        else y = finite(solveRowsUnchecked(factors[l], y, count, true));
        const slope = slopes[l];
        if (y && slope) divideColumns(y, slope);
      }
      return y;
    },
  };
}

/** Per layer, the LeakyReLU's derivative at `x` (1 where its input was positive, the slope elsewhere), or null without one. */
function activationSlopes(net: InvertibleNetwork, x: Float32Array): (Float64Array | null)[] {
  const n = net.width;
  let h = Float64Array.from(x);
  return net.layers.map((layer) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = layer.bias[i];
      for (let j = 0; j < n; j++) s += layer.weight64[i * n + j] * h[j];
      y[i] = s;
    }
    let slope: Float64Array | null = null;
    if (layer.activation) {
      slope = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        slope[i] = y[i] > 0 ? 1 : net.slope;
        y[i] *= slope[i];
      }
    }
    h = y;
    return slope;
  });
}
