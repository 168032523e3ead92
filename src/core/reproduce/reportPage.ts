import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeJson } from '../../shared/jsonNumbers';
import { mediaDirectory } from '../assets';
import type { CheckpointAnalysis, GeneratedSet, ImageData28 } from '../analysis/types';
import { InvertscopeError } from '../errors';
import { TOOLTIP_ID } from '../../shared/webviewPage';
import { REPORT_DATA_ID, type ReportData, type ReportModel } from './reportData';
import { escapeHtml } from '../escapeHtml';

/**
 * The report's index.html: one file holding the page's stylesheets, its
 * script (the report bundle) and its data, so it opens from disk in any
 * browser with no server and no network. Its Content-Security-Policy allows
 * nothing to be fetched: scripts and styles only by the page's nonce, images
 * only from data: and blob: URLs.
 */
export interface ReportAssets {
  readonly script: string;
  readonly styles: readonly string[];
}

/** The project's media folder, beside the compiled sources and the bundles alike. */
const MEDIA_FOLDER = mediaDirectory();

export async function readReportAssets(media = MEDIA_FOLDER): Promise<ReportAssets> {
  const read = async (relative: string): Promise<string> => {
    const file = join(media, relative);
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new InvertscopeError(
        'NOT_FOUND',
        `the report page needs ${file}, which cannot be read (${(error as Error).message}); build the project first: npm run build`,
        { file },
        { cause: error },
      );
    }
  };
  const [script, inspector, report] = await Promise.all([
    read('dist/report.js'),
    read('inspector.css'),
    read('report.css'),
  ]);
  return { script, styles: [inspector, report] };
}

/** Text that cannot end the <script> or <style> element it is put in. */
function inert(text: string, element: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}

export function renderReportHtml(
  data: ReportData,
  assets: ReportAssets,
  nonce = randomBytes(16).toString('base64'),
): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  // In JSON, "<" may be written \u003c: then no "</script>" can appear in the data.
  const json = compactJson(data).replace(/</g, '\\u003c');
  const title = escapeHtml(data.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta property="csp-nonce" content="${escapeHtml(nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
${assets.styles.map((css) => `<style nonce="${escapeHtml(nonce)}">\n${inert(css, 'style')}\n</style>`).join('\n')}
</head>
<body>
<div id="app"><p>${title}: this report draws its charts with JavaScript; allow scripts for this file to see them. The numbers are also in findings.json next to it.</p></div>
<div id="${TOOLTIP_ID}" role="tooltip" hidden></div>
<script type="application/json" id="${REPORT_DATA_ID}">${json}</script>
<script nonce="${escapeHtml(nonce)}">${inert(assets.script, 'script')}</script>
</body>
</html>
`;
}

/**
 * JSON text as short as it can be: each number in whichever of its plain and
 * exponent forms is shorter (JSON.stringify writes 3.6e14 as fifteen digits),
 * and NaN, ±Infinity and −0 as encodeJson writes them.
 *
 * @example
 *   compactJson({ v: [360800000000000, NaN, 0.5] });  // '{"v":[3.608e14,"NaN",0.5]}'
 */
function compactJson(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) return encodeJson(value);
    const plain = String(value);
    const exponent = value.toExponential().replace('e+', 'e');
    return exponent.length < plain.length ? exponent : plain;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : compactJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${compactJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Images per generated class the page keeps: the grids show a row of them; the scores count every sample. */
const PAGE_IMAGES_PER_CLASS = 4;

/** Four significant digits: more than a 256-level grey image shows, and enough for the MAE the grid prints under it. */
function roundImage(image: ImageData28): ImageData28 {
  return image.map((v) => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(4)) : v));
}

/**
 * A generated image as the grid shows it: pixels clamped to [0, 1] and kept to
 * 1/1000 (finer than the 256 grey levels drawn); NaN and ±Infinity, which the
 * grid colours and counts, kept as they are.
 */
function shownImage(image: ImageData28): ImageData28 {
  return image.map((v) => (Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000 : v));
}

/**
 * An analysis as the page draws it: every figure, but reconstructions rounded
 * to four significant digits, generated images as shown (shownImage), four
 * samples per class, and the float64 samples only
 * (the float32 ones differ only where the float32 inverse breaks; the
 * inspector shows them). Keeps a report of ten analyses near 10 MB.
 */
export function pageAnalysis(analysis: CheckpointAnalysis): CheckpointAnalysis {
  const sets: GeneratedSet[] = analysis.generation.sets
    .filter((s) => s.precision === 'float64')
    .map((s) => ({
      ...s,
      perClass: s.perClass.map((c) => ({ ...c, images: c.images.slice(0, PAGE_IMAGES_PER_CLASS).map(shownImage) })),
    }));
  return {
    ...analysis,
    reconstruction: {
      ...analysis.reconstruction,
      examples: analysis.reconstruction.examples.map((e) => ({
        ...e,
        original: roundImage(e.original),
        embedding: roundImage(e.embedding),
        float32: roundImage(e.float32),
        float64: roundImage(e.float64),
      })),
    },
    generation: { ...analysis.generation, sets },
  };
}

/**
 * An analysis as findings.json holds it: every number the page shows, without
 * the pixels of its images (the page has them; findings.json is for reading
 * the figures, in a notebook or a script).
 */
export function findingsAnalysis(analysis: CheckpointAnalysis): CheckpointAnalysis {
  return {
    ...analysis,
    reconstruction: { ...analysis.reconstruction, examples: [] },
    generation: {
      ...analysis.generation,
      sets: analysis.generation.sets.map((s) => ({ ...s, perClass: s.perClass.map((c) => ({ ...c, images: [] })) })),
    },
  };
}

/** The report with every analysis passed through `view`. */
export function withAnalyses(data: ReportData, view: (a: CheckpointAnalysis) => CheckpointAnalysis): ReportData {
  const models: ReportModel[] = data.models.map((m) => ({
    ...m,
    analyses: m.analyses.map((a) => ({ epoch: a.epoch, analysis: view(a.analysis) })),
  }));
  return { ...data, models };
}
