import type { GeneratedSet } from '../../core/analysis/types';
import { el } from '../app/dom';
import { formatNumber, formatPercent } from '../format';
import { digitCanvas } from './digitCanvas';
import { imageLegend } from './reconstructionGrid';

/**
 * Images the inverted network produced from sampled embeddings, one row per digit
 * class, with how many the digit classifier reads as that class and how far the
 * images are from any real training digit (the "digit-ness" of the row).
 */
export function generationGrid(set: GeneratedSet, classifierTestAccuracy: number): HTMLElement {
  const summary = el('p', { class: 'grid-summary', data: { exportText: '' } , text:
    `${setLabel(set)}: the classifier reads ${formatPercent(set.accuracy)} as the intended digit (chance 10%; ${formatPercent(classifierTestAccuracy)} on real test digits).` });
  const grid = el('div', { class: 'image-grid generation-grid', attrs: { role: 'table', 'aria-label': `Generated images, ${setLabel(set)}` } });
  grid.append(el('div', { class: 'grid-row grid-head', attrs: { role: 'row' } }, [
    el('span', { class: 'gen-label', text: 'digit: read as it · distance', attrs: { role: 'columnheader', title: 'Share the classifier reads as the digit · median distance to the nearest real training digit' }, data: { exportText: '' } }),
    el('span', { class: 'grid-col-title', text: 'samples', attrs: { role: 'columnheader' }, data: { exportText: '' } }),
  ]));
  for (const row of set.perClass) {
    const images = el('div', { class: 'grid-samples', attrs: { role: 'cell' } }, row.images.map((image, i) =>
      digitCanvas(document, image, 'pixel', `generated digit ${row.label}, sample ${i + 1}`).canvas));
    grid.append(el('div', { class: 'grid-row', attrs: { role: 'row' }, data: { label: String(row.label) } }, [
      el('span', { class: 'gen-label', attrs: { role: 'rowheader' } }, [
        el('span', { class: 'gen-digit', text: String(row.label), data: { exportText: '' } }),
        el('span', {
          class: `grid-score${row.accuracy < 0.5 ? ' is-bad' : ''}`, data: { exportText: '' },
          attrs: { 'aria-label': `read as ${row.label}: ${formatPercent(row.accuracy)}, median distance to nearest real digit ${formatNumber(row.medianNearestDistance)}` },
          text: `${formatPercent(row.accuracy)} · ${formatNumber(row.medianNearestDistance)}`,
        }),
      ]),
      images,
    ]));
  }
  return el('div', { class: 'grid-export-root' }, [summary, grid, imageLegend()]);
}

export function setLabel(set: Pick<GeneratedSet, 'source' | 'precision' | 'temperature' | 'prior'>): string {
  const source = set.source === 'empirical' ? 'empirical class Gaussian' : set.prior === 'class' ? 'learned prior N(μₐ, T²σₐ²)' : 'target N(2a, T²)';
  return `${source} · ${set.precision} · T = ${formatNumber(set.temperature)}`;
}

export function setKey(set: Pick<GeneratedSet, 'source' | 'precision' | 'temperature'>): string {
  return `${set.source}|${set.precision}|${set.temperature}`;
}

export const GENERATION_CSV_HEADER = ['source', 'precision', 'temperature', 'label', 'images', 'accuracy', 'median_nearest_distance'];

export function generationCsv(sets: readonly GeneratedSet[]): Array<Array<string | number>> {
  return sets.flatMap((s) => s.perClass.map((c) => [s.source, s.precision, s.temperature, c.label, c.images.length, c.accuracy, c.medianNearestDistance]));
}
