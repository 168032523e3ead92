import { DEFAULT_DATA_SPEC } from '../data/loadData';
import type { DataSpec } from '../data/dataset';
import { InvertscopeError } from '../errors';
import { DEFAULT_TRAIN, type TrainConfig } from '../train/config';
import { recipe, RECIPE_NAMES, type RecipeName } from '../train/recipes';
import { FLOWGEN_NAME } from '../train/flowPresets';
import { validateTrainConfig } from '../train/validateConfig';

/**
 * What `invertscope reproduce` trains and analyses: the paper's three models
 * with its loss, the paper's Base shape as an exact-likelihood flow, and the
 * best flow preset, each with a checkpoint schedule across training.
 *
 * The paper's story is "reconstruction works early and breaks later", so the
 * default schedule checkpoints densely early (the initialized model, then
 * epochs 1, 2, 5, 10, 20, …: log-spaced) and stops where the story has been
 * told within ten minutes on two cores. `--paper` is the paper's own schedule:
 * checkpoints at 10, 50, 100 and 500 epochs.
 */
export type ScheduleName = 'default' | 'paper';

export interface PlannedRun {
  readonly recipe: RecipeName;
  /** How reports and tables name it, e.g. "Base" or "Base as a flow". */
  readonly label: string;
  /** Validated and complete, so a rerun finds this run by comparing configurations. */
  readonly config: TrainConfig;
  /** Checkpoints also analysed in full (their charts and grids are in the report); every checkpoint gets the light analysis. */
  readonly fullAnalysisEpochs: readonly number[];
}

export interface ReproducePlan {
  readonly schedule: ScheduleName;
  readonly runs: readonly PlannedRun[];
}

export interface PlanOptions {
  readonly schedule?: ScheduleName;
  /** A subset of RECIPE_NAMES, in any order (the plan keeps its own order). */
  readonly models?: readonly RecipeName[];
  /** Caps every run's epochs (checkpoints past it are dropped; it is checkpointed itself). A flow with 0 epochs stays at 0. */
  readonly maxEpochs?: number;
  /** Default: the embedded digits' default split. */
  readonly data?: DataSpec;
  readonly seed?: number;
}

interface Schedule {
  readonly epochs: number;
  readonly checkpoints: readonly number[];
}

/**
 * The default schedule, from throughput measured on a quiet 2-core machine
 * (README "Performance"; an epoch is 8,000 images):
 * - Base and NoAct train at ≈ 4,200 samples/s on the simd engine (≈ 2 s an
 *   epoch with the test evaluation): 30 epochs ≈ 1 min each;
 * - Small at ≈ 22,000 samples/s: 100 epochs ≈ 40 s, far enough for its κ to
 *   pass float32's 1/ε;
 * - the Base-shaped flow trains its recipe's 15 epochs on the SIMD flow engine
 *   that `auto` picks (5.2–6.4× tfjs-wasm's samples/s, measured back to back on
 *   the shared machine: ≈ 2,000 samples/s quiet, ≈ 5 s an epoch with the test
 *   evaluation); on tfjs-wasm alone (≈ 350 samples/s) those would take 6 min,
 *   and the time-left forecast says so;
 * - flow11 is its analytic initialization (0 epochs, ≈ 10 s); flowgen trains
 *   its 10 epochs on tfjs-wasm (≈ 20 s an epoch quiet, 4–6 min in all).
 * Light analyses of 30 checkpoints and full analyses of the first and last of
 * each run (≈ 10 s each for a 4-layer model) make up the rest of the budget.
 */
const DEFAULT_SCHEDULE: Record<RecipeName, Schedule> = {
  base: { epochs: 30, checkpoints: [0, 1, 2, 5, 10, 20, 30] },
  small: { epochs: 100, checkpoints: [0, 1, 2, 5, 10, 20, 50, 100] },
  noact: { epochs: 30, checkpoints: [0, 1, 2, 5, 10, 20, 30] },
  'base-flow': { epochs: 15, checkpoints: [0, 1, 2, 5, 10, 15] },
  flow11: { epochs: 0, checkpoints: [0] },
  flowgen: { epochs: 10, checkpoints: [0, 1, 2, 5, 10] },
};

/** The paper's checkpoints for its models; the flows keep their measured recipes, checkpointed log-spaced. */
const PAPER_CHECKPOINTS = [10, 50, 100, 500];

function paperSchedule(name: RecipeName): Schedule {
  const r = recipe(name);
  if (r.objective === 'seed') return { epochs: 500, checkpoints: PAPER_CHECKPOINTS };
  return { epochs: r.epochs, checkpoints: [0, 1, 2, 5, 10, 20, 50].filter((e) => e < r.epochs).concat(r.epochs) };
}

/**
 * The models reproduced unless told: all but flowgen, whose 10 epochs run on tfjs-wasm
 * (its diagonal and frozen layers; 4–6 min on the shared machine) and would take the
 * default schedule past its 10 minutes. Asked for by name, it is planned like the others.
 */
export const DEFAULT_REPRODUCE_MODELS: readonly RecipeName[] = RECIPE_NAMES.filter((name) => name !== FLOWGEN_NAME);

/**
 * The runs of a schedule, narrowed by `models` and `maxEpochs`.
 *
 * @example
 *   reproducePlan({ models: ['small'], maxEpochs: 5 }).runs[0].config.checkpointEpochs;  // [0, 1, 2, 5]
 */
export function reproducePlan(options: PlanOptions = {}): ReproducePlan {
  const schedule = options.schedule ?? 'default';
  const wanted = options.models ?? DEFAULT_REPRODUCE_MODELS;
  for (const name of wanted) {
    if (!RECIPE_NAMES.includes(name)) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `unknown model ${JSON.stringify(name)} (expected one of ${RECIPE_NAMES.join(', ')})`,
        { field: 'models', value: name },
      );
    }
  }
  if (options.maxEpochs !== undefined && !(Number.isInteger(options.maxEpochs) && options.maxEpochs >= 1)) {
    throw new InvertscopeError('BAD_INPUT', `epochs must be an integer ≥ 1, got ${options.maxEpochs}`, {
      field: 'epochs',
      value: options.maxEpochs,
    });
  }
  const runs = RECIPE_NAMES.filter((name) => wanted.includes(name)).map((name) => plannedRun(name, schedule, options));
  return { schedule, runs };
}

function plannedRun(name: RecipeName, schedule: ScheduleName, options: PlanOptions): PlannedRun {
  const r = recipe(name);
  const s = schedule === 'paper' ? paperSchedule(name) : DEFAULT_SCHEDULE[name];
  const epochs = options.maxEpochs === undefined ? s.epochs : Math.min(s.epochs, options.maxEpochs);
  const checkpoints = [...new Set([...s.checkpoints.filter((e) => e <= epochs), epochs])].sort((a, b) => a - b);
  const config = validateTrainConfig(
    {
      architecture: r.architecture,
      objective: r.objective,
      epochs,
      batchSize: r.batchSize ?? DEFAULT_TRAIN.batchSize,
      learningRate: r.learningRate ?? DEFAULT_TRAIN.learningRate,
      seed: options.seed ?? DEFAULT_TRAIN.seed,
      checkpointEpochs: checkpoints,
      data: options.data ?? DEFAULT_DATA_SPEC,
      backend: 'auto',
      dequantize: r.dequantize,
      ...(r.flow ? { flow: r.flow } : {}),
    },
    `reproduce ${name}`,
  );
  const full = [...new Set([checkpoints[0], checkpoints[checkpoints.length - 1]])];
  return { recipe: name, label: r.label, config, fullAnalysisEpochs: full };
}
