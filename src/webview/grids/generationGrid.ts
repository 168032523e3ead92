import type { GeneratedSet } from '../../core/analysis/types';
import { el } from '../app/dom';
import { formatNumber, formatPercent } from '../format';
import { digitCanvas } from './digitCanvas';
import { imageLegend } from './reconstructionGrid';

/**
 * Images the inverted network produced from sampled embeddings, one row per digit
 * class, with how many the digit classifier reads as that class and how far the
 * images are from any real training digit (the "digit-ness" of the row). Given
 * a companion set (the same source and precision at another temperature), the
 * two stand side by side, each with its own scores: a flow's samples at T = 1
 * next to a lower T show what the temperature trades.
 */
export function generationGrid(set: GeneratedSet, classifierTestAccuracy: number, companion: GeneratedSet | null = null): HTMLElement {
  const sets = companion ? [set, companion] : [set];
  const summary = el('p', { class: 'grid-summary', data: { exportText: '' }, text: sets.length === 1
    ? `${setLabel(set)}: the classifier reads ${formatPercent(set.accuracy)} as the intended digit (chance 10%; ${formatPercent(classifierTestAccuracy)} on real test digits).`
    : `${setLabel(set)}: the classifier reads ${formatPercent(set.accuracy)} as the intended digit; at T = ${formatNumber(sets[1].temperature)}, ${formatPercent(sets[1].accuracy)} (chance 10%; ${formatPercent(classifierTestAccuracy)} on real test digits).` });
  const grid = el('div', { class: `image-grid generation-grid${sets.length > 1 ? ' is-paired' : ''}`, attrs: { role: 'table', 'aria-label': `Generated images, ${sets.map(setLabel).join(' and ')}` } });
  grid.append(el('div', { class: 'grid-row grid-head', attrs: { role: 'row' } }, [
    el('span', { class: 'gen-label', text: 'digit', attrs: { role: 'columnheader' }, data: { exportText: '' } }),
    ...sets.map((s) => el('span', {
      class: 'grid-col-title', attrs: { role: 'columnheader', title: 'Share the classifier reads as the digit · median distance to the nearest real training digit' }, data: { exportText: '' },
      text: sets.length > 1 ? `T = ${formatNumber(s.temperature)}: read as it · distance` : 'read as it · distance',
    })),
  ]));
  for (const row of set.perClass) {
    const cells = sets.map((s) => {
      const c = s.perClass.find((p) => p.label === row.label);
      if (!c) return el('div', { class: 'grid-samples', attrs: { role: 'cell' } });
      const where = sets.length > 1 ? `, T = ${formatNumber(s.temperature)}` : '';
      return el('div', { class: 'gen-set', attrs: { role: 'cell' } }, [
        el('span', {
          class: `grid-score${c.accuracy < 0.5 ? ' is-bad' : ''}`, data: { exportText: '' },
          attrs: { 'aria-label': `read as ${c.label}${where}: ${formatPercent(c.accuracy)}, median distance to nearest real digit ${formatNumber(c.medianNearestDistance)}` },
          text: `${formatPercent(c.accuracy)} · ${formatNumber(c.medianNearestDistance)}`,
        }),
        el('div', { class: 'grid-samples' }, c.images.map((image, i) =>
          digitCanvas(document, image, 'pixel', `generated digit ${c.label}${where}, sample ${i + 1}`).canvas)),
      ]);
    });
    grid.append(el('div', { class: 'grid-row', attrs: { role: 'row' }, data: { label: String(row.label) } }, [
      el('span', { class: 'gen-label', attrs: { role: 'rowheader' } }, [el('span', { class: 'gen-digit', text: String(row.label), data: { exportText: '' } })]),
      ...cells,
    ]));
  }
  return el('div', { class: 'grid-export-root' }, [summary, grid, imageLegend()]);
}

/**
 * The set shown beside `set`: the same source and precision at the highest
 * temperature below its own, else the lowest above it; null when there is none.
 */
export function companionSet(set: GeneratedSet, sets: readonly GeneratedSet[]): GeneratedSet | null {
  const others = sets.filter((s) => s.source === set.source && s.precision === set.precision && s.temperature !== set.temperature);
  const below = others.filter((s) => s.temperature < set.temperature).sort((a, b) => b.temperature - a.temperature);
  const above = others.filter((s) => s.temperature > set.temperature).sort((a, b) => a.temperature - b.temperature);
  return below[0] ?? above[0] ?? null;
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
