import { InvertscopeError } from '../errors';
import { stripUndefined } from '../stripUndefined';

/**
 * What an analysis measures and on how many images. Every field changes the
 * result, so all of them are part of the cache key (AnalysisCacheKey in analysisCache.ts).
 */
export interface AnalysisOptions {
  /** Standard deviations δ of the Gaussian noise added to embeddings (item: noise amplification). */
  readonly noiseLevels: readonly number[];
  /** Test images reconstructed and used for the output distribution, taken round-robin over the classes. */
  readonly testImages: number;
  /** Test images pushed through the noisy inverse at every δ (also round-robin over the classes). */
  readonly amplificationImages: number;
  /** Test images for the backward-stability check ‖f(f⁻¹(z)) − z‖ / ‖z‖. */
  readonly backwardImages: number;
  /** T in z ~ N(2a, T²·I) (a flow: its prior at T), and the factor on the empirical covariance's square root. */
  readonly temperature: number;
  /**
   * Further temperatures the target (the objective's own latent distribution)
   * is sampled at, so generation can be read as T falls (lower T trades
   * variety for typicality). Values equal to `temperature` are dropped.
   */
  readonly extraTemperatures: readonly number[];
  /** Generated samples per class, set and seed, all of them scored by the classifier. */
  readonly samplesPerClass: number;
  /**
   * How many times each generated set is drawn (seeds seed, seed + 1, …), so
   * an accuracy comes with its spread over seeds. A figure meant to be quoted
   * wants at least 3 seeds of at least 1,000 samples (100 per class):
   * QUOTED_GENERATION. The default is 1 seed of 32 per class because the
   * quoted settings cost 4.7× as much: on a Base checkpoint they took the
   * generation stage from 17.7 s to 83.5 s and the whole analysis from 54 s
   * to 114 s (one run each, on a loaded 2-core machine).
   */
  readonly generationSeeds: number;
  /** Of those, how many images per class the report keeps for the grids. */
  readonly imagesPerClass: number;
  /** Training images per class whose embeddings define the empirical class Gaussian. */
  readonly embeddingImagesPerClass: number;
  /** Reconstruction examples per class kept for the grid. */
  readonly examplesPerClass: number;
  /** Seed of every random draw of the analysis (noise, samples). */
  readonly seed: number;
}

/** δ = 1e-6 … 1e-1, half a decade apart (11 values). */
export const DEFAULT_NOISE_LEVELS: readonly number[] = Array.from({ length: 11 }, (_, i) =>
  Number((10 ** (-6 + i / 2)).toPrecision(2)),
);

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = {
  noiseLevels: DEFAULT_NOISE_LEVELS,
  testImages: 1000,
  amplificationImages: 100,
  backwardImages: 100,
  temperature: 1,
  extraTemperatures: [0.7, 0.5],
  samplesPerClass: 32,
  generationSeeds: 1,
  imagesPerClass: 8,
  embeddingImagesPerClass: 400,
  examplesPerClass: 2,
  seed: 0,
};

/**
 * The defaults with `partial` laid over them, checked: every count a positive
 * integer, every δ positive and finite (sorted ascending, duplicates removed),
 * the temperature finite and ≥ 0. Errors name the option and the value.
 *
 * @example
 *   resolveAnalysisOptions({ noiseLevels: [1e-2, 1e-4] }).noiseLevels;  // [1e-4, 1e-2]
 */
export function resolveAnalysisOptions(partial: Partial<AnalysisOptions> = {}): AnalysisOptions {
  const merged: AnalysisOptions = { ...DEFAULT_ANALYSIS_OPTIONS, ...stripUndefined(partial) };
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new InvertscopeError(
      'BAD_INPUT',
      `analysis option ${field} must be ${expected}, got ${JSON.stringify(value)}`,
      { field, value },
    );
  };
  const counts: Array<[keyof AnalysisOptions, number, number]> = [
    ['testImages', 10, 100000],
    ['amplificationImages', 1, 10000],
    ['backwardImages', 1, 10000],
    ['samplesPerClass', 1, 10000],
    ['generationSeeds', 1, 100],
    ['imagesPerClass', 0, 1000],
    ['embeddingImagesPerClass', 2, 100000],
    ['examplesPerClass', 0, 100],
  ];
  for (const [field, min, max] of counts) {
    const v = merged[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
      bad(field, v, `an integer in ${min}..${max}`);
  }
  if (!Number.isFinite(merged.seed)) bad('seed', merged.seed, 'a finite number');
  if (!(Number.isFinite(merged.temperature) && merged.temperature >= 0))
    bad('temperature', merged.temperature, 'a finite number ≥ 0');
  if (!Array.isArray(merged.noiseLevels) || merged.noiseLevels.length === 0 || merged.noiseLevels.length > 64) {
    bad('noiseLevels', merged.noiseLevels, 'a list of 1 to 64 positive numbers');
  }
  merged.noiseLevels.forEach((d, i) => {
    if (!(typeof d === 'number' && Number.isFinite(d) && d > 0))
      bad(`noiseLevels[${i}]`, d, 'a positive finite number');
  });
  const noiseLevels = [...new Set(merged.noiseLevels)].sort((a, b) => a - b);
  if (!Array.isArray(merged.extraTemperatures) || merged.extraTemperatures.length > 8)
    bad('extraTemperatures', merged.extraTemperatures, 'a list of at most 8 numbers ≥ 0');
  merged.extraTemperatures.forEach((t, i) => {
    if (!(typeof t === 'number' && Number.isFinite(t) && t >= 0))
      bad(`extraTemperatures[${i}]`, t, 'a finite number ≥ 0');
  });
  const extraTemperatures = [...new Set(merged.extraTemperatures)]
    .filter((t) => t !== merged.temperature)
    .sort((a, b) => b - a);
  return {
    ...merged,
    noiseLevels,
    extraTemperatures,
    imagesPerClass: Math.min(merged.imagesPerClass, merged.samplesPerClass),
  };
}
