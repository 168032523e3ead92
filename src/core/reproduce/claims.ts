import { formatCondition, formatNumber, formatPercent } from '../../shared/formatNumber';
import { ROUND_TRIPS, type RunTrajectory, type TrajectoryPoint } from '../analysis/trajectoryTypes';
import type { CheckpointAnalysis } from '../analysis/types';
import type { Finding, Verdict } from './reportData';
import { formatGeneration, headlinePoints } from './summaryTable';

/**
 * The paper's findings checked against the measurements, and the definitions
 * a reader needs to read the figures: each finding's verdict and sentence are
 * computed from the trajectories and analyses, never typed in. The rules are
 * stated next to each one.
 */
export interface ClaimModel {
  readonly label: string;
  readonly objective: 'seed' | 'flow';
  readonly trajectory: RunTrajectory;
  readonly analyses: ReadonlyArray<{ readonly epoch: number; readonly analysis: CheckpointAnalysis }>;
}

/** A reconstruction share this small counts as working, this large as broken (of the test images, MAE > 0.1). */
const WORKS = 0.05;
const BROKEN = 0.5;
/** Sample accuracy up to this reads as chance for ten classes (10%, with the sampling noise of a few hundred samples). */
const AT_CHANCE = 0.2;
/** A generator whose samples are read as the asked digit this often works. */
const GENERATES = 0.5;
/** The paper's threshold: a perturbation under 0.001 ruins the inverse. */
const PAPER_DELTA = 1e-3;

const trained = (m: ClaimModel): TrajectoryPoint | undefined => headlinePoints(m.trajectory)[0];
const last = (m: ClaimModel): TrajectoryPoint | undefined => m.trajectory.points[m.trajectory.points.length - 1];
const broken = (p: TrajectoryPoint | undefined, id: 'float32' | 'mixed' | 'float64'): number =>
  p?.roundTrips[id]?.brokenFraction ?? Number.NaN;
const list = (parts: readonly string[]): string => parts.join('; ');

/**
 * Reconstruction works early and breaks later (per model, the float32 round
 * trip): "confirms" when every model of the paper's loss reconstructs at its
 * first trained checkpoint (≤ 5% broken) and not at its last (≥ 50%),
 * "contradicts" when none does, "qualifies" otherwise.
 */
function reconstructionFinding(seed: readonly ClaimModel[]): Finding | null {
  if (seed.length === 0) return null;
  const story = seed.map((m) => {
    const a = trained(m),
      b = last(m);
    const earlyWorks = broken(a, 'float32') <= WORKS,
      lateBreaks = broken(b, 'float32') >= BROKEN;
    // The initialized model too, when it was analysed: "early" then reaches back to before any training.
    const shown = [m.trajectory.points.find((p) => p.epoch === 0), a, b].filter(
      (p, i, all): p is TrajectoryPoint => p !== undefined && all.indexOf(p) === i,
    );
    const series = (id: 'float32' | 'float64') =>
      shown.map((p) => `${formatPercent(broken(p, id))} at epoch ${p.epoch}`).join(' → ');
    const worst64 = Math.max(...m.trajectory.points.map((p) => broken(p, 'float64')));
    const float64 =
      worst64 === 0
        ? 'exact (no image broken) at every checkpoint'
        : worst64 <= WORKS
          ? `at most ${formatPercent(worst64)} broken at any checkpoint`
          : series('float64');
    return {
      confirms: earlyWorks && lateBreaks,
      text: `${m.label}: float32 round trip ${series('float32')}; all-float64 round trip ${float64}`,
    };
  });
  const confirming = story.filter((s) => s.confirms).length;
  const verdict: Verdict = confirming === seed.length ? 'confirms' : confirming === 0 ? 'contradicts' : 'qualifies';
  return {
    id: 'reconstruction',
    claim: 'Reconstruction works early in training and breaks later.',
    verdict,
    text: `${list(story.map((s) => s.text))}. Broken = mean absolute error above 0.1 on a test image.`,
  };
}

/**
 * Generation never works (samples of N(2a, 1) through the inverse): for the
 * paper's loss "confirms" when no checkpoint's samples beat chance by much
 * (≤ 20% read as the asked digit); when a flow's samples are digits (≥ 50%),
 * the finding "qualifies": it holds for the paper's loss, not for inversion.
 */
function generationFinding(seed: readonly ClaimModel[], flows: readonly ClaimModel[]): Finding | null {
  const scored = (m: ClaimModel) => m.trajectory.points.filter((p) => p.generation);
  const seedParts = seed
    .filter((m) => scored(m).length > 0)
    .map((m) => {
      const best = scored(m).reduce((b, p) => ((p.generation?.accuracy ?? 0) > (b.generation?.accuracy ?? 0) ? p : b));
      return { m, best, text: `${m.label}: at most ${formatGeneration(best)} (epoch ${best.epoch})` };
    });
  if (seedParts.length === 0) return null;
  const flowParts = flows.flatMap((m) => {
    const p = last(m);
    return p?.generation
      ? [
          {
            m,
            p,
            text: `${m.label}: ${formatGeneration(p)} samples of its ${p.generation.prior === 'class' ? 'learned prior' : 'N(2a, 1)'} at T = ${formatNumber(p.generation.temperature)} (epoch ${p.epoch})`,
          },
        ]
      : [];
  });
  const seedFails = seedParts.every((s) => (s.best.generation?.accuracy ?? 1) <= AT_CHANCE);
  const flowWorks = flowParts.some((f) => (f.p.generation?.accuracy ?? 0) >= GENERATES);
  const verdict: Verdict = !seedFails ? 'contradicts' : flowWorks ? 'qualifies' : 'confirms';
  const flowText =
    flowParts.length === 0 ? '' : ` Trained by exact likelihood instead: ${list(flowParts.map((f) => f.text))}.`;
  return {
    id: 'generation',
    claim: 'Inverting samples of N(2a, 1) never generates digits.',
    verdict,
    text: `Samples read as the asked digit (chance 10%), the paper's loss: ${list(seedParts.map((s) => s.text))}.${flowText}`,
  };
}

/**
 * A perturbation under 0.001 ruins the inverse (float64 inverse, last
 * checkpoint): "confirms" when no model of the paper's loss stays
 * recognizable at δ = 1e-3, "qualifies" when some does at some checkpoint.
 */
function perturbationFinding(seed: readonly ClaimModel[]): Finding | null {
  const noiseAt = (p: TrajectoryPoint | undefined) => p?.noise?.find((n) => n.precision === 'float64') ?? p?.noise?.[0];
  const measured = seed.filter((m) => noiseAt(last(m)));
  if (measured.length === 0) return null;
  const parts = measured.map((m) => {
    const a = noiseAt(trained(m)),
      b = noiseAt(last(m));
    const upTo = (n: typeof a) =>
      n?.recognizableUpTo === null || n === undefined
        ? 'not even the smallest δ tested'
        : `δ ≤ ${formatNumber(n.recognizableUpTo)}`;
    const growth = b
      ? `; noise grows ×${formatNumber(b.medianGrowth)} per image (median of ${b.imageCount}), ×${formatNumber(b.pooledGrowth)} pooled over all pixels`
      : '';
    return `${m.label}: ${upTo(a)} at epoch ${trained(m)?.epoch} → ${upTo(b)} at epoch ${last(m)?.epoch}${growth}`;
  });
  const tolerant = measured.some((m) =>
    m.trajectory.points.some((p) => (noiseAt(p)?.recognizableUpTo ?? 0) >= PAPER_DELTA),
  );
  return {
    id: 'perturbation',
    claim: 'A perturbation under 0.001 of the embedding ruins the inverse.',
    verdict: tolerant ? 'qualifies' : 'confirms',
    text: `Largest noise δ added to the embedding that still leaves the float64 reconstructions recognizable: ${list(parts)}.`,
  };
}

/**
 * Per-layer κ across training, as measured: the factor each layer's κ and
 * κ(J) changed by from the first trained to the last checkpoint. It does not
 * grow in every layer; the text says which grew and which shrank.
 */
function layerFinding(seed: readonly ClaimModel[]): Finding | null {
  const models = seed.filter((m) => trained(m) !== undefined && trained(m) !== last(m));
  if (models.length === 0) return null;
  const parts = models.map((m) => {
    const a = trained(m) as TrajectoryPoint,
      b = last(m) as TrajectoryPoint;
    const ratios = b.layers.map((l, i) => l.cond / (a.layers[i]?.cond ?? Number.NaN));
    const grew = ratios.flatMap((r, i) => (r > 1 ? [i + 1] : [])),
      shrank = ratios.flatMap((r, i) => (r < 1 ? [i + 1] : []));
    const which =
      ratios.length === 1
        ? ''
        : ` (grew: ${grew.length > 0 ? `layer ${grew.join(', ')}` : 'none'}; shrank: ${shrank.length > 0 ? `layer ${shrank.join(', ')}` : 'none'})`;
    const jacobian =
      !a.jacobian.resolvable || !b.jacobian.resolvable
        ? `κ(J) ${formatCondition(a.jacobian.cond, a.jacobian.resolvable)} → ${formatCondition(b.jacobian.cond, b.jacobian.resolvable)} (a lower bound cannot show growth)`
        : `κ(J) ×${formatNumber(b.jacobian.cond / a.jacobian.cond)}`;
    return `${m.label}, epoch ${a.epoch} → ${b.epoch}: κ per layer ×${ratios.map((r) => formatNumber(r)).join(', ×')}${which}; ${jacobian}`;
  });
  return {
    id: 'layer-condition',
    claim: 'Per-layer κ across training',
    verdict: 'defines',
    text: `The factor each κ changed by: ${list(parts)}.`,
  };
}

/** Where κ(J) is beyond what float64 resolves, the table gives a lower bound. */
function jacobianDefinition(models: readonly ClaimModel[]): Finding {
  const bounded = models.filter((m) => m.trajectory.points.some((p) => !p.jacobian.resolvable));
  const which =
    bounded.length === 0
      ? 'No model reached it here.'
      : `Lower bounds here: ${bounded.map((m) => `${m.label} (${m.trajectory.points.filter((p) => !p.jacobian.resolvable).length} of ${m.trajectory.points.length} checkpoints)`).join(', ')}.`;
  return {
    id: 'jacobian-bound',
    claim: 'κ of the Jacobian beyond float64',
    verdict: 'defines',
    text: `When σmin of the end-to-end Jacobian is below what float64 resolves next to σmax (κ ≥ 1/ε ≈ 4.5e15), κ cannot be measured; it is reported as "> value", a lower bound. ${which}`,
  };
}

function roundTripDefinition(): Finding {
  return {
    id: 'round-trips',
    claim: 'Three round trips',
    verdict: 'defines',
    text: `Every reconstruction figure names its round trip x → f(x) → f⁻¹(f(x)): ${Object.values(ROUND_TRIPS)
      .map((r) => `"${r.label}", ${r.description}`)
      .join(' ')}`,
  };
}

function noiseDefinition(): Finding {
  return {
    id: 'noise',
    claim: 'Noise amplification, per image and pooled',
    verdict: 'defines',
    text: 'Noise of size δ is added to the embedding and followed through the inverse. Growth is the error after the inverse ÷ the noise (RMS): the per-image median is what a reader compares against; pooled over all pixels of all images, a few images that blow up dominate it.',
  };
}

/**
 * The empirical class Gaussian is a control: samples of N(mean, covariance)
 * of each class's own training embeddings, inverted. It tests whether the
 * inverse turns embeddings like the data's into digits; it says nothing of
 * N(2a, 1), and it too falls as training goes on.
 */
function controlFinding(seed: readonly ClaimModel[]): Finding | null {
  const parts = seed.flatMap((m) => {
    const scores = m.analyses.flatMap(({ epoch, analysis }) => {
      const set = analysis.generation.sets.find((s) => s.source === 'empirical' && s.precision === 'float64');
      if (!set) return [];
      const samples = set.perClass.reduce((n, c) => n + (c.sampleCount ?? c.images.length), 0);
      // One seed: the binomial standard error says how far another seed's figure may be.
      const error = Math.sqrt((set.accuracy * (1 - set.accuracy)) / samples);
      return [
        `${formatPercent(set.accuracy)} ± ${formatPercent(error)} at epoch ${epoch} (${samples} samples, one seed; ± one binomial standard error)`,
      ];
    });
    return scores.length > 0 ? [`${m.label}: ${scores.join(' → ')}`] : [];
  });
  if (parts.length === 0) return null;
  return {
    id: 'empirical-control',
    claim: 'The class-Gaussian samples are a control',
    verdict: 'defines',
    text: `Samples of the Gaussian fitted to each class's own training embeddings, inverted in float64: ${list(parts)}. This tests whether the inverse maps embeddings like the data's back to digits, not whether N(2a, 1) generates; for Small (one affine layer and a LeakyReLU) it is the Gaussian of the training pixels pulled back. It is not a generator, and no finding rests on it.`,
  };
}

export function findings(models: readonly ClaimModel[]): Finding[] {
  const seed = models.filter((m) => m.objective === 'seed');
  const flows = models.filter((m) => m.objective === 'flow');
  return [
    reconstructionFinding(seed),
    generationFinding(seed, flows),
    perturbationFinding(seed),
    layerFinding(seed),
    controlFinding(seed),
    roundTripDefinition(),
    jacobianDefinition(models),
    noiseDefinition(),
  ].filter((f): f is Finding => f !== null);
}
