import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ClassifierSettings } from './classifier/digitClassifier';
import { CLASSIFIER_SETTINGS } from './classifier/digitClassifier';
import { encodeJson, parseAnalysis } from './analysisJson';
import { DEFAULT_ANALYSIS_OPTIONS, type AnalysisOptions } from './options';
import type { CheckpointAnalysis } from './types';
import { writeFileAtomic } from '../store/atomicWrite';

/** CheckpointAnalysis.formatVersion of what this engine writes. */
export const ANALYSIS_FORMAT_VERSION = 1;
/**
 * Bumped when the engine computes anything differently, so caches from before
 * are recomputed. 2: flow checkpoints sample their own prior and report their
 * test likelihood; the target is also sampled at extraTemperatures.
 */
const ENGINE_REVISION = 2;
const CACHE_KIND = 'invertscope-analysis';

/** What an analysis depends on: a cache entry is valid only for an equal key. */
export interface AnalysisCacheKey {
  readonly checkpointSha256: string;
  readonly options: AnalysisOptions;
  /** The digit classifier's training settings (its scores are in the analysis). */
  readonly classifier: ClassifierSettings;
}

/** Everything in the key but the checkpoint, as one canonical string (option names sorted). */
function settingsText(options: AnalysisOptions, classifier: ClassifierSettings): string {
  const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ engine: ENGINE_REVISION, format: ANALYSIS_FORMAT_VERSION, classifier: sorted(classifier), options: sorted(options) });
}

function keyText(key: AnalysisCacheKey): string {
  return JSON.stringify({ sha256: key.checkpointSha256, settings: settingsText(key.options, key.classifier) });
}

/**
 * The cache file of an analysis, next to its checkpoint:
 * checkpoints/epoch-0010.safetensors has checkpoints/epoch-0010.analysis.json
 * for the default options, and epoch-0010.analysis-<8 hex digits>.json for
 * others, so analyses with different options do not evict each other.
 *
 * @example
 *   analysisCachePath('/runs/r/checkpoints/epoch-0010.safetensors');  // '/runs/r/checkpoints/epoch-0010.analysis.json'
 */
export function analysisCachePath(checkpointFile: string, options: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS, classifier: ClassifierSettings = CLASSIFIER_SETTINGS): string {
  const stem = checkpointFile.replace(/\.safetensors$/i, '');
  const settings = settingsText(options, classifier);
  if (settings === settingsText(DEFAULT_ANALYSIS_OPTIONS, CLASSIFIER_SETTINGS)) return `${stem}.analysis.json`;
  return `${stem}.analysis-${createHash('sha256').update(settings).digest('hex').slice(0, 8)}.json`;
}

/**
 * The cached analysis for `key`, or null when there is none or it cannot be
 * trusted: unreadable, truncated or malformed JSON, another kind of file, a
 * different key (the checkpoint changed, or other options), or a field of the
 * wrong type or shape. Never throws for a bad file: the caller recomputes and
 * overwrites it.
 *
 * @example
 *   const cached = await readAnalysisCache(file, { checkpointSha256, options, classifier: CLASSIFIER_SETTINGS });
 */
export async function readAnalysisCache(checkpointFile: string, key: AnalysisCacheKey): Promise<CheckpointAnalysis | null> {
  const entry = await readEntry(analysisCachePath(checkpointFile, key.options, key.classifier));
  if (!entry || entry.key !== keyText(key) || entry.analysis.checkpointSha256 !== key.checkpointSha256) return null;
  return entry.analysis;
}

/**
 * The most recently computed valid analysis of this checkpoint (same SHA-256,
 * this engine), whatever options it was computed with; null when there is
 * none. For views that show what is known without asking for particular options.
 *
 * @example
 *   const any = await readAnyAnalysisCache(file, checkpointSha256);
 */
export async function readAnyAnalysisCache(checkpointFile: string, checkpointSha256: string): Promise<CheckpointAnalysis | null> {
  const folder = dirname(checkpointFile);
  const stem = basename(checkpointFile).replace(/\.safetensors$/i, '');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return null;
  }
  let best: { analysis: CheckpointAnalysis; mtime: number } | null = null;
  for (const name of names.filter((n) => n.startsWith(`${stem}.analysis`) && n.endsWith('.json'))) {
    const file = join(folder, name);
    const entry = await readEntry(file);
    if (!entry || entry.analysis.checkpointSha256 !== checkpointSha256) continue;
    const mtime = (await stat(file).catch(() => null))?.mtimeMs ?? 0;
    if (!best || mtime > best.mtime) best = { analysis: entry.analysis, mtime };
  }
  return best?.analysis ?? null;
}

/** A cache file's key and analysis when the file is whole, of this engine, and has a valid analysis; null otherwise. */
async function readEntry(file: string): Promise<{ key: string; analysis: CheckpointAnalysis } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const raw = JSON.parse(text) as { kind?: unknown; key?: unknown; analysis?: unknown };
    if (typeof raw !== 'object' || raw === null || raw.kind !== CACHE_KIND || typeof raw.key !== 'string') return null;
    const settings = JSON.parse((JSON.parse(raw.key) as { settings: string }).settings) as { engine?: unknown; format?: unknown };
    if (settings.engine !== ENGINE_REVISION || settings.format !== ANALYSIS_FORMAT_VERSION) return null;
    const analysis = parseAnalysis(raw.analysis, file);
    return analysis.formatVersion === ANALYSIS_FORMAT_VERSION ? { key: raw.key, analysis } : null;
  } catch {
    return null;
  }
}

/** Writes the cache entry atomically (a reader sees the old file or the new one); returns its path. */
export async function writeAnalysisCache(checkpointFile: string, key: AnalysisCacheKey, analysis: CheckpointAnalysis): Promise<string> {
  const file = analysisCachePath(checkpointFile, key.options, key.classifier);
  await writeFileAtomic(file, `${encodeJson({ kind: CACHE_KIND, key: keyText(key), analysis })}\n`);
  return file;
}
