// Training throughput of the simd engine against PyTorch on the same machine.
//
//   node out/bench/trainThroughput.js [--rounds 3] [--models base,small,noact] [--batches 64,256]
//        [--flow-batches 128] [--threads 1,2] [--long-steps 400] [--no-pytorch]
//
// First it reports process memory over a long run, which must stay flat. Then, for each
// model and batch size (the paper's loss), and for the Base-shaped flow at each flow batch
// size (the flow objective, bench/benchFlow.ts), it trains on seeded random data for a fixed
// number of steps after a warm-up, with 1 and 2 threads, and runs
// bench/pytorch/train_throughput.py the same way,
// alternating the two sides (ours, PyTorch, PyTorch, ours, ...) so that drift in a shared
// machine's load hits both. A measurement stops early, by the same rule on both sides, when
// the machine is too busy for its steps. The measuring functions are exported for other
// benchmarks.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { presetArchitecture, PRESET_NAMES, type PresetName } from '../src/core/model/architecture';
import { initParams } from '../src/core/model/params';
import { createRng } from '../src/core/random/rng';
import type { Objective } from '../src/core/train/config';
import type { TrainingEngine } from '../src/core/train/engine';
import { createSimdEngine } from '../src/core/train/simd/simdEngine';
import { benchFlowOptions } from './benchFlow';
import { answerHelpOrUnknownFlags } from './benchUsage';

export const PYTHON = '/usr/bin/python3';
export const PYTORCH_SCRIPT = join(__dirname, '..', '..', 'bench', 'pytorch', 'train_throughput.py');

export interface ThroughputRequest {
  /** 'seed' (default): the paper's loss on dense layers; 'flow': the bench flow of the model's shape. */
  readonly objective?: Objective;
  readonly model: PresetName;
  readonly batch: number;
  /** Timed steps, unless maxSeconds runs out first (after at least MIN_STEPS). */
  readonly steps: number;
  readonly warmup: number;
  readonly seed?: number;
  /** Stop timing early once this much time has passed; both sides follow the same rule. */
  readonly maxSeconds?: number;
}

export const MIN_STEPS = 5;

export interface ThroughputResult {
  readonly samplesPerSecond: number;
  readonly seconds: number;
  readonly steps: number;
}

const DATA_BATCHES = 4;

export interface Batches {
  readonly images: Float32Array[];
  readonly labels: Uint8Array[];
}

export function randomBatches(batch: number, width: number, seed: number): Batches {
  const rng = createRng(seed).fork('bench-data');
  return {
    images: Array.from({ length: DATA_BATCHES }, () =>
      Float32Array.from({ length: batch * width }, () => rng.uniform()),
    ),
    labels: Array.from({ length: DATA_BATCHES }, () => Uint8Array.from({ length: batch }, () => rng.int(10))),
  };
}

/** Trains up to `steps` steps, or fewer (at least MIN_STEPS) once `maxSeconds` have passed; returns the steps done. */
export async function trainSteps(
  engine: TrainingEngine,
  data: Batches,
  batch: number,
  steps: number,
  maxSeconds = Infinity,
): Promise<number> {
  const start = process.hrtime.bigint();
  let done = 0;
  while (done < steps) {
    const k = done % DATA_BATCHES;
    await engine.trainStep(data.images[k], data.labels[k], batch);
    done++;
    if (done >= MIN_STEPS && Number(process.hrtime.bigint() - start) / 1e9 > maxSeconds) break;
  }
  return done;
}

async function createBenchEngine(request: ThroughputRequest, threads: number): Promise<TrainingEngine> {
  if (request.objective === 'flow')
    return createSimdEngine(benchFlowOptions(request.model, request.batch, request.seed ?? 0), threads);
  const architecture = presetArchitecture(request.model);
  return createSimdEngine(
    {
      architecture,
      objective: 'seed',
      learningRate: 1e-3,
      maxBatchSize: request.batch,
      initialParams: initParams(architecture, createRng(request.seed ?? 0)),
    },
    threads,
  );
}

/** Samples per second of the simd engine on `threads` threads, timed after `warmup` steps. */
export async function measureSimdThroughput(request: ThroughputRequest, threads: number): Promise<ThroughputResult> {
  const engine = await createBenchEngine(request, threads);
  try {
    const data = randomBatches(request.batch, presetArchitecture(request.model).width, request.seed ?? 0);
    await trainSteps(engine, data, request.batch, request.warmup);
    const start = process.hrtime.bigint();
    const steps = await trainSteps(engine, data, request.batch, request.steps, request.maxSeconds);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { samplesPerSecond: (request.batch * steps) / seconds, seconds, steps };
  } finally {
    engine.dispose();
  }
}

export interface MemoryReport {
  readonly steps: number;
  /** Resident set size (bytes) after the warm-up, then after each quarter of the run. */
  readonly rss: readonly number[];
  readonly heapUsed: readonly number[];
  readonly samplesPerSecond: number;
}

// A full collection before each reading, when the runtime allows one, so that the numbers
// show live memory rather than garbage that happens not to have been collected yet.
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // Without a collector to call, readings include some garbage; the trend still shows.
  }
}

/**
 * Process memory across a long run: `steps` steps that mix full and partial batches and
 * evaluations, as epochs do. With every buffer allocated up front, RSS must stay flat.
 */
export async function measureMemoryFlatness(
  model: PresetName,
  batch: number,
  threads: number,
  steps: number,
  objective: Objective = 'seed',
): Promise<MemoryReport> {
  const request: ThroughputRequest = { objective, model, batch, steps, warmup: 20 };
  const engine = await createBenchEngine(request, threads);
  try {
    const data = randomBatches(batch, presetArchitecture(model).width, 0);
    const partial = Math.max(1, Math.floor(batch * 0.37));
    let step = 0;
    const run = async (count: number) => {
      for (let i = 0; i < count; i++, step++) {
        const k = step % DATA_BATCHES;
        if (step % 50 === 49) await engine.evaluate(data.images[k], data.labels[k], batch);
        await engine.trainStep(data.images[k], data.labels[k], step % 25 === 24 ? partial : batch);
      }
    };
    const rss: number[] = [];
    const heapUsed: number[] = [];
    const read = () => {
      collectGarbage();
      const usage = process.memoryUsage();
      rss.push(usage.rss);
      heapUsed.push(usage.heapUsed);
    };
    await run(request.warmup);
    read();
    const start = process.hrtime.bigint();
    for (let quarter = 1; quarter <= 4; quarter++) {
      await run(Math.round((steps * quarter) / 4) - Math.round((steps * (quarter - 1)) / 4));
      read();
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { steps, rss, heapUsed, samplesPerSecond: (batch * steps) / seconds };
  } finally {
    engine.dispose();
  }
}

/**
 * A long-lived `train_throughput.py --serve` process with a fixed thread count, so that
 * interleaved measurements do not pay for importing torch each time.
 */
export class PytorchReference {
  private constructor(
    readonly threads: number,
    readonly version: string,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    private readonly stderr: string[],
  ) {}

  /** Starts the reference, or returns the reason it cannot run here. */
  static async start(threads: number): Promise<PytorchReference | { unavailable: string }> {
    if (!existsSync(PYTHON)) return { unavailable: `${PYTHON} is missing` };
    if (!existsSync(PYTORCH_SCRIPT)) return { unavailable: `${PYTORCH_SCRIPT} is missing` };
    const child = spawn(PYTHON, [PYTORCH_SCRIPT, '--serve', '--threads', String(threads)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    const lines = createInterface({ input: child.stdout });
    const reference = new PytorchReference(threads, '', child, lines, stderr);
    const first = await reference.nextLine().catch((error: Error) => ({ error: error.message }));
    const hello = first as { ready?: boolean; torch?: string; error?: string };
    if (!hello.ready) {
      reference.close();
      return { unavailable: hello.error ?? `unexpected reply ${JSON.stringify(first)}` };
    }
    return new PytorchReference(threads, hello.torch ?? 'unknown', child, lines, stderr);
  }

  async measure(request: ThroughputRequest): Promise<ThroughputResult> {
    this.child.stdin.write(`${JSON.stringify({ ...request, seed: request.seed ?? 0 })}\n`);
    const reply = (await this.nextLine()) as { samplesPerSecond?: number; seconds?: number; steps?: number };
    if (typeof reply.samplesPerSecond !== 'number')
      throw new Error(`PyTorch reference: unexpected reply ${JSON.stringify(reply)}`);
    return {
      samplesPerSecond: reply.samplesPerSecond,
      seconds: reply.seconds ?? Number.NaN,
      steps: reply.steps ?? request.steps,
    };
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
    this.child.kill();
  }

  private nextLine(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        cleanup();
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`PyTorch reference printed ${line}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(
          new Error(
            `PyTorch reference exited (code ${code}): ${this.stderr.join('').trim().split('\n').slice(-3).join(' ')}`,
          ),
        );
      };
      const cleanup = () => {
        this.lines.off('line', onLine);
        this.child.off('exit', onExit);
      };
      this.lines.once('line', onLine);
      this.child.once('exit', onExit);
    });
  }
}

export interface BenchOptions {
  readonly rounds: number;
  readonly models: readonly PresetName[];
  readonly batches: readonly number[];
  /** Batch sizes of the Base-shaped flow (none: no flow rows). */
  readonly flowBatches: readonly number[];
  readonly threads: readonly number[];
  readonly pytorch: boolean;
  /** Steps of the memory run (0 skips it). */
  readonly longSteps: number;
}

export const DEFAULT_BENCH: BenchOptions = {
  rounds: 3,
  models: ['base', 'small', 'noact'],
  batches: [64, 256],
  flowBatches: [128],
  threads: [1, 2],
  pytorch: true,
  longSteps: 400,
};

/** Longest timed stretch of one measurement; a busy machine gets fewer steps rather than a longer run. */
export const MAX_SECONDS = 0.8;
/** The same for the flow, whose PyTorch steps (n³ products to assemble each W) are long. */
export const FLOW_MAX_SECONDS = 2;

/**
 * One measurement: the same work (samples × layers) for every configuration, about half a
 * second on an idle two-core machine, cut short after MAX_SECONDS. The warm-up is long
 * enough for V8 to optimize a fresh engine's worker code (ten steps were not).
 */
export function stepsFor(model: PresetName, batch: number, objective: Objective = 'seed'): ThroughputRequest {
  if (objective === 'flow') return { objective, model, batch, steps: 60, warmup: 20, maxSeconds: FLOW_MAX_SECONDS };
  const layers = presetArchitecture(model).layers.length;
  const steps = Math.max(10, Math.round((40 * 64 * 4) / (batch * layers)));
  return { objective, model, batch, steps, warmup: Math.max(20, Math.round(steps / 2)), maxSeconds: MAX_SECONDS };
}

export interface ConfigReport {
  readonly objective: Objective;
  readonly model: PresetName;
  readonly batch: number;
  readonly threads: number;
  readonly simd: number[];
  readonly pytorch: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const describeLoad = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export async function runTrainThroughputBench(
  options: BenchOptions = DEFAULT_BENCH,
  log: (line: string) => void = console.log,
): Promise<ConfigReport[]> {
  log(
    `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; load average ${describeLoad()}`,
  );
  // Memory first, while the process holds nothing else.
  if (options.longSteps > 0) {
    const threads = Math.max(...options.threads);
    const mem = await measureMemoryFlatness('base', 64, threads, options.longSteps);
    log(
      `memory over ${mem.steps} Base steps (batch 64 with partial batches and evaluations, ${threads} threads, ${mem.samplesPerSecond.toFixed(0)} samples/s):`,
    );
    log(
      `  rss after warm-up and each quarter: ${mem.rss.map(mib).join(' -> ')} MiB; JS heap ${mem.heapUsed.map(mib).join(' -> ')} MiB`,
    );
  }
  const references = new Map<number, PytorchReference>();
  if (options.pytorch) {
    for (const threads of options.threads) {
      const started = await PytorchReference.start(threads);
      if (started instanceof PytorchReference) {
        references.set(threads, started);
      } else {
        log(`PyTorch reference skipped (${threads} thread${threads === 1 ? '' : 's'}): ${started.unavailable}`);
      }
    }
    const any = references.values().next().value;
    if (any) log(`PyTorch ${any.version} from ${PYTHON}; OpenBLAS threads = torch threads`);
  }
  const reports: ConfigReport[] = [];
  for (const model of options.models) {
    for (const batch of options.batches) {
      for (const threads of options.threads)
        reports.push({ objective: 'seed', model, batch, threads, simd: [], pytorch: [] });
    }
  }
  for (const batch of options.flowBatches) {
    for (const threads of options.threads)
      reports.push({ objective: 'flow', model: 'base', batch, threads, simd: [], pytorch: [] });
  }
  try {
    for (let round = 1; round <= options.rounds; round++) {
      log(`round ${round}/${options.rounds}`);
      for (const report of reports) {
        const request = stepsFor(report.model, report.batch, report.objective);
        const reference = references.get(report.threads);
        const sides = [
          async () => report.simd.push((await measureSimdThroughput(request, report.threads)).samplesPerSecond),
          async () => reference && report.pytorch.push((await reference.measure(request)).samplesPerSecond),
        ];
        // Each side goes first in every other round; the pause lets the other side's
        // spinning threads go to sleep before measuring.
        for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
          await side();
          await pause(200);
        }
        const last = (values: number[]) => (values.length > 0 ? values[values.length - 1].toFixed(0) : '-');
        log(
          `  ${report.objective.padEnd(4)} ${report.model.padEnd(5)} batch ${String(report.batch).padStart(3)} ${report.threads} thr: simd ${last(report.simd)}  pytorch ${last(report.pytorch)} samples/s`,
        );
      }
    }
  } finally {
    for (const reference of references.values()) reference.close();
  }
  log('');
  log(`load average after the measurements: ${describeLoad()}`);
  log('samples/s (best and median of the rounds; ratio = simd / PyTorch at the same thread count)');
  log('loss  model  batch thr |  simd best  median | pytorch best  median | ratio best  median');
  for (const r of reports) {
    const pt = r.pytorch.length > 0;
    const cells = [
      r.objective.padEnd(5),
      r.model.padEnd(6),
      String(r.batch).padStart(5),
      String(r.threads).padStart(3),
      '|',
      Math.max(...r.simd)
        .toFixed(0)
        .padStart(10),
      median(r.simd).toFixed(0).padStart(7),
      '|',
      (pt ? Math.max(...r.pytorch).toFixed(0) : '-').padStart(12),
      (pt ? median(r.pytorch).toFixed(0) : '-').padStart(7),
      '|',
      (pt ? (Math.max(...r.simd) / Math.max(...r.pytorch)).toFixed(2) : '-').padStart(10),
      (pt ? (median(r.simd) / median(r.pytorch)).toFixed(2) : '-').padStart(7),
    ];
    log(cells.join(' '));
  }
  if (references.size > 0) {
    log('');
    log('each side at its best thread count (best of the rounds):');
    for (const best of bestThreadCounts(reports)) {
      log(
        `  ${best.objective.padEnd(4)} ${best.model.padEnd(5)} batch ${String(best.batch).padStart(3)}: simd ${best.simd.value.toFixed(0)} (${best.simd.threads} thr)  ` +
          `pytorch ${best.pytorch.value.toFixed(0)} (${best.pytorch.threads} thr)  ratio ${(best.simd.value / best.pytorch.value).toFixed(2)}`,
      );
    }
  }
  return reports;
}

export interface BestThreads {
  readonly objective: Objective;
  readonly model: PresetName;
  readonly batch: number;
  /** Each side's best of the rounds at its best thread count. */
  readonly simd: { readonly threads: number; readonly value: number };
  readonly pytorch: { readonly threads: number; readonly value: number };
}

/** Per objective, model and batch measured on both sides: each side at its best thread count. */
export function bestThreadCounts(reports: readonly ConfigReport[]): BestThreads[] {
  const keys = [...new Set(reports.map((r) => `${r.objective}/${r.model}/${r.batch}`))];
  return keys.flatMap((key) => {
    const mine = reports.filter((r) => `${r.objective}/${r.model}/${r.batch}` === key);
    const best = (pick: (r: ConfigReport) => number[]) =>
      mine
        .filter((r) => pick(r).length > 0)
        .map((r) => ({ threads: r.threads, value: Math.max(...pick(r)) }))
        .reduce<{ threads: number; value: number } | null>((a, b) => (a === null || b.value > a.value ? b : a), null);
    const simd = best((r) => r.simd),
      pytorch = best((r) => r.pytorch);
    return simd && pytorch
      ? [{ objective: mine[0].objective, model: mine[0].model, batch: mine[0].batch, simd, pytorch }]
      : [];
  });
}

function parseArgs(argv: string[]): BenchOptions {
  const options: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { ...DEFAULT_BENCH };
  const list = (flag: string, value: string | undefined) => {
    if (value === undefined) throw new Error(`trainThroughput: ${flag} needs a value`);
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  };
  const numbers = (flag: string, value: string | undefined) =>
    list(flag, value).map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) throw new Error(`trainThroughput: invalid ${flag}: ${s}`);
      return n;
    });
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--rounds':
        options.rounds = numbers(flag, argv[++i])[0];
        break;
      case '--batches':
        options.batches = numbers(flag, argv[++i]);
        break;
      case '--flow-batches':
        options.flowBatches = argv[i + 1] === 'none' ? (i++, []) : numbers(flag, argv[++i]);
        break;
      case '--threads':
        options.threads = numbers(flag, argv[++i]);
        break;
      case '--long-steps':
        options.longSteps = Number(argv[++i]);
        break;
      case '--no-pytorch':
        options.pytorch = false;
        break;
      case '--models': {
        const models = list(flag, argv[++i]);
        for (const m of models)
          if (!PRESET_NAMES.includes(m as PresetName)) throw new Error(`trainThroughput: invalid --models: ${m}`);
        options.models = models as PresetName[];
        break;
      }
      default:
        throw new Error(`trainThroughput: unknown argument ${flag}`);
    }
  }
  return options;
}

if (require.main === module) {
  answerHelpOrUnknownFlags(
    `
Training throughput of the simd engine against PyTorch on this machine, interleaved.

  node out/bench/trainThroughput.js [--rounds 3] [--models base,small,noact] [--batches 64,256]
       [--flow-batches 128] [--threads 1,2] [--long-steps 400] [--no-pytorch]
`,
    ['--rounds', '--models', '--batches', '--flow-batches', '--threads', '--long-steps', '--no-pytorch'],
  );
  runTrainThroughputBench(parseArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  });
}
