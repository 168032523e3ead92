import type { CheckpointAnalysis, JacobianReport } from '../../core/analysis/types';
import { formatDecibels, formatDelta, formatNumber, formatPercent } from '../format';
import { el } from './dom';

/**
 * The answer first: can this checkpoint be inverted at all, in which precision,
 * and what that means for reconstruction, noise and generation. The numbers
 * behind each line are in the charts below.
 */
const VERDICT_TITLES: Record<JacobianReport['verdict'], string> = {
  'invertible': 'Invertible in float32',
  'float32-insufficient': 'float32 is not enough',
  'non-invertible-float64': 'Not invertible, even in float64',
};

export function verdictSummary(analysis: CheckpointAnalysis): HTMLElement {
  const j = analysis.jacobian;
  const rec = analysis.reconstruction.overall;
  const amp32 = analysis.amplification.find((a) => a.precision === 'float32') ?? analysis.amplification[0];
  const facts: Array<[string, string]> = [
    ['Jacobian κ', `${formatNumber(j.cond)} (σmax ${formatNumber(j.sigmaMax)}, σmin ${formatNumber(j.sigmaMin)}) at ${j.pointDescription}`],
    ['Backward error ‖f(f⁻¹(z)) − z‖/‖z‖', `float32 ${formatNumber(j.backwardError.float32)} · float64 ${formatNumber(j.backwardError.float64)}`],
    ['Reconstruction PSNR', `float32 ${formatDecibels(rec.float32.psnr)} (${formatPercent(rec.float32.brokenFraction)} broken) · float64 ${formatDecibels(rec.float64.psnr)} (${formatPercent(rec.float64.brokenFraction)} broken)`],
  ];
  if (amp32) {
    facts.push(['Noise tolerance', amp32.recognizableUpTo === null
      ? `no tested δ keeps digits recognizable (${amp32.precision})`
      : `recognizable up to δ = ${formatDelta(amp32.recognizableUpTo)} (${amp32.precision}); worst direction grows ×${formatNumber(amp32.worstCaseGrowth)}`]);
  }
  if (analysis.density) {
    const d = analysis.density;
    facts.push(['Density (test)', `${formatNumber(d.testBitsPerDim, 4)} bits/dim over ${d.imageCount} dequantized test images, every Jacobian term counted `
      + `(uniform density: 8; ${d.prior === 'class' ? 'learned class prior' : 'prior N(2a·1, I)'})`]);
  }
  const bestSet = [...analysis.generation.sets].sort((a, b) => b.accuracy - a.accuracy)[0];
  if (bestSet) {
    facts.push(['Generation', `best set read as the intended digit ${formatPercent(bestSet.accuracy)} (chance 10%, real digits ${formatPercent(analysis.generation.classifierTestAccuracy)})`]);
  }
  // The model's own target at each temperature, through the exact (float64) inverse: what "does it generate" asks.
  const targets = analysis.generation.sets.filter((s) => s.source === 'target' && s.precision === 'float64').sort((a, b) => b.temperature - a.temperature);
  if (targets.length > 1) {
    const what = targets[0].prior === 'class' ? 'Samples of the learned prior' : 'Samples of the target N(2a, T²)';
    facts.push([what, targets.map((s) => `T = ${formatNumber(s.temperature)}: ${formatPercent(s.accuracy)}`).join(' · ') + ' read as the intended digit (float64 inverse)']);
  }
  return el('section', { class: `verdict verdict-${j.verdict}`, attrs: { 'aria-label': 'Verdict' }, data: { verdict: j.verdict } }, [
    el('div', { class: 'verdict-head' }, [
      el('span', { class: 'verdict-badge', text: VERDICT_TITLES[j.verdict] }),
      el('span', { class: 'verdict-meta', text: `${analysis.architectureName} · epoch ${analysis.epoch} · computed in ${formatNumber(analysis.computeSeconds)} s · ${analysis.checkpointSha256.slice(0, 10)}` }),
    ]),
    el('p', { class: 'verdict-text', text: j.verdictText }),
    el('dl', { class: 'verdict-facts' }, facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
  ]);
}
