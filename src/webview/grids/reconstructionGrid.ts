import type { RoundTripId } from '../../core/analysis/trajectoryTypes';
import type { ErrorStats, ImageData28, ReconstructionReport } from '../../core/analysis/types';
import { el } from '../app/dom';
import { formatDecibels, formatNumber, formatPercent } from '../../shared/formatNumber';
import type { ClassNames } from '../../core/data/classNames';
import { classLabel, classNoun } from './classLabel';
import { digitCanvas } from './digitCanvas';

/**
 * Each example as images side by side: the original test image, its float32
 * embedding (the forward network's output, stretched per image), and the
 * round trips, each with its mean absolute error: float32 forward and
 * inverse; the float32 embedding inverted in float64; and, in analyses that
 * have it, float64 forward and inverse. Above the grid, the error figures of
 * each round trip over every reconstructed test image.
 */
const RECONSTRUCTION_COLUMNS = ['original', 'embedding', 'float32', 'float64', 'float64RoundTrip'] as const;

type ReconstructionColumn = (typeof RECONSTRUCTION_COLUMNS)[number];

const COLUMN_TITLES: Record<ReconstructionColumn, string> = {
  original: 'original',
  embedding: 'float32 embedding (scaled)',
  float32: 'float32 round trip',
  float64: 'f32 embedding, f64 inverse',
  float64RoundTrip: 'float64 round trip',
};

/** Each round trip's figures and name: from `roundTrips`, or in an older analysis from `overall` (which lacks the all-float64 one). */
function roundTripRows(
  report: ReconstructionReport,
): Array<{ id: RoundTripId; label: string; stats: ErrorStats; medianPsnr: number | null }> {
  if (report.roundTrips) {
    const trips = report.roundTrips;
    return (['float32', 'mixed', 'float64'] as const).map((id) => ({
      id,
      label: trips[id].label,
      stats: trips[id],
      medianPsnr: trips[id].medianPsnr,
    }));
  }
  return [
    { id: 'float32', label: 'float32 round trip', stats: report.overall.float32, medianPsnr: null },
    { id: 'mixed', label: 'float32 embedding, float64 inverse', stats: report.overall.float64, medianPsnr: null },
  ];
}

function meanAbsError(a: ImageData28, b: ImageData28): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((b[i] ?? Number.NaN) - a[i]);
  return sum / a.length;
}

export function reconstructionGrid(report: ReconstructionReport, classes?: ClassNames): HTMLElement {
  const rows = roundTripRows(report);
  const table = el('table', { class: 'error-table' }, [
    el('caption', {
      text: `Over ${report.imageCount} test images, per round trip x → f(x) → f⁻¹(f(x)) (PSNR: mean over images, median in brackets; broken: per-image mean abs error > ${formatNumber(report.brokenThreshold)})`,
      data: { exportText: '' },
    }),
    el('thead', {}, [
      el(
        'tr',
        {},
        ['round trip', 'mean abs error', 'max abs error', 'PSNR', 'broken'].map((h) =>
          el('th', { text: h, attrs: { scope: 'col' }, data: { exportText: '' } }),
        ),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map(({ id, label, stats: s, medianPsnr }) =>
        el('tr', { data: { roundTrip: id } }, [
          el('th', { text: label, attrs: { scope: 'row' }, data: { exportText: '' } }),
          el('td', { text: formatNumber(s.meanAbsError), data: { exportText: '' } }),
          el('td', { text: formatNumber(s.maxAbsError), data: { exportText: '' } }),
          el('td', {
            text:
              medianPsnr === null
                ? formatDecibels(s.psnr)
                : `${formatDecibels(s.psnr)} (${formatDecibels(medianPsnr)})`,
            data: { exportText: '' },
          }),
          el('td', {
            text: formatPercent(s.brokenFraction),
            class: s.brokenFraction > 0 ? 'is-bad' : '',
            data: { exportText: '' },
          }),
        ]),
      ),
    ),
  ]);
  const columns = RECONSTRUCTION_COLUMNS.filter(
    (c) => c !== 'float64RoundTrip' || report.examples.every((e) => e.float64RoundTrip),
  );

  const grid = el('div', {
    class: 'image-grid reconstruction-grid',
    attrs: { role: 'table', 'aria-label': 'Reconstruction examples' },
  });
  grid.append(
    el('div', { class: 'grid-row grid-head', attrs: { role: 'row' } }, [
      el('span', {
        class: 'grid-label',
        attrs: { role: 'columnheader' },
        text: classNoun(classes),
        data: { exportText: '' },
      }),
      ...columns.map((c) =>
        el('span', {
          class: 'grid-col-title',
          text: COLUMN_TITLES[c],
          attrs: { role: 'columnheader' },
          data: { exportText: '' },
        }),
      ),
    ]),
  );
  report.examples.forEach((example, row) => {
    const cells = columns.map((column) => {
      const image = example[column] ?? [];
      const { canvas, stats } = digitCanvas(
        document,
        image,
        column === 'embedding' ? 'auto' : 'pixel',
        `${classNoun(classes)} ${classLabel(example.label, classes)}, ${COLUMN_TITLES[column]}`,
      );
      let caption = '';
      if (column === 'embedding')
        caption = `${formatNumber(stats.min, { digits: 2 })} … ${formatNumber(stats.max, { digits: 2 })}`;
      if (column !== 'original' && column !== 'embedding') {
        const broken = stats.nan + stats.infinite;
        caption =
          broken > 0
            ? `${broken} NaN/∞ px`
            : `MAE ${formatNumber(meanAbsError(example.original, image), { digits: 2 })}`;
      }
      return el('figure', { class: 'grid-cell', attrs: { role: 'cell' }, data: { column } }, [
        canvas,
        el('figcaption', { text: caption, class: caption.includes('NaN') ? 'is-bad' : '', data: { exportText: '' } }),
      ]);
    });
    grid.append(
      el('div', { class: 'grid-row', attrs: { role: 'row' }, data: { row: String(row) } }, [
        el('span', {
          class: 'grid-label',
          text: classLabel(example.label, classes),
          attrs: { role: 'rowheader' },
          data: { exportText: '' },
        }),
        ...cells,
      ]),
    );
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
    el('span', {
      class: 'legend-note',
      text: 'pixels clamped to [0, 1]; embeddings stretched min→black, max→white',
      data: { exportText: '' },
    }),
  ]);
}

/** Rows of RECONSTRUCTION_CSV_HEADER; round_trip is 'float32' (float32 forward and inverse), 'mixed' (float32 embedding, float64 inverse) or 'float64' (float64 forward and inverse). */
export function reconstructionCsv(report: ReconstructionReport): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  for (const { id, stats: s } of roundTripRows(report))
    rows.push(['overall', '', id, report.imageCount, s.meanAbsError, s.maxAbsError, s.psnr, s.brokenFraction]);
  for (const c of report.perClass) {
    rows.push([
      'class',
      c.label,
      'float32',
      c.count,
      c.float32.meanAbsError,
      c.float32.maxAbsError,
      c.float32.psnr,
      c.float32.brokenFraction,
    ]);
    rows.push([
      'class',
      c.label,
      'mixed',
      c.count,
      c.float64.meanAbsError,
      c.float64.maxAbsError,
      c.float64.psnr,
      c.float64.brokenFraction,
    ]);
  }
  report.examples.forEach((e, i) => {
    rows.push([`example ${i}`, e.label, 'float32', 1, meanAbsError(e.original, e.float32), '', '', '']);
    rows.push([`example ${i}`, e.label, 'mixed', 1, meanAbsError(e.original, e.float64), '', '', '']);
    if (e.float64RoundTrip)
      rows.push([`example ${i}`, e.label, 'float64', 1, meanAbsError(e.original, e.float64RoundTrip), '', '', '']);
  });
  return rows;
}

export const RECONSTRUCTION_CSV_HEADER = [
  'scope',
  'label',
  'round_trip',
  'images',
  'mean_abs_error',
  'max_abs_error',
  'psnr_db',
  'broken_fraction',
];
