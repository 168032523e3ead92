import { DEFAULT_ANALYSIS_OPTIONS, type AnalysisOptions } from '../core/analysis/options';
import { UsageError, type FlagSpec, type FlagValues } from './args';

const A = DEFAULT_ANALYSIS_OPTIONS;

/** Flags that set analysis options: shared by analyze and compare. */
export const ANALYSIS_OPTION_FLAGS = {
  'test-images': {
    type: 'integer',
    min: 10,
    max: 100000,
    default: A.testImages,
    description: 'test images reconstructed, taken round-robin over the classes',
  },
  noise: {
    type: 'list',
    valueName: 'δ,δ,…',
    default: `${A.noiseLevels[0].toExponential()} … ${A.noiseLevels[A.noiseLevels.length - 1]}, ${A.noiseLevels.length} values half a decade apart`,
    description: 'standard deviations δ of the Gaussian noise added to embeddings, e.g. 1e-6,1e-4,1e-2',
  },
  temperature: {
    type: 'number',
    min: 0,
    max: 100,
    valueName: 'T',
    default: A.temperature,
    description: "T of generated embeddings z ~ N(2a, T²), or a flow's prior at T",
  },
  'extra-temperatures': {
    type: 'list',
    valueName: 'T,T,…',
    default: A.extraTemperatures.join(','),
    description: 'further T the target is sampled at, e.g. 0.7,0.5; "none" for none',
  },
  samples: {
    type: 'integer',
    min: 1,
    max: 10000,
    default: A.samplesPerClass,
    description:
      'generated samples per class and set, for each seed, each scored by the classifier (100 for a figure to quote)',
  },
  seeds: {
    type: 'integer',
    min: 1,
    max: 100,
    default: A.generationSeeds,
    description: 'seeds each generated set is drawn with, for its spread over seeds (3 for a figure to quote)',
  },
  seed: { type: 'integer', min: 0, default: A.seed, description: 'seed of the noise and of the samples' },
  recompute: { type: 'boolean', description: 'ignore cached analyses and compute them again' },
} satisfies Record<string, FlagSpec>;

/** The options the flags ask for (unset flags keep the engine's defaults). */
export function analysisOptionsFromFlags(flags: FlagValues): Partial<AnalysisOptions> {
  const noise = flags.noise as string[] | undefined;
  return {
    testImages: flags['test-images'] as number | undefined,
    noiseLevels: noise?.map((v) => {
      const d = Number(v);
      if (!(Number.isFinite(d) && d > 0))
        throw new UsageError(`invalid --noise: ${JSON.stringify(v)} (expected positive numbers, e.g. 1e-6,1e-3)`);
      return d;
    }),
    temperature: flags.temperature as number | undefined,
    extraTemperatures: temperatureList(flags['extra-temperatures'] as string[] | undefined),
    samplesPerClass: flags.samples as number | undefined,
    generationSeeds: flags.seeds as number | undefined,
    seed: flags.seed as number | undefined,
  };
}

function temperatureList(values: string[] | undefined): number[] | undefined {
  if (!values) return undefined;
  if (values.length === 1 && values[0] === 'none') return [];
  return values.map((v) => {
    const t = Number(v);
    if (!(Number.isFinite(t) && t >= 0))
      throw new UsageError(`invalid --extra-temperatures: ${JSON.stringify(v)} (expected numbers ≥ 0, e.g. 0.7,0.5)`);
    return t;
  });
}
