import { describeLabel, DIGIT_CLASSES, type ClassNames } from '../data/classNames';
import type { Dataset } from '../data/dataset';
import { UNIT_ROUNDOFF, vectorNorm } from '../linalg';
import { balancedSelection, selectRows } from './balancedSelection';
import { forwardRows } from './forward';
import { formatCondition, formatNumber, formatPercent } from '../../shared/formatNumber';
import { summarizeErrors } from './imageErrors';
import { jacobianConditionBeside } from './jacobianCondition';
import type { AnalysedLayer } from './layerSpectra';
import type { InvertibleNetwork } from './network';
import { BROKEN_MAE } from '../../shared/thresholds';
import type { Tick } from './progress';
import type { Reconstruction } from './reconstructionReport';
import { median } from './stats/median';
import type { ErrorStats, JacobianReport, Precision } from './types';

/** A precision fails when more than this share of its reconstructions is broken (MAE > 0.1). */
const BROKEN_SHARE_LIMIT = 0.05;

/**
 * Whether the network can be inverted, and in which precision, with the
 * numbers that say why:
 *
 * - κ of the end-to-end Jacobian at the first test image (jacobianCondition):
 *   a relative change ε of the embedding can change the image by up to κ·ε;
 *   beyond what float64 resolves it is reported as a lower bound.
 * - Backward error ‖f(f⁻¹(z)) − z‖ / ‖z‖ per precision, median over
 *   `backwardImages` test images, with z their float32 embeddings and f run in
 *   the same precision as f⁻¹. Small (near that precision's rounding) means
 *   the solves are stable and any failure is the network's conditioning.
 * - The all-float64 round trip (forward and inverse) of the same images as
 *   the others, to tell "even float64 cannot" from "float32 cannot".
 *
 * Verdict: see invertibilityVerdict.
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
  classes: ClassNames = DIGIT_CLASSES,
): Promise<JacobianReport> {
  const n = net.width;
  await tick(0, 'Jacobian at the first test image');
  const pointDescription = `the first test image (${describeLabel(images.labels[0], classes)})`;
  const runs = reconstruction.runs;
  // The backward errors do not depend on J: they are measured while the helper bidiagonalizes it.
  const {
    condition: { cond, sigmaMax, sigmaMin, resolvable },
    value: measured,
  } = await jacobianConditionBeside(
    net,
    layers.map((l) => l.factors),
    images.images.subarray(0, n),
    pointDescription,
    async () => {
      await tick(0.6, 'backward errors');
      const rows = balancedSelection(images.labels, images.classes, backwardImages);
      const z = selectRows(runs.embeddings, n, rows);
      const backward = {
        float32: median(
          relativeResiduals(
            forwardRows(net, selectRows(runs.reconstructed.float32, n, rows), rows.length, 'float32'),
            z,
            n,
          ),
        ),
        float64: median(
          relativeResiduals(
            forwardRows(net, selectRows(runs.reconstructed.mixed, n, rows), rows.length, 'float64'),
            z,
            n,
          ),
        ),
      };
      return {
        backwardError: backward,
        relative64: median(relativeResiduals(runs.reconstructed.float64, images.images, n)),
      };
    },
  );
  const condEstimate = sigmaMin === 0 ? Number.POSITIVE_INFINITY : sigmaMax / sigmaMin;
  const { backwardError, relative64 } = measured;
  const roundTrip64 = summarizeErrors(runs.errors.float64, BROKEN_MAE);

  const diagnoses = layerDiagnoses(layers);
  const verdict = invertibilityVerdict(
    layers,
    reconstruction.report.overall.float32.brokenFraction,
    roundTrip64.brokenFraction,
  );
  const verdictText = describeVerdict({
    width: n,
    verdict,
    cond,
    resolvable,
    pointDescription,
    backwardError,
    roundTrip64,
    relative64,
    reconstruction: reconstruction.report.overall,
    imageCount: images.count,
    diagnoses,
  });
  await tick(1);
  return {
    cond,
    resolvable,
    condEstimate,
    sigmaMax,
    sigmaMin,
    pointDescription,
    backwardError,
    verdict,
    verdictText,
    diagnoses,
  };
}

/**
 * 'non-invertible-float64' when a layer is singular or numerically singular
 * in float64, or more than 5% of the all-float64 round trips are broken
 * (MAE > 0.1); otherwise 'float32-insufficient' when a layer is singular or
 * numerically singular in float32, or more than 5% of the float32 round
 * trips are broken; otherwise 'invertible'.
 *
 * @example
 *   invertibilityVerdict(layers, roundTrips.float32.brokenFraction, roundTrips.float64.brokenFraction);
 */
export function invertibilityVerdict(
  layers: readonly Pick<AnalysedLayer, 'diagnosis'>[],
  float32Broken: number,
  float64Broken: number,
): JacobianReport['verdict'] {
  const failing = (p: Precision) => layers.some((l) => l.diagnosis[p].status !== 'invertible');
  if (failing('float64') || !(float64Broken <= BROKEN_SHARE_LIMIT)) return 'non-invertible-float64';
  if (failing('float32') || !(float32Broken <= BROKEN_SHARE_LIMIT)) return 'float32-insufficient';
  return 'invertible';
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
      out.push(
        `${name} is ${d.status.replace('-', ' ')} in ${p}: σmin = ${formatNumber(s.sigmaMin)} (σmax ${formatNumber(s.sigmaMax)}, κ = ${formatNumber(s.cond)}); ` +
          `its smallest LU pivot is ${formatNumber(d.pivot)}${d.status === 'singular' ? '' : `, at or below n·u·max|w| = ${formatNumber(d.threshold)}`}.`,
      );
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
  readonly resolvable: boolean;
  readonly pointDescription: string;
  readonly backwardError: Record<Precision, number>;
  /** The all-float64 round trip of the `imageCount` images. */
  readonly roundTrip64: ErrorStats;
  readonly relative64: number;
  /** Keyed by the inverse's precision, both of the float32 embeddings (ReconstructionReport.overall). */
  readonly reconstruction: Record<Precision, ErrorStats>;
  readonly imageCount: number;
  readonly diagnoses: readonly string[];
}

/** The verdict in sentences, every claim with its number, every round trip named for what it computes. */
function describeVerdict(f: VerdictFacts): string {
  const rec32 = f.reconstruction.float32;
  const mixed = f.reconstruction.float64;
  const u32 = UNIT_ROUNDOFF.float32;
  const u64 = UNIT_ROUNDOFF.float64;
  const times = (u: number) => formatCondition(f.cond * u, f.resolvable);
  const kappa = f.resolvable
    ? `κ = ${formatNumber(f.cond)} for the end-to-end Jacobian at ${f.pointDescription}`
    : `κ > ${formatNumber(f.cond)} for the end-to-end Jacobian at ${f.pointDescription} (σmin is below what float64 resolves next to σmax, so this is a lower bound)`;
  const amplify = `float32 rounding (${formatNumber(u32)}) times κ is ${times(u32)}, float64 rounding (${formatNumber(u64)}) times κ is ${times(u64)}`;
  // n·u: the scale of an LU solve's normwise backward error bound.
  const stable = (p: Precision) => f.backwardError[p] <= f.width * UNIT_ROUNDOFF[p];
  const backward = (failed: boolean) => {
    const numbers = `Backward error ‖f(f⁻¹(z)) − z‖/‖z‖ (median): float32 ${formatNumber(f.backwardError.float32)}, float64 ${formatNumber(f.backwardError.float64)}`;
    if (!(stable('float32') && stable('float64'))) return `${numbers}.`;
    return `${numbers}, both within n·u of their precision: the solves are backward stable${failed ? ", so what fails is the network's conditioning, not the algorithm" : ''}.`;
  };
  const broken = (s: ErrorStats) => `${formatPercent(s.brokenFraction)} of them broken (MAE > ${BROKEN_MAE})`;
  const diagnosis = f.diagnoses.length > 0 ? ` ${f.diagnoses.join(' ')}` : '';
  switch (f.verdict) {
    case 'non-invertible-float64':
      return (
        `Not invertible, even in float64.${diagnosis} Of ${f.imageCount} test images taken through a round trip computed entirely in float64 (forward and inverse), ` +
        `${broken(f.roundTrip64)}; median relative error ${formatNumber(f.relative64)}. ${kappa}; ${amplify}. ${backward(true)}`
      );
    case 'float32-insufficient': {
      const rescue =
        mixed.brokenFraction > BROKEN_SHARE_LIMIT
          ? ` Inverting the float32 embeddings in float64 does not rescue them (${formatPercent(mixed.brokenFraction)} broken): the embeddings' own float32 rounding is amplified by κ.`
          : ` Inverting the float32 embeddings in float64 leaves ${formatPercent(mixed.brokenFraction)} broken.`;
      return (
        `float32 is not enough: of ${f.imageCount} test images taken through the float32 round trip (float32 forward and inverse), ${broken(rec32)}, mean PSNR ${formatNumber(rec32.psnr)} dB.${diagnosis} ` +
        `A round trip entirely in float64 recovers them (median relative error ${formatNumber(f.relative64)}, ${formatPercent(f.roundTrip64.brokenFraction)} broken).${rescue} ${kappa}; ${amplify}. ${backward(true)}`
      );
    }
    case 'invertible': {
      const margin =
        f.cond * u32 >= 0.1
          ? ' In the worst direction float32 rounding could swamp the image, but on these images the rounding errors did not line up with it.'
          : '';
      return (
        `Invertible in float32: of ${f.imageCount} test images taken through the float32 round trip, ${broken(rec32)}. Mean absolute error of the float32 round trip ${formatNumber(rec32.meanAbsError)}, ` +
        `of the float32 embedding inverted in float64 ${formatNumber(mixed.meanAbsError)}, of the all-float64 round trip ${formatNumber(f.roundTrip64.meanAbsError)}. ${kappa}; ${amplify}.${margin} ${backward(false)}`
      );
    }
  }
}
