import { IMAGE_SIDE } from '../model/architecture';
import { GLYPH_HEIGHT, drawText, textWidth } from './bitmapFont';

/** How a tile's values become grey levels. */
export type TileScale =
  /** Values are pixels in [0, 1]; outside values are clipped. */
  | 'pixel'
  /** Stretched from the tile's own min to max (for embeddings, which can be any range). */
  | 'auto';

export interface GridTile {
  readonly values: ArrayLike<number>;
  readonly scale: TileScale;
}

export interface GridSpec {
  readonly title?: string;
  readonly columnTitles?: readonly string[];
  /** One entry per row: a label drawn at its left and its tiles. */
  readonly rows: ReadonlyArray<{ readonly label: string; readonly tiles: readonly GridTile[] }>;
  /** Pixels per image pixel (default 3). */
  readonly zoom?: number;
}

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

const GAP = 4;
const BACKGROUND = [32, 33, 36] as const;
const TEXT = [220, 220, 220] as const;
/** Non-finite values (a reconstruction that overflowed) are drawn in this colour so they cannot pass for black. */
export const NON_FINITE_COLOUR = [220, 40, 40] as const;

/** Lays out 28×28 tiles in labelled rows and columns on a dark background. */
export function renderGrid(spec: GridSpec): RgbImage {
  const zoom = spec.zoom ?? 3;
  const tile = IMAGE_SIDE * zoom;
  const columns = Math.max(1, ...spec.rows.map((r) => r.tiles.length));
  const labelWidth = Math.max(0, ...spec.rows.map((r) => textWidth(r.label))) + GAP * 2;
  const titleHeight = spec.title ? GLYPH_HEIGHT + GAP * 2 : 0;
  const headerHeight = spec.columnTitles ? GLYPH_HEIGHT + GAP * 2 : 0;
  const width = labelWidth + columns * (tile + GAP) + GAP;
  const height = titleHeight + headerHeight + spec.rows.length * (tile + GAP) + GAP;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(BACKGROUND, i * 3);
  const plot = (x: number, y: number) => {
    if (x >= 0 && y >= 0 && x < width && y < height) rgb.set(TEXT, (y * width + x) * 3);
  };

  if (spec.title) drawText(spec.title, GAP, GAP, plot);
  spec.columnTitles?.forEach((t, c) => {
    const x = labelWidth + c * (tile + GAP) + Math.max(0, (tile - textWidth(t)) >> 1);
    drawText(t, x, titleHeight + GAP, plot);
  });
  spec.rows.forEach((row, r) => {
    const y0 = titleHeight + headerHeight + GAP + r * (tile + GAP);
    drawText(row.label, GAP, y0 + ((tile - GLYPH_HEIGHT) >> 1), plot);
    row.tiles.forEach((t, c) => paintTile(rgb, width, labelWidth + c * (tile + GAP), y0, zoom, t));
  });
  return { width, height, rgb };
}

function paintTile(rgb: Uint8Array, width: number, x0: number, y0: number, zoom: number, tile: GridTile): void {
  const n = IMAGE_SIDE * IMAGE_SIDE;
  if (tile.values.length !== n) throw new RangeError(`renderGrid: a tile needs ${n} values, got ${tile.values.length}`);
  let lo = 0,
    hi = 1;
  if (tile.scale === 'auto') {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = tile.values[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(hi > lo)) {
      lo -= 0.5;
      hi = lo + 1;
    }
  }
  for (let i = 0; i < n; i++) {
    const v = tile.values[i];
    const colour = Number.isFinite(v)
      ? (() => {
          const g = Math.round(255 * Math.max(0, Math.min(1, (v - lo) / (hi - lo))));
          return [g, g, g];
        })()
      : NON_FINITE_COLOUR;
    const px = x0 + (i % IMAGE_SIDE) * zoom,
      py = y0 + Math.floor(i / IMAGE_SIDE) * zoom;
    for (let dy = 0; dy < zoom; dy++)
      for (let dx = 0; dx < zoom; dx++) rgb.set(colour, ((py + dy) * width + px + dx) * 3);
  }
}
