import type { PartialAnalysis } from '../../core/analysis/partialAnalysis';
import { formatDecibels, formatNumber, formatPercent } from '../../shared/formatNumber';
import { el } from './dom';

/**
 * What an analysis in progress already knows, shown under its progress: the
 * layers' spectra and κ (a fraction of a second into the analysis), then the
 * Jacobian's κ and the reconstruction. The charts replace it when the whole
 * analysis arrives.
 */
export function firstResultsView(partial: PartialAnalysis): HTMLElement {
  const head = el(
    'tr',
    {},
    ['Layer', 'σmax', 'σmin', 'κ', 'log|det|'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
  );
  const rows = partial.layers.map((l) =>
    el('tr', {}, [
      el('th', { text: `${l.index + 1}${l.activation ? ' + LeakyReLU' : ''}`, attrs: { scope: 'row' } }),
      ...[l.sigmaMax, l.sigmaMin, l.cond, l.logAbsDet].map((v) => el('td', { text: formatNumber(v) })),
    ]),
  );
  const children: HTMLElement[] = [
    el('table', { class: 'error-table' }, [
      el('caption', {
        text: `First results: ${partial.architectureName}, epoch ${partial.epoch}, every layer's singular values`,
      }),
      el('thead', {}, [head]),
      el('tbody', {}, rows),
    ]),
  ];
  const { jacobian, reconstruction } = partial;
  if (jacobian && reconstruction) {
    const rec = reconstruction.overall;
    children.push(
      el('p', {
        text:
          `Jacobian κ ${formatNumber(jacobian.cond)} at ${jacobian.pointDescription}. Reconstruction PSNR: float32 ${formatDecibels(rec.float32.psnr)} ` +
          `(${formatPercent(rec.float32.brokenFraction)} broken), float64 ${formatDecibels(rec.float64.psnr)} (${formatPercent(rec.float64.brokenFraction)} broken).`,
      }),
    );
  }
  return el('div', { class: 'first-results', data: { state: 'first-results' } }, children);
}
