import type { CheckpointAnalysis, GeneratedSet } from '../core/analysis/types';
import { DIGIT_CLASSES, labelName } from '../core/data/classNames';
import { IMAGE_SIZE } from '../core/model/architecture';
import { renderGrid, type GridTile, type RgbImage } from '../core/image/imageGrid';

/** One side of a comparison figure: a checkpoint's analysis and the title drawn above it. */
export interface FigurePanel {
  readonly title: string;
  readonly analysis: CheckpointAnalysis;
}

/** Generated samples drawn per temperature and class. */
const SAMPLES_PER_TEMPERATURE = 3;
const PANEL_GAP = 16;
const BACKGROUND = [32, 33, 36] as const;

/**
 * One image of two checkpoints side by side. Each panel has a row per class
 * (named as the analysis's data names it): a test image, its float32 round
 * trip and its float32 embedding inverted in float64, then samples of the target (the objective's own latent
 * distribution) at every analysed temperature, inverted in float64. The
 * samples are shown as the inverse produced them (clipped to [0, 1]; NaN or
 * infinite pixels in red).
 */
export function compareFigure(panels: readonly FigurePanel[]): RgbImage {
  const images = panels.map(panelImage);
  const width = images.reduce((w, im) => w + im.width, 0) + PANEL_GAP * Math.max(0, images.length - 1);
  const height = Math.max(...images.map((im) => im.height));
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(BACKGROUND, i * 3);
  let x0 = 0;
  for (const im of images) {
    for (let y = 0; y < im.height; y++)
      rgb.set(im.rgb.subarray(y * im.width * 3, (y + 1) * im.width * 3), (y * width + x0) * 3);
    x0 += im.width + PANEL_GAP;
  }
  return { width, height, rgb };
}

/** The float64 target sets, highest temperature first (the float64 inverse is the exact one). */
function targetSets(analysis: CheckpointAnalysis): GeneratedSet[] {
  return analysis.generation.sets
    .filter((s) => s.source === 'target' && s.precision === 'float64')
    .sort((a, b) => b.temperature - a.temperature);
}

function panelImage(panel: FigurePanel): RgbImage {
  const a = panel.analysis;
  const sets = targetSets(a);
  const blank: GridTile = { values: new Array<number>(IMAGE_SIZE).fill(0), scale: 'pixel' };
  const labels = [
    ...new Set([
      ...a.reconstruction.examples.map((e) => e.label),
      ...sets.flatMap((s) => s.perClass.map((c) => c.label)),
    ]),
  ].sort((x, y) => x - y);
  const classes = a.classes ?? DIGIT_CLASSES;
  const columnTitles = [
    classes.noun.toUpperCase(),
    'F32',
    'MIXED',
    ...sets.flatMap((s) =>
      Array.from({ length: SAMPLES_PER_TEMPERATURE }, (_, k) =>
        k === 0 ? `T=${s.temperature} ${Math.round(s.accuracy * 100)}%` : '',
      ),
    ),
  ];
  return renderGrid({
    title: panel.title,
    columnTitles,
    rows: labels.map((label) => {
      const example = a.reconstruction.examples.find((e) => e.label === label);
      const reconstruction: GridTile[] = example
        ? [
            { values: example.original, scale: 'pixel' },
            { values: example.float32, scale: 'pixel' },
            { values: example.float64, scale: 'pixel' },
          ]
        : [blank, blank, blank];
      const samples = sets.flatMap((s) => {
        const images = s.perClass.find((c) => c.label === label)?.images ?? [];
        return Array.from({ length: SAMPLES_PER_TEMPERATURE }, (_, k): GridTile =>
          images[k] ? { values: images[k], scale: 'pixel' } : blank,
        );
      });
      return { label: labelName(label, classes).toUpperCase(), tiles: [...reconstruction, ...samples] };
    }),
    zoom: 2,
  });
}
