import type { CheckpointAnalysis, JacobianReport } from '../../core/analysis/types';
import { classNoun } from '../grids/classLabel';
import { isControl, quotedAccuracy, setLabel } from '../grids/generationGrid';
import { formatCondition, formatDecibels, formatNumber, formatPercent } from '../../shared/formatNumber';
import { formatDelta } from '../notation';
import { el } from './dom';

/**
 * The answer first: can this checkpoint be inverted at all, in which precision,
 * and what that means for reconstruction, noise and generation. The numbers
 * behind each line are in the charts below.
 */
const VERDICT_TITLES: Record<JacobianReport['verdict'], string> = {
  invertible: 'Invertible in float32',
  'float32-insufficient': 'float32 is not enough',
  'non-invertible-float64': 'Not invertible, even in float64',
};

export function verdictSummary(analysis: CheckpointAnalysis): HTMLElement {
  const noun = classNoun(analysis.classes);
  const chance = formatPercent(1 / Math.max(1, analysis.distribution.perClass.length));
  const j = analysis.jacobian;
  const rec = analysis.reconstruction;
  const trips = rec.roundTrips;
  const amp32 = analysis.amplification.find((a) => a.precision === 'float32') ?? analysis.amplification[0];
  const facts: Array<[string, string]> = [
    [
      'Jacobian κ',
      `${formatCondition(j.cond, j.resolvable)}${j.resolvable === false ? ' (not resolvable in float64)' : ''} (σmax ${formatNumber(j.sigmaMax)}, σmin ${formatNumber(j.sigmaMin)}) at ${j.pointDescription}`,
    ],
    [
      'Backward error ‖f(f⁻¹(z)) − z‖/‖z‖',
      `float32 ${formatNumber(j.backwardError.float32)} · float64 ${formatNumber(j.backwardError.float64)}`,
    ],
    [
      'Reconstruction PSNR (median over images)',
      trips
        ? (['float32', 'mixed', 'float64'] as const)
            .map(
              (id) =>
                `${trips[id].label} ${formatDecibels(trips[id].medianPsnr)} (${formatPercent(trips[id].brokenFraction)} broken)`,
            )
            .join(' · ')
        : `float32 round trip ${formatDecibels(rec.overall.float32.psnr)} (${formatPercent(rec.overall.float32.brokenFraction)} broken) · float32 embedding, float64 inverse ${formatDecibels(rec.overall.float64.psnr)} (${formatPercent(rec.overall.float64.brokenFraction)} broken), mean over images`,
    ],
  ];
  if (amp32) {
    const first = amp32.points[0];
    const growth =
      first?.medianGrowth !== undefined && first.pooledGrowth !== undefined
        ? `; noise at δ = ${formatDelta(first.delta)} grows ×${formatNumber(first.medianGrowth)} per image (median), ×${formatNumber(first.pooledGrowth)} pooled over images`
        : '';
    facts.push([
      'Noise tolerance',
      (amp32.recognizableUpTo === null
        ? `no tested δ keeps images recognizable (${amp32.precision})`
        : `recognizable up to δ = ${formatDelta(amp32.recognizableUpTo)} (${amp32.precision})`) +
        `${growth}; worst direction grows ×${formatNumber(amp32.worstCaseGrowth)}`,
    ]);
  }
  if (analysis.density) {
    const d = analysis.density;
    facts.push([
      'Density (test)',
      `${formatNumber(d.testBitsPerDim)} bits/dim over ${d.imageCount} dequantized test images, every Jacobian term counted ` +
        `(uniform density: 8; ${d.prior === 'class' ? 'learned class prior' : 'prior N(2a·1, I)'})`,
    ]);
  }
  // The best generator only: the control (class Gaussian) says nothing about whether the network generates.
  const generators = analysis.generation.sets.filter((s) => !isControl(s));
  const bestSet = [...generators].sort((a, b) => b.accuracy - a.accuracy)[0];
  if (bestSet) {
    facts.push([
      'Generation',
      `best set of the objective's own target (${setLabel(bestSet)}) read as the intended ${noun} ${quotedAccuracy(bestSet)} (chance ${chance}; the classifier reads ${formatPercent(analysis.generation.classifierTestAccuracy)} of its own test images right)`,
    ]);
  }
  // The model's own target at each temperature, through the exact (float64) inverse: what "does it generate" asks.
  const targets = generators.filter((s) => s.precision === 'float64').sort((a, b) => b.temperature - a.temperature);
  if (targets.length > 1) {
    const what = targets[0].prior === 'class' ? 'Samples of the learned prior' : 'Samples of the target N(2a, T²)';
    facts.push([
      what,
      targets.map((s) => `T = ${formatNumber(s.temperature)}: ${formatPercent(s.accuracy)}`).join(' · ') +
        ` read as the intended ${noun} (float64 inverse)`,
    ]);
  }
  const control = analysis.generation.sets.find((s) => isControl(s) && s.precision === 'float64');
  if (control) {
    facts.push([
      'Control: class Gaussian of training embeddings',
      `${quotedAccuracy(control)} read as intended (float64 inverse). It tests what a Gaussian fit to the data's own embeddings gives back, not whether the network generates.`,
    ]);
  }
  return el(
    'section',
    { class: `verdict verdict-${j.verdict}`, attrs: { 'aria-label': 'Verdict' }, data: { verdict: j.verdict } },
    [
      el('div', { class: 'verdict-head' }, [
        el('span', { class: 'verdict-badge', text: VERDICT_TITLES[j.verdict] }),
        el('span', {
          class: 'verdict-meta',
          text: `${analysis.architectureName} · epoch ${analysis.epoch} · computed in ${formatNumber(analysis.computeSeconds)} s · ${analysis.checkpointSha256.slice(0, 10)}`,
        }),
      ]),
      el('p', { class: 'verdict-text', text: j.verdictText }),
      el(
        'dl',
        { class: 'verdict-facts' },
        facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]),
      ),
    ],
  );
}
