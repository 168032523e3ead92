import type { GeneratedSet } from '../../core/analysis/types';
import { el } from '../app/dom';
import { formatNumber, formatPercent } from '../../shared/formatNumber';
import type { ClassNames } from '../../core/data/classNames';
import { classLabel, classNoun } from './classLabel';
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
export function generationGrid(
  set: GeneratedSet,
  classifierTestAccuracy: number,
  classes?: ClassNames,
  companion: GeneratedSet | null = null,
): HTMLElement {
  const noun = classNoun(classes);
  const sets = companion ? [set, companion] : [set];
  const role = isControl(set)
    ? ' A control: it tests what a Gaussian fit to the data\u2019s own embeddings gives back, not whether the network generates.'
    : '';
  const lower = companion ? `; at T = ${formatNumber(companion.temperature)}, ${quotedAccuracy(companion)}` : '';
  const summary = el('p', {
    class: 'grid-summary',
    data: { exportText: '' },
    text: `${setLabel(set)}: the classifier reads ${quotedAccuracy(set)} as the intended ${noun}${lower} (chance ${formatPercent(1 / Math.max(1, set.perClass.length))}; ${formatPercent(classifierTestAccuracy)} on the test images it was checked on).${role}`,
  });
  const grid = el('div', {
    class: `image-grid generation-grid${companion ? ' is-paired' : ''}`,
    attrs: { role: 'table', 'aria-label': `Generated images, ${sets.map(setLabel).join(' and ')}` },
  });
  grid.append(
    el('div', { class: 'grid-row grid-head', attrs: { role: 'row' } }, [
      el('span', { class: 'gen-label', text: noun, attrs: { role: 'columnheader' }, data: { exportText: '' } }),
      ...sets.map((s) =>
        el('span', {
          class: 'grid-col-title',
          data: { exportText: '' },
          attrs: {
            role: 'columnheader',
            title: `Share the classifier reads as the ${noun} · median distance to the nearest real training image`,
          },
          text: companion ? `T = ${formatNumber(s.temperature)}: read as it · distance` : 'read as it · distance',
        }),
      ),
    ]),
  );
  for (const row of set.perClass) {
    const name = classLabel(row.label, classes);
    const cells = sets.map((s) => {
      const c = s.perClass.find((p) => p.label === row.label);
      if (!c) return el('div', { class: 'gen-set', attrs: { role: 'cell' } });
      const where = companion ? `, T = ${formatNumber(s.temperature)}` : '';
      return el('div', { class: 'gen-set', attrs: { role: 'cell' } }, [
        el('span', {
          class: `grid-score${c.accuracy < 0.5 ? ' is-bad' : ''}`,
          data: { exportText: '' },
          attrs: {
            'aria-label': `read as ${name}${where}: ${formatPercent(c.accuracy)}, median distance to nearest real training image ${formatNumber(c.medianNearestDistance)}`,
          },
          text: `${formatPercent(c.accuracy)} · ${formatNumber(c.medianNearestDistance)}`,
        }),
        el(
          'div',
          { class: 'grid-samples' },
          c.images.map(
            (image, i) =>
              digitCanvas(document, image, 'pixel', `generated ${noun} ${name}${where}, sample ${i + 1}`).canvas,
          ),
        ),
      ]);
    });
    grid.append(
      el('div', { class: 'grid-row', attrs: { role: 'row' }, data: { label: String(row.label) } }, [
        el('span', { class: 'gen-label', attrs: { role: 'rowheader' } }, [
          el('span', { class: 'gen-digit', text: name, data: { exportText: '' } }),
        ]),
        ...cells,
      ]),
    );
  }
  return el('div', { class: 'grid-export-root' }, [summary, grid, imageLegend()]);
}

/**
 * The set shown beside `set`: the same source and precision at the highest
 * temperature below its own, else the lowest above it; null when there is none.
 */
export function companionSet(set: GeneratedSet, sets: readonly GeneratedSet[]): GeneratedSet | null {
  const others = sets.filter(
    (s) => s.source === set.source && s.precision === set.precision && s.temperature !== set.temperature,
  );
  const below = others.filter((s) => s.temperature < set.temperature).sort((a, b) => b.temperature - a.temperature);
  const above = others.filter((s) => s.temperature > set.temperature).sort((a, b) => a.temperature - b.temperature);
  return below[0] ?? above[0] ?? null;
}

/** An accuracy with its samples and, over several seeds, its spread: '9.8% of 320 samples', '9.9% ± 0.6 over 3 seeds × 1000 samples'. */
export function quotedAccuracy(set: GeneratedSet): string {
  const seeds = set.seedAccuracies ?? [set.accuracy];
  const perSeed = set.samplesPerSeed ?? set.perClass.reduce((n, c) => n + (c.sampleCount ?? c.images.length), 0);
  if (seeds.length < 2) return `${formatPercent(set.accuracy)} of ${perSeed} samples`;
  const mean = seeds.reduce((a, b) => a + b, 0) / seeds.length;
  const sd = Math.sqrt(seeds.reduce((a, v) => a + (v - mean) ** 2, 0) / (seeds.length - 1));
  return `${formatPercent(set.accuracy)} ± ${formatNumber(100 * sd, { digits: 2 })} over ${seeds.length} seeds × ${perSeed} samples`;
}

/** Whether a set samples the objective's own target (a generator) or the class Gaussian of training embeddings (a control). */
export function isControl(set: Pick<GeneratedSet, 'role' | 'source'>): boolean {
  return (set.role ?? (set.source === 'empirical' ? 'control' : 'generator')) === 'control';
}

export function setLabel(set: Pick<GeneratedSet, 'source' | 'precision' | 'temperature' | 'prior'>): string {
  const source =
    set.source === 'empirical'
      ? 'control: class Gaussian of training embeddings'
      : set.prior === 'class'
        ? 'learned prior N(μₐ, T²Σₐ)'
        : 'target N(2a, T²)';
  return `${source} · ${set.precision} · T = ${formatNumber(set.temperature)}`;
}

export function setKey(set: Pick<GeneratedSet, 'source' | 'precision' | 'temperature'>): string {
  return `${set.source}|${set.precision}|${set.temperature}`;
}

export const GENERATION_CSV_HEADER = [
  'source',
  'precision',
  'temperature',
  'label',
  'images',
  'accuracy',
  'median_nearest_distance',
];

export function generationCsv(sets: readonly GeneratedSet[]): Array<Array<string | number>> {
  return sets.flatMap((s) =>
    s.perClass.map((c) => [
      s.source,
      s.precision,
      s.temperature,
      c.label,
      c.images.length,
      c.accuracy,
      c.medianNearestDistance,
    ]),
  );
}
