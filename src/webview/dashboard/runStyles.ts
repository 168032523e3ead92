/**
 * How each overlaid run is drawn: ten colours that read on light and dark
 * backgrounds (Tableau 10), then the same colours dashed, then dotted, so up
 * to thirty runs stay apart. A run keeps its style for as long as it is ticked.
 */
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const DASHES = ['', '7 3', '2 2.5'];

export interface RunStyle {
  readonly colour: string;
  /** stroke-dasharray; '' for a solid line. */
  readonly dash: string;
}

export function runStyle(index: number): RunStyle {
  return { colour: COLOURS[index % COLOURS.length], dash: DASHES[Math.floor(index / COLOURS.length) % DASHES.length] };
}

/** Distinct styles available before they repeat. */
export const DISTINCT_STYLES = COLOURS.length * DASHES.length;
