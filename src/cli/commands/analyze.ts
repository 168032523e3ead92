import { basename, join, relative, resolve } from 'node:path';
import {
  analyzeCheckpoint, DEFAULT_ANALYSIS_OPTIONS, RECOGNIZABLE_ACCURACY_SHARE, RECOGNIZABLE_PSNR, type AnalysisOptions, type AnalysisProgress,
  type CheckpointAnalysis, type ErrorStats, type GeneratedSet, type PartialAnalysis,
} from '../../core/analysis';
import { describeCondition } from '../../core/analysis/jacobianCondition';
import { quoteAccuracy } from '../../core/analysis/quoteAccuracy';
import { median } from '../../core/analysis/stats/median';
import { ROUND_TRIPS, ROUND_TRIP_IDS } from '../../core/analysis/trajectoryTypes';
import { DIGIT_CLASSES, labelName } from '../../core/data/classNames';
import { InvertscopeError } from '../../core/errors';
import { prettyJson } from '../../core/store/jsonText';
import { RunStore } from '../../core/store/runStore';
import { parseArgs, RUNS_FLAG, UsageError, type FlagSpec, type FlagValues } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table } from '../format';
import { ProgressBar } from '../progressBar';
import { formatDuration, formatNumber, formatPercent } from '../../shared/formatNumber';

/** Flags that say which checkpoint: shared by analyze, reconstruct and generate. */
export const CHECKPOINT_FLAGS = {
  epoch: { type: 'integer', min: 0, default: 'the latest checkpoint', description: 'with a run: the checkpoint of this epoch' },
  runs: { ...RUNS_FLAG, description: 'the runs folder a run id is looked up in' },
} satisfies Record<string, FlagSpec>;

/** The positional argument of analyze, reconstruct and generate, for --help. */
export const CHECKPOINT_ARGUMENT: readonly [string, string] = [
  '<checkpoint>', 'a .safetensors checkpoint file, or a run (an id, a unique prefix of one, or a run folder) with --epoch or its latest checkpoint',
];

const A = DEFAULT_ANALYSIS_OPTIONS;

/** Flags that set analysis options: shared by analyze and compare. */
export const ANALYSIS_OPTION_FLAGS = {
  'test-images': { type: 'integer', min: 10, max: 100000, default: A.testImages, description: 'test images reconstructed, taken round-robin over the classes' },
  noise: { type: 'list', valueName: 'δ,δ,…', default: `${A.noiseLevels[0].toExponential()} … ${A.noiseLevels[A.noiseLevels.length - 1]}, ${A.noiseLevels.length} values half a decade apart`, description: 'standard deviations δ of the Gaussian noise added to embeddings, e.g. 1e-6,1e-4,1e-2' },
  temperature: { type: 'number', min: 0, max: 100, valueName: 'T', default: A.temperature, description: "T of generated embeddings z ~ N(2a, T²), or a flow's prior at T" },
  'extra-temperatures': { type: 'list', valueName: 'T,T,…', default: A.extraTemperatures.join(','), description: 'further T the target is sampled at, e.g. 0.7,0.5; "none" for none' },
  samples: { type: 'integer', min: 1, max: 10000, default: A.samplesPerClass, description: 'generated samples per class and set, for each seed, each scored by the classifier (100 for a figure to quote)' },
  seeds: { type: 'integer', min: 1, max: 100, default: A.generationSeeds, description: 'seeds each generated set is drawn with, for its spread over seeds (3 for a figure to quote)' },
  seed: { type: 'integer', min: 0, default: A.seed, description: 'seed of the noise and of the samples' },
  recompute: { type: 'boolean', description: 'ignore cached analyses and compute them again' },
} satisfies Record<string, FlagSpec>;

const FLAGS = {
  ...CHECKPOINT_FLAGS,
  ...ANALYSIS_OPTION_FLAGS,
  json: { type: 'boolean', description: 'print the whole analysis (CheckpointAnalysis) as JSON' },
} satisfies Record<string, FlagSpec>;

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'analyse a checkpoint: layer spectra, the three round trips, noise, generation',
  usage: 'invertscope analyze <checkpoint> [options]',
  flags: FLAGS,
  arguments: [CHECKPOINT_ARGUMENT],
  examples: ['invertscope analyze 20261130-0512-small-3f9a --epoch 2', 'invertscope analyze runs/20261130-0512-small-3f9a/checkpoints/epoch-0002.safetensors --json'],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    const file = await resolveCheckpointArgument(positionals, flags, ctx);
    const options = analysisOptionsFromFlags(flags);
    const shown = relative(ctx.cwd, file) || file;
    const bar = new ProgressBar(ctx.stderr);
    // For people, the layers' spectra and κ are printed as soon as they are known; the rest follows at the end.
    let printedLayers = false;
    const onPartial = flags.json ? undefined : (partial: PartialAnalysis) => {
      if (printedLayers) return;
      printedLayers = true;
      bar.done();
      ctx.stdout.write(`${describeLayers(partial, shown, 'computing: the spectra first, the rest follows')}\n`);
    };
    const result = await withInterrupt(ctx, (signal) => analyzeCheckpoint(
      { checkpoint: file, options, reuseCache: flags.recompute !== true },
      { signal, onProgress: progressPrinter(ctx, 'analysis', bar), onPartial },
    ));
    for (const warning of result.warnings) ctx.stderr.write(`warning: ${warning}\n`);
    if (flags.json) {
      // Objects indented, arrays of numbers on one line: readable, and 5 MB rather than 11.
      ctx.stdout.write(prettyJson(JSON.parse(JSON.stringify(result.analysis, jsonNumbers))));
      return EXIT.ok;
    }
    const source = result.fromCache ? `cached in ${relative(ctx.cwd, result.cacheFile ?? '') || result.cacheFile}` : `computed in ${formatDuration(result.analysis.computeSeconds)}`;
    ctx.stdout.write(printedLayers ? `${describeFindings(result.analysis)}\n\n(${source})\n` : `${describeAnalysis(result.analysis, shown, source)}\n`);
    return EXIT.ok;
  },
};

/** JSON.stringify replacer: NaN and ±Infinity as strings, so they are not silently printed as null. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** The options the flags ask for (unset flags keep the engine's defaults). */
export function analysisOptionsFromFlags(flags: FlagValues): Partial<AnalysisOptions> {
  const noise = flags.noise as string[] | undefined;
  return {
    testImages: flags['test-images'] as number | undefined,
    noiseLevels: noise?.map((v) => {
      const d = Number(v);
      if (!(Number.isFinite(d) && d > 0)) throw new UsageError(`invalid --noise: ${JSON.stringify(v)} (expected positive numbers, e.g. 1e-6,1e-3)`);
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
    if (!(Number.isFinite(t) && t >= 0)) throw new UsageError(`invalid --extra-temperatures: ${JSON.stringify(v)} (expected numbers ≥ 0, e.g. 0.7,0.5)`);
    return t;
  });
}

/** What a generated set sampled, in the words of the tables. */
export function sourceName(set: Pick<GeneratedSet, 'source' | 'prior'>): string {
  if (set.source === 'empirical') return 'class Gaussian';
  return set.prior === 'class' ? 'prior N(μa, T²σa²)' : 'N(2a, T²)';
}

/** 'generator' for samples of the objective's own target, 'control' for the class Gaussian of training embeddings. */
export function setRole(set: Pick<GeneratedSet, 'source' | 'role'>): 'generator' | 'control' {
  return set.role ?? (set.source === 'empirical' ? 'control' : 'generator');
}

/** Samples scored per seed of a set (all of them, in an analysis from before seeds were recorded). */
export function samplesPerSeed(set: Pick<GeneratedSet, 'samplesPerSeed' | 'perClass'>): number {
  return set.samplesPerSeed ?? set.perClass.reduce((sum, c) => sum + (c.sampleCount ?? c.images.length), 0);
}

/**
 * The checkpoint file a command names: a .safetensors path as is, or a run (id,
 * unique id prefix or folder) and --epoch (default: its latest checkpoint).
 */
export async function resolveCheckpointArgument(positionals: readonly string[], flags: FlagValues, ctx: CliContext): Promise<string> {
  if (positionals.length !== 1) throw new UsageError('give exactly one checkpoint: a .safetensors file, or a run id (with --epoch N)');
  const ref = positionals[0];
  const epoch = flags.epoch as number | undefined;
  if (/\.safetensors$/i.test(ref)) {
    if (epoch !== undefined) throw new UsageError('--epoch picks a checkpoint of a run; it cannot be used with a .safetensors file');
    return resolve(ctx.cwd, ref);
  }
  const base = new RunStore(resolve(ctx.cwd, (flags.runs as string | undefined) ?? 'runs'));
  const { store, id, folder } = await base.resolveRun(ref, { cwd: ctx.cwd });
  const run = await store.readRun(id);
  const entry = epoch === undefined ? run.checkpoints[run.checkpoints.length - 1] : run.checkpoints.find((c) => c.epoch === epoch);
  if (!entry) {
    const have = run.checkpoints.map((c) => c.epoch).join(', ') || 'none';
    throw new InvertscopeError('NOT_FOUND', `run ${id} has no checkpoint${epoch === undefined ? '' : ` for epoch ${epoch}`} (checkpoints: ${have})`, { field: 'epoch', value: epoch });
  }
  return join(folder, entry.file);
}

/** Runs `body` with a signal that Ctrl-C aborts. */
/**
 * The default name, before its suffix, of what reconstruct and generate write for
 * a checkpoint: `<run>-epoch-NNNN` inside a run, else the file's own name.
 */
export function checkpointOutputStem(file: string, runId: string | null, epoch: number): string {
  return runId !== null ? `${runId}-epoch-${String(epoch).padStart(4, '0')}` : basename(file).replace(/\.safetensors$/i, '');
}

export async function withInterrupt<T>(ctx: CliContext, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const remove = ctx.onInterrupt(() => controller.abort());
  try {
    return await body(controller.signal);
  } finally {
    remove();
  }
}

/**
 * Progress on stderr: a line when a stage starts, and a bar on a terminal for
 * the whole analysis (`scope` 'analysis') or for the stage running ('stage').
 */
export function progressPrinter(ctx: CliContext, scope: 'analysis' | 'stage' = 'analysis', bar = new ProgressBar(ctx.stderr)): (p: AnalysisProgress) => void {
  let stage = '';
  return (p) => {
    if (p.stage !== stage) {
      stage = p.stage;
      bar.log(`· ${p.message}`);
    }
    const fraction = scope === 'analysis' ? p.fraction : p.stageFraction;
    bar.update(fraction, p.message);
    if (fraction >= 1) bar.done();
  };
}

const VERDICT_TITLES: Record<CheckpointAnalysis['jacobian']['verdict'], string> = {
  'invertible': 'INVERTIBLE IN FLOAT32',
  'float32-insufficient': 'FLOAT32 IS NOT ENOUGH',
  'non-invertible-float64': 'NOT INVERTIBLE, EVEN IN FLOAT64',
};


/** The analysis for people: layers, verdict, reconstruction, noise, distribution, generation. */
export function describeAnalysis(a: CheckpointAnalysis, file: string, source: string): string {
  return `${describeLayers(a, file, source)}\n${describeFindings(a)}`;
}

/** The heading and the layer table: what an analysis knows first. */
function describeLayers(a: PartialAnalysis & Partial<Pick<CheckpointAnalysis, 'dataDescription' | 'classes'>>, file: string, source: string): string {
  const out: string[] = [];
  out.push(`${a.architectureName}, epoch ${a.epoch} · ${file} · ${source}`);
  if (a.dataDescription) out.push(`data: ${a.dataDescription}${a.classes && a.classes.dataset ? ` (${a.classes.dataset})` : ''}`);
  out.push('', table(
    ['LAYER', 'TENSOR', 'LEAKYRELU', 'σMAX', 'σMIN', 'κ', 'LOG|DET|', 'STABLE RANK', 'LU F64/F32'],
    a.layers.map((l) => [
      String(l.index + 1), `${l.sequentialIndex}.weight`, l.activation ? 'yes' : 'no', formatNumber(l.sigmaMax), formatNumber(l.sigmaMin), formatNumber(l.cond),
      formatNumber(l.logAbsDet), formatNumber(l.stableRank), l.solvable ? `${luWord(l.solvable.float64)}/${luWord(l.solvable.float32)}` : '—',
    ]),
  ));
  return out.join('\n');
}

/** Everything after the layer table: verdict, reconstruction, noise, density, distribution, generation. */
function describeFindings(a: CheckpointAnalysis): string {
  const out: string[] = [];
  const j = a.jacobian;
  out.push('', `VERDICT: ${VERDICT_TITLES[j.verdict]}`, wrap(j.verdictText, 100));
  out.push(`Jacobian at ${j.pointDescription}: σmax ${formatNumber(j.sigmaMax)}, σmin ${formatNumber(j.sigmaMin)}, κ ${describeCondition(j.cond, j.resolvable)}`);

  const rec = a.reconstruction;
  const stats = (s: ErrorStats) => [formatNumber(s.meanAbsError), formatNumber(s.maxAbsError), formatNumber(s.psnr), formatPercent(s.brokenFraction)];
  out.push('', `Reconstruction of ${rec.imageCount} test images, per round trip x → f(x) → f⁻¹(f(x)) (PSNR: mean and median over images; broken: per-image MAE > ${rec.brokenThreshold})`);
  const trips = rec.roundTrips;
  out.push(trips
    ? table(['ROUND TRIP', 'MEAN |ERR|', 'MAX |ERR|', 'MEAN PSNR', 'MEDIAN PSNR', 'BROKEN'], ROUND_TRIP_IDS.map((id) => [
      trips[id].label, ...stats(trips[id]).slice(0, 3), formatNumber(trips[id].medianPsnr), formatPercent(trips[id].brokenFraction),
    ]))
    : table(['ROUND TRIP', 'MEAN |ERR|', 'MAX |ERR|', 'MEAN PSNR', 'BROKEN'], [
      [ROUND_TRIPS.float32.label, ...stats(rec.overall.float32)],
      [ROUND_TRIPS.mixed.label, ...stats(rec.overall.float64)],
    ]));

  out.push('', `Noise δ added to embeddings, through each inverse (recognizable: mean PSNR ≥ ${RECOGNIZABLE_PSNR} dB and classifier ≥ ${RECOGNIZABLE_ACCURACY_SHARE * 100}% of its clean accuracy)`);
  out.push('GROWTH: error after the inverse ÷ injected noise at the smallest δ; PER IMAGE is the median over images, POOLED is over all their pixels at once');
  out.push(table(['INVERSE', 'IMAGES', 'RECOGNIZABLE UP TO δ', 'GROWTH PER IMAGE', 'GROWTH POOLED', 'WORST DIRECTION', 'BOUND ∏'], a.amplification.map((r) => {
    const first = r.points[0];
    const pooled = first ? first.pooledGrowth ?? first.errorAfterStage[first.errorAfterStage.length - 1] / first.delta : Number.NaN;
    return [
      `${r.precision}`, r.imageCount === undefined ? '—' : String(r.imageCount), r.recognizableUpTo === null ? 'none tested' : formatNumber(r.recognizableUpTo),
      first?.medianGrowth === undefined ? '—' : formatNumber(first.medianGrowth), formatNumber(pooled), formatNumber(r.worstCaseGrowth), formatNumber(r.totalBound),
    ];
  })));
  out.push('WORST DIRECTION: the smallest δ along the last layer\'s weakest singular direction, median over images; BOUND: ∏ of 1/σmin and 1/slope over the inverse\'s stages');

  if (a.density) {
    const dn = a.density;
    out.push('', `Density (a flow, ${dn.prior} prior): ${formatNumber(dn.testBitsPerDim)} bits/dim on the test split (the uniform density scores 8)`);
    out.push(`  −log p(x') = ${formatNumber(dn.nll)} nats per image = latent ${formatNumber(dn.latentNll)} + (−log|det J|) ${formatNumber(dn.negLogDet)}; ${dn.description}`);
  }

  const d = a.distribution.perClass;
  const classes = a.classes ?? DIGIT_CLASSES;
  out.push('', `Outputs against the paper's target N(2a, 1), per ${classes.noun} a (KS 0 = a perfect match, 1 = disjoint)`);
  if (classes.noun !== 'digit') out.push(`${classes.dataset ?? 'classes'}: ${d.map((c) => `${c.label} ${labelName(c.label, classes)}`).join(' · ')}`);
  out.push(table(['CLASS', ...d.map((c) => String(c.label))], [
    ['mean', ...d.map((c) => formatNumber(c.mean))],
    ['target', ...d.map((c) => String(2 * c.label))],
    ['std', ...d.map((c) => formatNumber(c.std))],
    ['KS', ...d.map((c) => formatNumber(c.ks, { digits: 2 }))],
  ]));

  const g = a.generation;
  const classCount = a.distribution.perClass.length;
  out.push('', `Generation (the classifier${g.classifierData ? `, which learned ${g.classifierData},` : ''} reads ${formatPercent(g.classifierTestAccuracy)} of its own test images right; chance is ${formatPercent(1 / Math.max(1, classCount))})`);
  out.push(table(['SAMPLES', 'ROLE', 'INVERSE', 'T', 'READ AS INTENDED', 'MEDIAN DISTANCE TO NEAREST TRAINING IMAGE'], g.sets.map((s) => [
    sourceName(s), setRole(s), s.precision, String(s.temperature), quoteAccuracy(s.accuracy, s.seedAccuracies, samplesPerSeed(s)),
    formatNumber(median(s.perClass.map((c) => c.medianNearestDistance))),
  ])));
  const control = g.sets.find((s) => setRole(s) === 'control');
  if (control) out.push(wrap(control.description ?? 'Control: the class Gaussian of training embeddings tests what a Gaussian fit to the data\'s own embeddings gives back; no claim about generation follows from it.', 100));
  return out.join('\n');
}

function luWord(status: 'invertible' | 'numerically-singular' | 'singular'): string {
  return status === 'invertible' ? 'ok' : status === 'singular' ? 'SINGULAR' : 'near-singular';
}

/** Breaks a paragraph into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines.join('\n');
}
