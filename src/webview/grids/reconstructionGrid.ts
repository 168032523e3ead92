import type { ImageData28, Precision, ReconstructionReport } from '../../core/analysis/types';
import { el } from '../app/dom';
import { formatDecibels, formatNumber, formatPercent } from '../format';
import { digitCanvas } from './digitCanvas';

/**
 * Each example as four images side by side: the original test digit, its
 * embedding (the forward network's output, stretched per image), and the
 * inverse applied in float32 and in float64, each with its mean absolute error.
 * Above the grid, the error figures over every reconstructed test image.
 */
export const RECONSTRUCTION_COLUMNS = ['original', 'embedding', 'float32', 'float64'] as const;

const COLUMN_TITLES: Record<(typeof RECONSTRUCTION_COLUMNS)[number], string> = {
  original: 'original',
  embedding: 'embedding (scaled)',
  float32: 'float32 inverse',
  float64: 'float64 inverse',
};

export function meanAbsError(a: ImageData28, b: ImageData28): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((b[i] ?? Number.NaN) - a[i]);
  return sum / a.length;
}

export function reconstructionGrid(report: ReconstructionReport): HTMLElement {
  const precisions: Precision[] = ['float32', 'float64'];
  const table = el('table', { class: 'error-table' }, [
    el('caption', { text: `Over ${report.imageCount} test images (broken: mean abs error > ${formatNumber(report.brokenThreshold)})`, data: { exportText: '' } }),
    el('thead', {}, [el('tr', {}, ['inverse', 'mean abs error', 'max abs error', 'PSNR', 'broken'].map((h) => el('th', { text: h, attrs: { scope: 'col' }, data: { exportText: '' } })))]),
    el('tbody', {}, precisions.map((p) => {
      const s = report.overall[p];
      return el('tr', { data: { precision: p } }, [
        el('th', { text: p, attrs: { scope: 'row' }, data: { exportText: '' } }),
        el('td', { text: formatNumber(s.meanAbsError), data: { exportText: '' } }),
        el('td', { text: formatNumber(s.maxAbsError), data: { exportText: '' } }),
        el('td', { text: formatDecibels(s.psnr), data: { exportText: '' } }),
        el('td', { text: formatPercent(s.brokenFraction), class: s.brokenFraction > 0 ? 'is-bad' : '', data: { exportText: '' } }),
      ]);
    })),
  ]);

  const grid = el('div', { class: 'image-grid reconstruction-grid', attrs: { role: 'table', 'aria-label': 'Reconstruction examples' } });
  grid.append(el('div', { class: 'grid-row grid-head', attrs: { role: 'row' } }, [
    el('span', { class: 'grid-label', attrs: { role: 'columnheader' }, text: 'digit', data: { exportText: '' } }),
    ...RECONSTRUCTION_COLUMNS.map((c) => el('span', { class: 'grid-col-title', text: COLUMN_TITLES[c], attrs: { role: 'columnheader' }, data: { exportText: '' } })),
  ]));
  report.examples.forEach((example, row) => {
    const cells = RECONSTRUCTION_COLUMNS.map((column) => {
      const { canvas, stats } = digitCanvas(document, example[column], column === 'embedding' ? 'auto' : 'pixel', `digit ${example.label}, ${COLUMN_TITLES[column]}`);
      let caption = '';
      if (column === 'embedding') caption = `${formatNumber(stats.min, 2)} … ${formatNumber(stats.max, 2)}`;
      if (column === 'float32' || column === 'float64') {
        const broken = stats.nan + stats.infinite;
        caption = broken > 0 ? `${broken} NaN/∞ px` : `MAE ${formatNumber(meanAbsError(example.original, example[column]), 2)}`;
      }
      return el('figure', { class: 'grid-cell', attrs: { role: 'cell' }, data: { column } }, [
        canvas,
        el('figcaption', { text: caption, class: caption.includes('NaN') ? 'is-bad' : '', data: { exportText: '' } }),
      ]);
    });
    grid.append(el('div', { class: 'grid-row', attrs: { role: 'row' }, data: { row: String(row) } }, [
      el('span', { class: 'grid-label', text: String(example.label), attrs: { role: 'rowheader' }, data: { exportText: '' } }),
      ...cells,
    ]));
  });
  return el('div', { class: 'grid-export-root' }, [table, grid, imageLegend()]);
}

/** Explains the colours a grey image cannot have. */
export function imageLegend(): HTMLElement {
  return el('div', { class: 'image-legend' }, [
    el('span', { class: 'swatch swatch-nan', attrs: { 'aria-hidden': 'true' } }),
    el('span', { text: 'NaN', data: { exportText: '' } }),
    el('span', { class: 'swatch swatch-posinf', attrs: { 'aria-hidden': 'true' } }),
    el('span', { text: '+∞', data: { exportText: '' } }),
    el('span', { class: 'swatch swatch-neginf', attrs: { 'aria-hidden': 'true' } }),
    el('span', { text: '−∞', data: { exportText: '' } }),
    el('span', { class: 'legend-note', text: 'pixels clamped to [0, 1]; embeddings stretched min→black, max→white', data: { exportText: '' } }),
  ]);
}

export function reconstructionCsv(report: ReconstructionReport): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  for (const p of ['float32', 'float64'] as const) {
    const s = report.overall[p];
    rows.push(['overall', '', p, report.imageCount, s.meanAbsError, s.maxAbsError, s.psnr, s.brokenFraction]);
  }
  for (const c of report.perClass) {
    for (const p of ['float32', 'float64'] as const) {
      const s = c[p];
      rows.push(['class', c.label, p, c.count, s.meanAbsError, s.maxAbsError, s.psnr, s.brokenFraction]);
    }
  }
  report.examples.forEach((e, i) => {
    for (const p of ['float32', 'float64'] as const) rows.push([`example ${i}`, e.label, p, 1, meanAbsError(e.original, e[p]), '', '', '']);
  });
  return rows;
}

export const RECONSTRUCTION_CSV_HEADER = ['scope', 'label', 'precision', 'images', 'mean_abs_error', 'max_abs_error', 'psnr_db', 'broken_fraction'];
