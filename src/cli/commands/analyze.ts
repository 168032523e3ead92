import { relative } from 'node:path';
import {
  analyzeCheckpoint,
  RECOGNIZABLE_ACCURACY_SHARE,
  RECOGNIZABLE_PSNR,
  type CheckpointAnalysis,
  type ErrorStats,
  type PartialAnalysis,
} from '../../core/analysis';
import { describeCondition } from '../../core/analysis/jacobianCondition';
import { quoteAccuracy } from '../../core/analysis/quoteAccuracy';
import { median } from '../../core/analysis/stats/median';
import { ROUND_TRIPS, ROUND_TRIP_IDS } from '../../core/analysis/trajectoryTypes';
import { DIGIT_CLASSES, labelName } from '../../core/data/classNames';
import { prettyJson } from '../../core/store/jsonText';
import { ANALYSIS_OPTION_FLAGS, analysisOptionsFromFlags } from '../analysisFlags';
import { progressPrinter } from '../analysisProgress';
import { parseArgs, type FlagSpec } from '../args';
import { CHECKPOINT_ARGUMENT, CHECKPOINT_FLAGS, resolveCheckpointArgument } from '../checkpointArgument';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import { table } from '../format';
import { samplesPerSeed, setRole, sourceName } from '../generatedSets';
import { withInterrupt } from '../interrupt';
import { encodeJson } from '../../shared/jsonNumbers';
import { ProgressBar } from '../progressBar';
import { formatDuration, formatNumber, formatPercent } from '../../shared/formatNumber';

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
  examples: [
    'invertscope analyze 20261130-0512-small-3f9a --epoch 2',
    'invertscope analyze runs/20261130-0512-small-3f9a/checkpoints/epoch-0002.safetensors --json',
  ],
  async run(argv: readonly string[], ctx: CliContext): Promise<number> {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    const file = await resolveCheckpointArgument(positionals, flags, ctx);
    const options = analysisOptionsFromFlags(flags);
    const shown = relative(ctx.cwd, file) || file;
    const bar = new ProgressBar(ctx.stderr);
    // For people, the layers' spectra and κ are printed as soon as they are known; the rest follows at the end.
    let printedLayers = false;
    const onPartial = flags.json
      ? undefined
      : (partial: PartialAnalysis) => {
          if (printedLayers) return;
          printedLayers = true;
          bar.done();
          ctx.stdout.write(`${describeLayers(partial, shown, 'computing: the spectra first, the rest follows')}\n`);
        };
    const result = await withInterrupt(ctx, (signal) =>
      analyzeCheckpoint(
        { checkpoint: file, options, reuseCache: flags.recompute !== true },
        { signal, onProgress: progressPrinter(ctx, 'analysis', bar), onPartial },
      ),
    );
    for (const warning of result.warnings) ctx.stderr.write(`warning: ${warning}\n`);
    if (flags.json) {
      // Objects indented, arrays of numbers on one line: readable, and 5 MB rather than 11.
      ctx.stdout.write(prettyJson(JSON.parse(encodeJson(result.analysis))));
      return EXIT.ok;
    }
    const source = result.fromCache
      ? `cached in ${relative(ctx.cwd, result.cacheFile ?? '') || result.cacheFile}`
      : `computed in ${formatDuration(result.analysis.computeSeconds)}`;
    ctx.stdout.write(
      printedLayers
        ? `${describeFindings(result.analysis)}\n\n(${source})\n`
        : `${describeAnalysis(result.analysis, shown, source)}\n`,
    );
    return EXIT.ok;
  },
};

const VERDICT_TITLES: Record<CheckpointAnalysis['jacobian']['verdict'], string> = {
  invertible: 'INVERTIBLE IN FLOAT32',
  'float32-insufficient': 'FLOAT32 IS NOT ENOUGH',
  'non-invertible-float64': 'NOT INVERTIBLE, EVEN IN FLOAT64',
};

/** The analysis for people: layers, verdict, reconstruction, noise, distribution, generation. */
function describeAnalysis(a: CheckpointAnalysis, file: string, source: string): string {
  return `${describeLayers(a, file, source)}\n${describeFindings(a)}`;
}

/** The heading and the layer table: what an analysis knows first. */
function describeLayers(
  a: PartialAnalysis & Partial<Pick<CheckpointAnalysis, 'dataDescription' | 'classes'>>,
  file: string,
  source: string,
): string {
  const out: string[] = [];
  out.push(`${a.architectureName}, epoch ${a.epoch} · ${file} · ${source}`);
  if (a.dataDescription)
    out.push(`data: ${a.dataDescription}${a.classes && a.classes.dataset ? ` (${a.classes.dataset})` : ''}`);
  out.push(
    '',
    table(
      ['LAYER', 'TENSOR', 'LEAKYRELU', 'σMAX', 'σMIN', 'κ', 'LOG|DET|', 'STABLE RANK', 'LU F64/F32'],
      a.layers.map((l) => [
        String(l.index + 1),
        `${l.sequentialIndex}.weight`,
        l.activation ? 'yes' : 'no',
        formatNumber(l.sigmaMax),
        formatNumber(l.sigmaMin),
        formatNumber(l.cond),
        formatNumber(l.logAbsDet),
        formatNumber(l.stableRank),
        l.solvable ? `${luWord(l.solvable.float64)}/${luWord(l.solvable.float32)}` : '—',
      ]),
    ),
  );
  return out.join('\n');
}

/** Everything after the layer table: verdict, reconstruction, noise, density, distribution, generation. */
function describeFindings(a: CheckpointAnalysis): string {
  const out: string[] = [];
  const j = a.jacobian;
  out.push('', `VERDICT: ${VERDICT_TITLES[j.verdict]}`, wrap(j.verdictText, 100));
  out.push(
    `Jacobian at ${j.pointDescription}: σmax ${formatNumber(j.sigmaMax)}, σmin ${formatNumber(j.sigmaMin)}, κ ${describeCondition(j.cond, j.resolvable)}`,
  );

  const rec = a.reconstruction;
  const stats = (s: ErrorStats) => [
    formatNumber(s.meanAbsError),
    formatNumber(s.maxAbsError),
    formatNumber(s.psnr),
    formatPercent(s.brokenFraction),
  ];
  out.push(
    '',
    `Reconstruction of ${rec.imageCount} test images, per round trip x → f(x) → f⁻¹(f(x)) (PSNR: mean and median over images; broken: per-image MAE > ${rec.brokenThreshold})`,
  );
  const trips = rec.roundTrips;
  out.push(
    trips
      ? table(
          ['ROUND TRIP', 'MEAN |ERR|', 'MAX |ERR|', 'MEAN PSNR', 'MEDIAN PSNR', 'BROKEN'],
          ROUND_TRIP_IDS.map((id) => [
            trips[id].label,
            ...stats(trips[id]).slice(0, 3),
            formatNumber(trips[id].medianPsnr),
            formatPercent(trips[id].brokenFraction),
          ]),
        )
      : table(
          ['ROUND TRIP', 'MEAN |ERR|', 'MAX |ERR|', 'MEAN PSNR', 'BROKEN'],
          [
            [ROUND_TRIPS.float32.label, ...stats(rec.overall.float32)],
            [ROUND_TRIPS.mixed.label, ...stats(rec.overall.float64)],
          ],
        ),
  );

  out.push(
    '',
    `Noise δ added to embeddings, through each inverse (recognizable: mean PSNR ≥ ${RECOGNIZABLE_PSNR} dB and classifier ≥ ${RECOGNIZABLE_ACCURACY_SHARE * 100}% of its clean accuracy)`,
  );
  out.push(
    'GROWTH: error after the inverse ÷ injected noise at the smallest δ; PER IMAGE is the median over images, POOLED is over all their pixels at once',
  );
  out.push(
    table(
      ['INVERSE', 'IMAGES', 'RECOGNIZABLE UP TO δ', 'GROWTH PER IMAGE', 'GROWTH POOLED', 'WORST DIRECTION', 'BOUND ∏'],
      a.amplification.map((r) => {
        const first = r.points[0];
        const pooled = first
          ? (first.pooledGrowth ?? first.errorAfterStage[first.errorAfterStage.length - 1] / first.delta)
          : Number.NaN;
        return [
          `${r.precision}`,
          r.imageCount === undefined ? '—' : String(r.imageCount),
          r.recognizableUpTo === null ? 'none tested' : formatNumber(r.recognizableUpTo),
          first?.medianGrowth === undefined ? '—' : formatNumber(first.medianGrowth),
          formatNumber(pooled),
          formatNumber(r.worstCaseGrowth),
          formatNumber(r.totalBound),
        ];
      }),
    ),
  );
  out.push(
    "WORST DIRECTION: the smallest δ along the last layer's weakest singular direction, median over images; BOUND: ∏ of 1/σmin and 1/slope over the inverse's stages",
  );

  if (a.density) {
    const dn = a.density;
    out.push(
      '',
      `Density (a flow, ${dn.prior} prior): ${formatNumber(dn.testBitsPerDim)} bits/dim on the test split (the uniform density scores 8)`,
    );
    out.push(
      `  −log p(x') = ${formatNumber(dn.nll)} nats per image = latent ${formatNumber(dn.latentNll)} + (−log|det J|) ${formatNumber(dn.negLogDet)}; ${dn.description}`,
    );
  }

  const d = a.distribution.perClass;
  const classes = a.classes ?? DIGIT_CLASSES;
  out.push(
    '',
    `Outputs against the paper's target N(2a, 1), per ${classes.noun} a (KS 0 = a perfect match, 1 = disjoint)`,
  );
  if (classes.noun !== 'digit')
    out.push(
      `${classes.dataset ?? 'classes'}: ${d.map((c) => `${c.label} ${labelName(c.label, classes)}`).join(' · ')}`,
    );
  out.push(
    table(
      ['CLASS', ...d.map((c) => String(c.label))],
      [
        ['mean', ...d.map((c) => formatNumber(c.mean))],
        ['target', ...d.map((c) => String(2 * c.label))],
        ['std', ...d.map((c) => formatNumber(c.std))],
        ['KS', ...d.map((c) => formatNumber(c.ks, { digits: 2 }))],
      ],
    ),
  );

  const g = a.generation;
  const classCount = a.distribution.perClass.length;
  out.push(
    '',
    `Generation (the classifier${g.classifierData ? `, which learned ${g.classifierData},` : ''} reads ${formatPercent(g.classifierTestAccuracy)} of its own test images right; chance is ${formatPercent(1 / Math.max(1, classCount))})`,
  );
  out.push(
    table(
      ['SAMPLES', 'ROLE', 'INVERSE', 'T', 'READ AS INTENDED', 'MEDIAN DISTANCE TO NEAREST TRAINING IMAGE'],
      g.sets.map((s) => [
        sourceName(s),
        setRole(s),
        s.precision,
        String(s.temperature),
        quoteAccuracy(s.accuracy, s.seedAccuracies, samplesPerSeed(s)),
        formatNumber(median(s.perClass.map((c) => c.medianNearestDistance))),
      ]),
    ),
  );
  const control = g.sets.find((s) => setRole(s) === 'control');
  if (control)
    out.push(
      wrap(
        control.description ??
          "Control: the class Gaussian of training embeddings tests what a Gaussian fit to the data's own embeddings gives back; no claim about generation follows from it.",
        100,
      ),
    );
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
