import type { Dataset } from '../data/dataset';
import { chainJacobian, linalgBatch, UNIT_ROUNDOFF, vectorNorm } from '../linalg';
import { balancedSelection, selectRows } from './balancedSelection';
import { forwardRows } from './forward';
import { formatPercent, formatValue } from './formatValue';
import { imageErrors, summarizeErrors } from './imageErrors';
import { invertRows } from './inverse';
import type { AnalysedLayer } from './layerSpectra';
import type { InvertibleNetwork } from './network';
import { BROKEN_MAE } from './options';
import type { Tick } from './progress';
import type { Reconstruction } from './reconstructionReport';
import { solveRowsTolerant } from './solveRowsTolerant';
import { median } from './stats/median';
import type { ErrorStats, JacobianReport, Precision } from './types';

/** A precision fails when more than this share of its reconstructions is broken (MAE > 0.1). */
export const BROKEN_SHARE_LIMIT = 0.05;

/**
 * Whether the network can be inverted, and in which precision, with the
 * numbers that say why:
 *
 * - κ of the end-to-end Jacobian J = D_L·W_L·…·D_1·W_1 at the first test
 *   image (D_l the LeakyReLU slopes there): a relative change ε of the
 *   embedding can change the image by up to κ·ε. σmax from J's singular
 *   values, σmin from those of J⁻¹ (see inverseJacobianRows).
 * - Backward error ‖f(f⁻¹(z)) − z‖ / ‖z‖ per precision, median over
 *   `backwardImages` test images, with z their float32 embeddings and f run in
 *   the same precision as f⁻¹. Small (near that precision's rounding) means
 *   the solves are stable and any failure is the network's conditioning.
 * - A round trip entirely in float64 (forward and inverse), to tell "even
 *   float64 cannot" from "float32 cannot".
 *
 * Verdict: 'non-invertible-float64' when a layer is singular or numerically
 * singular in float64, or more than 5% of the float64 round trips are broken
 * (MAE > 0.1); otherwise 'float32-insufficient' when a layer is singular or
 * numerically singular in float32, or more than 5% of the float32
 * reconstructions are broken; otherwise 'invertible'.
 *
 * @example
 *   const report = await jacobianReport(net, layers, test, reconstruction, 100, tick);
 *   report.verdict;  // 'float32-insufficient'
 */
export async function jacobianReport(
  net: InvertibleNetwork,
  layers: readonly AnalysedLayer[],
  images: Dataset,
  reconstruction: Reconstruction,
  backwardImages: number,
  tick: Tick,
): Promise<JacobianReport> {
  const n = net.width;
  await tick(0, 'Jacobian at the first test image');
  const point = images.images.subarray(0, n);
  const slopes = activationSlopes(net, point);
  const jacobian = chainJacobian(net.layers.map((l) => l.weight64), slopes, n);
  await tick(0.2, 'the inverse Jacobian, layer by layer');
  const inverse = inverseJacobianRows(net, layers, slopes);
  await tick(0.35, 'singular values of the Jacobian and of its inverse');
  const [sigma, inverseSigma] = linalgBatch([
    { kind: 'singularValues', w: jacobian, n, name: 'end-to-end Jacobian' },
    ...(inverse ? [{ kind: 'singularValues' as const, w: inverse, n, name: 'inverse Jacobian' }] : []),
  ]) as Float64Array[];
  const sigmaMax = sigma[0];
  const sigmaMin = inverseSigma ? 1 / inverseSigma[0] : 0;
  const cond = sigmaMin === 0 ? Number.POSITIVE_INFINITY : sigmaMax / sigmaMin;
  const pointDescription = `the first test image (a ${images.labels[0]})`;

  await tick(0.6, 'backward errors');
  const rows = balancedSelection(images.labels, images.classes, backwardImages);
  const z = selectRows(reconstruction.embeddings, n, rows);
  const backwardError = {
    float32: median(relativeResiduals(forwardRows(net, selectRows(reconstruction.reconstructed.float32, n, rows), rows.length, 'float32'), z, n)),
    float64: median(relativeResiduals(forwardRows(net, selectRows(reconstruction.reconstructed.float64, n, rows), rows.length, 'float64'), z, n)),
  };
  await tick(0.8, 'round trip in float64');
  const originals = selectRows(images.images, n, rows);
  const z64 = forwardRows(net, originals, rows.length, 'float64');
  const x64 = invertRows(net, layers.map((l) => l.factors.float64), z64, rows.length);
  const roundTrip64 = summarizeErrors(imageErrors(x64, originals, rows.length, n), BROKEN_MAE);
  const relative64 = median(relativeResiduals(x64, originals, n));

  const diagnoses = layerDiagnoses(layers);
  const failing = (p: Precision) => layers.some((l) => l.diagnosis[p].status !== 'invertible');
  const verdict: JacobianReport['verdict'] = failing('float64') || !(roundTrip64.brokenFraction <= BROKEN_SHARE_LIMIT)
    ? 'non-invertible-float64'
    : failing('float32') || !(reconstruction.report.overall.float32.brokenFraction <= BROKEN_SHARE_LIMIT)
      ? 'float32-insufficient'
      : 'invertible';
  const verdictText = describeVerdict({
    width: n, verdict, cond, pointDescription, backwardError, roundTrip64, relative64, roundTripCount: rows.length,
    reconstruction: reconstruction.report.overall, imageCount: images.count, diagnoses,
  });
  await tick(1);
  return { cond, sigmaMax, sigmaMin, pointDescription, backwardError, verdict, verdictText, diagnoses };
}

/**
 * (J⁻¹)ᵀ for J = D_L·W_L·…·D_1·W_1, with J⁻¹ applied to the identity layer by
 * layer through the LU factors (never forming J⁻¹ from J): σmin(J) is
 * 1/σmax(J⁻¹). The singular values of the product J itself resolve σmin only
 * down to about n·ε·σmax(J), which trained networks pass easily (κ(J) of 1e17
 * is common); J⁻¹ built by the solves is accurate to about Σ κ(W_l)·ε
 * relative, however large it is, and so is its largest singular value. Null
 * when a layer is exactly singular or J⁻¹ overflows (σmin is then 0).
 */
function inverseJacobianRows(net: InvertibleNetwork, layers: readonly AnalysedLayer[], slopes: readonly (Float64Array | null)[]): Float64Array | null {
  const n = net.width;
  // Row i ends as (J⁻¹·e_i)ᵀ, so the rows form (J⁻¹)ᵀ, which has J⁻¹'s singular values.
  let rows: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) rows[i * n + i] = 1;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const slope = slopes[l];
    if (slope) for (let i = 0; i < rows.length; i++) rows[i] /= slope[i % n];
    rows = solveRowsTolerant(layers[l].factors.float64, rows, n) as Float64Array;
  }
  return rows.every(Number.isFinite) ? rows : null;
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

/** ‖a_r − b_r‖ / ‖b_r‖ for each row r; NaN where a row of `a` is not finite. */
function relativeResiduals(a: Float32Array | Float64Array, b: Float32Array | Float64Array, n: number): Float64Array {
  const count = b.length / n;
  const out = new Float64Array(count);
  const diff = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    let finite = true;
    for (let j = 0; j < n; j++) {
      const v = a[r * n + j];
      if (!Number.isFinite(v)) finite = false;
      diff[j] = v - b[r * n + j];
    }
    out[r] = finite ? vectorNorm(diff) / vectorNorm(b.subarray(r * n, (r + 1) * n)) : Number.NaN;
  }
  return out;
}

function layerDiagnoses(layers: readonly AnalysedLayer[]): string[] {
  const out: string[] = [];
  for (const layer of layers) {
    const s = layer.spectrum;
    for (const p of ['float64', 'float32'] as const) {
      const d = layer.diagnosis[p];
      if (d.status === 'invertible') continue;
      const name = `layer ${s.index + 1} (${s.sequentialIndex}.weight)`;
      out.push(`${name} is ${d.status.replace('-', ' ')} in ${p}: σmin = ${formatValue(s.sigmaMin)} (σmax ${formatValue(s.sigmaMax)}, κ = ${formatValue(s.cond)}); ` +
        `its smallest LU pivot is ${formatValue(d.pivot)}${d.status === 'singular' ? '' : `, at or below n·u·max|w| = ${formatValue(d.threshold)}`}.`);
      // A layer singular in float64 is singular in float32 too; say it once.
      if (p === 'float64') break;
    }
  }
  return out;
}

interface VerdictFacts {
  readonly width: number;
  readonly verdict: JacobianReport['verdict'];
  readonly cond: number;
  readonly pointDescription: string;
  readonly backwardError: Record<Precision, number>;
  readonly roundTrip64: ErrorStats;
  readonly relative64: number;
  readonly roundTripCount: number;
  readonly reconstruction: Record<Precision, ErrorStats>;
  readonly imageCount: number;
  readonly diagnoses: readonly string[];
}

/** The verdict in sentences, every claim with its number. */
function describeVerdict(f: VerdictFacts): string {
  const rec32 = f.reconstruction.float32;
  const rec64 = f.reconstruction.float64;
  const u32 = UNIT_ROUNDOFF.float32;
  const u64 = UNIT_ROUNDOFF.float64;
  const kappa = `κ = ${formatValue(f.cond)} for the end-to-end Jacobian at ${f.pointDescription}`;
  const amplify = `float32 rounding (${formatValue(u32)}) times κ is ${formatValue(f.cond * u32)}, float64 rounding (${formatValue(u64)}) times κ is ${formatValue(f.cond * u64)}`;
  // n·u: the scale of an LU solve's normwise backward error bound.
  const stable = (p: Precision) => f.backwardError[p] <= f.width * UNIT_ROUNDOFF[p];
  const backward = (failed: boolean) => {
    const numbers = `Backward error ‖f(f⁻¹(z)) − z‖/‖z‖ (median): float32 ${formatValue(f.backwardError.float32)}, float64 ${formatValue(f.backwardError.float64)}`;
    if (!(stable('float32') && stable('float64'))) return `${numbers}.`;
    return `${numbers}, both within n·u of their precision: the solves are backward stable${failed ? ', so what fails is the network\'s conditioning, not the algorithm' : ''}.`;
  };
  const broken = (s: ErrorStats) => `${formatPercent(s.brokenFraction)} of them broken (MAE > ${BROKEN_MAE})`;
  const diagnosis = f.diagnoses.length > 0 ? ` ${f.diagnoses.join(' ')}` : '';
  switch (f.verdict) {
    case 'non-invertible-float64':
      return `Not invertible, even in float64.${diagnosis} Of ${f.roundTripCount} test images taken through a round trip computed entirely in float64 (forward and inverse), ` +
        `${broken(f.roundTrip64)}; median relative error ${formatValue(f.relative64)}. ${kappa}; ${amplify}. ${backward(true)}`;
    case 'float32-insufficient': {
      const rescue = rec64.brokenFraction > BROKEN_SHARE_LIMIT
        ? ` Even the float64 inverse of the float32 embeddings fails (${formatPercent(rec64.brokenFraction)} broken): the embeddings' own float32 rounding is amplified by κ.`
        : ` The float64 inverse of the same float32 embeddings leaves ${formatPercent(rec64.brokenFraction)} broken.`;
      return `float32 is not enough: of ${f.imageCount} test images reconstructed in float32, ${broken(rec32)}, mean PSNR ${formatValue(rec32.psnr)} dB.${diagnosis} ` +
        `A round trip in float64 recovers them (median relative error ${formatValue(f.relative64)}, ${formatPercent(f.roundTrip64.brokenFraction)} broken).${rescue} ${kappa}; ${amplify}. ${backward(true)}`;
    }
    case 'invertible': {
      const margin = f.cond * u32 >= 0.1
        ? ' In the worst direction float32 rounding could swamp the image, but on these images the rounding errors did not line up with it.'
        : '';
      return `Invertible in float32: of ${f.imageCount} test images, ${broken(rec32)}; the float32 reconstructions' mean absolute error is ${formatValue(rec32.meanAbsError)}, ` +
        `float64's ${formatValue(rec64.meanAbsError)}. ${kappa}; ${amplify}.${margin} ${backward(false)}`;
    }
  }
}
