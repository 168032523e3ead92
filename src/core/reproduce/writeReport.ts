import { join } from 'node:path';
import { encodeJson } from '../../shared/jsonNumbers';
import { writeFileAtomic } from '../store/atomicWrite';
import { prettyJson } from '../store/jsonText';
import type { ReportData } from './reportData';
import { findingsAnalysis, pageAnalysis, readReportAssets, renderReportHtml, withAnalyses } from './reportPage';
import { renderFigures, type FigureResult } from './renderFigures';
import { makeFolder } from '../files/makeFolder';

/**
 * A report folder: index.html (self-contained, opens from disk), findings.json
 * (every figure the page shows, images aside) and figures/ (each chart as PNG
 * and SVG, when a headless Chromium is available).
 */
export interface WrittenReport {
  readonly folder: string;
  readonly indexFile: string;
  readonly findingsFile: string;
  readonly figures: FigureResult;
}

export interface WriteReportOptions {
  /** Render figures/ (default true); false skips the browser, e.g. where none may run. */
  readonly figures?: boolean;
}

export async function writeReport(
  folder: string,
  data: ReportData,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  await makeFolder(folder);
  const assets = await readReportAssets();
  const indexFile = join(folder, 'index.html');
  const findingsFile = join(folder, 'findings.json');
  await writeFileAtomic(indexFile, renderReportHtml(withAnalyses(data, pageAnalysis), assets));
  // encodeJson keeps NaN and ±Infinity; prettyJson lays it out for people (arrays of numbers on one line).
  await writeFileAtomic(findingsFile, prettyJson(JSON.parse(encodeJson(withAnalyses(data, findingsAnalysis)))));
  const figures: FigureResult =
    options.figures === false
      ? { kind: 'skipped', reason: 'figures were not asked for' }
      : await renderFigures(indexFile, join(folder, 'figures'));
  return { folder, indexFile, findingsFile, figures };
}
