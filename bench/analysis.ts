// The full and the light analysis of a Base checkpoint, against a PyTorch/numpy
// implementation of the same analyses (bench/pytorch/analysis_reference.py) on the same
// images, alternated round by round so both see the same machine load; then the memory
// of one process analysing several checkpoints in turn.
//
//   node out/bench/analysis.js [--rounds 5] [--memory-checkpoints 6] [--python /usr/bin/python3] [--record file.json]
//
// Ours is timed end to end as a person waits for it (analyzeCheckpoint and
// lightAnalyzeCheckpoint without their caches: read the checkpoint, analyse, write the
// cache file), with the digit classifier already cached, as on any machine after the
// first analysis. The reference is timed from tensors already in memory, at 1 and 2
// threads; the ratio uses its faster median. The images are those the analysis picks
// for a checkpoint outside a run: the embedded digits' default split.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeCheckpoint, readAnyCachedAnalysis, type AnalysisStage } from '../src/core/analysis';
import { balancedSelection, selectRows } from '../src/core/analysis/balancedSelection';
import { analysisData } from '../src/core/analysis/checkpointData';
import { NEAREST_REFERENCE_IMAGES } from '../src/core/analysis/nearestReference';
import { classifierFolders, defaultClassifier } from '../src/core/analysis/defaultClassifier';
import { lightAnalyzeCheckpoint, resolveLightOptions } from '../src/core/analysis/lightCheckpoint';
import type { LightStage } from '../src/core/analysis/lightAnalysis';
import { resolveAnalysisOptions } from '../src/core/analysis/options';
import { CLASSIFIER_SETTINGS } from '../src/core/analysis/classifier/digitClassifier';
import { kernelMemory } from '../src/core/linalg/linalgKernels';
import { kernelThreadCount } from '../src/core/linalg/kernelThreads';
import { presetArchitecture } from '../src/core/model/architecture';
import { initParams } from '../src/core/model/params';
import { createRng } from '../src/core/random/rng';
import { readCheckpoint, writeCheckpoint } from '../src/core/store/checkpoint';
import { PythonServer } from './pythonServer';
import { answerHelpOrUnknownFlags } from './benchUsage';

const ROOT = join(__dirname, '..', '..');
const REFERENCE = join(ROOT, 'bench', 'pytorch', 'analysis_reference.py');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seconds = (s: number) => `${s.toFixed(3)} s`;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function writeBaseCheckpoint(file: string, seed: number): Promise<void> {
  const architecture = presetArchitecture('base');
  await writeCheckpoint(file, {
    architecture,
    params: initParams(architecture, createRng(seed)),
    training: {
      epoch: 0,
      globalStep: 0,
      objective: 'seed',
      seed,
      trainLoss: Number.NaN,
      testLoss: Number.NaN,
      createdAt: new Date().toISOString(),
      invertscopeVersion: '0.1.0',
    },
  });
}

interface Timed<S extends string> {
  readonly seconds: number;
  /** CPU time of this process, all threads: less sensitive to other work on the machine than wall time. */
  readonly cpuSeconds: number;
  readonly stages: Partial<Record<S, number>>;
  /** When the first results (the layers' spectra and κ) were sent, in seconds from the start. */
  readonly firstSeconds?: number;
}

/** Seconds of each stage from the progress reports' stage changes. */
function stageClock<S extends string>(): { onStage(stage: S): void; onFirst(): void; finish(): Timed<S> } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const stages: Partial<Record<S, number>> = {};
  let current: S | null = null;
  let since = started;
  let firstSeconds: number | undefined;
  return {
    onFirst() {
      firstSeconds ??= (performance.now() - started) / 1000;
    },
    onStage(stage) {
      if (stage === current) return;
      const now = performance.now();
      if (current) stages[current] = (stages[current] ?? 0) + (now - since) / 1000;
      current = stage;
      since = now;
    },
    finish() {
      const now = performance.now();
      if (current) stages[current] = (stages[current] ?? 0) + (now - since) / 1000;
      const used = process.cpuUsage(cpu);
      return {
        seconds: (now - started) / 1000,
        cpuSeconds: (used.user + used.system) / 1e6,
        stages,
        ...(firstSeconds === undefined ? {} : { firstSeconds }),
      };
    },
  };
}

async function oursFull(checkpoint: string): Promise<Timed<AnalysisStage>> {
  const clock = stageClock<AnalysisStage>();
  await analyzeCheckpoint(
    { checkpoint, reuseCache: false },
    { onProgress: (p) => clock.onStage(p.stage), onPartial: () => clock.onFirst() },
  );
  return clock.finish();
}

async function oursLight(checkpoint: string): Promise<Timed<LightStage>> {
  const clock = stageClock<LightStage>();
  await lightAnalyzeCheckpoint({ checkpoint, reuseCache: false }, (p) => clock.onStage(p.stage));
  return clock.finish();
}

/**
 * What the 0.5 s target names (spectra, κ of the Jacobian, the three round trips), as a light
 * analysis without its noise and generation figures, end to end. Its stage times would not do:
 * the singular values run beside the later stages, so each stage's time holds some of them.
 */
async function oursLightCore(checkpoint: string): Promise<number> {
  const started = performance.now();
  await lightAnalyzeCheckpoint({ checkpoint, reuseCache: false, options: { noise: false, generation: false } });
  return (performance.now() - started) / 1000;
}

/** The reference's inputs: the checkpoint's tensors, the images the analyses pick, the classifier. */
async function writeReferenceInputs(folder: string, checkpointFile: string): Promise<void> {
  const checkpoint = await readCheckpoint(checkpointFile, { optimizer: 'skip' });
  const { split } = await analysisData(null);
  const options = resolveAnalysisOptions();
  const light = resolveLightOptions();
  const n = checkpoint.architecture.width;
  const classes = split.train.classes;
  const testRows = balancedSelection(split.test.labels, classes, options.testImages);
  const testLabels = Uint8Array.from(testRows, (r) => split.test.labels[r]);
  const trainRows = balancedSelection(split.train.labels, classes, options.embeddingImagesPerClass * classes);
  const referenceRows = balancedSelection(split.train.labels, classes, NEAREST_REFERENCE_IMAGES);
  // The light analysis's images are the first of each class, so they are among the full analysis's.
  const lightRows = balancedSelection(split.test.labels, classes, light.testImages).map((r) => testRows.indexOf(r));
  const { classifier } = await defaultClassifier(classifierFolders(null), CLASSIFIER_SETTINGS, async () => undefined);
  const put = (name: string, values: Float32Array | Float64Array | Uint8Array) =>
    writeFile(join(folder, name), new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const layers = checkpoint.params.weights.length;
  const weights = new Float32Array(layers * n * n);
  const biases = new Float32Array(layers * n);
  checkpoint.params.weights.forEach((w, l) => weights.set(w, l * n * n));
  checkpoint.params.biases.forEach((b, l) => biases.set(b, l * n));
  await Promise.all([
    put('weights.f32', weights),
    put('biases.f32', biases),
    put('test.f32', Float32Array.from(selectRows(split.test.images, n, testRows))),
    put('test_labels.u8', testLabels),
    put('train.f32', Float32Array.from(selectRows(split.train.images, n, trainRows))),
    put(
      'train_labels.u8',
      Uint8Array.from(trainRows, (r) => split.train.labels[r]),
    ),
    put('reference.f32', Float32Array.from(selectRows(split.train.images, n, referenceRows))),
    put('w1.f64', classifier.w1),
    put('b1.f64', classifier.b1),
    put('w2.f64', classifier.w2),
    put('b2.f64', classifier.b2),
  ]);
  await writeFile(
    join(folder, 'manifest.json'),
    JSON.stringify({
      width: n,
      layers,
      slope: checkpoint.architecture.negativeSlope,
      activations: checkpoint.architecture.layers.map((l) => l.activation),
      classes,
      seed: options.seed,
      noiseLevels: options.noiseLevels,
      temperatures: [options.temperature, ...options.extraTemperatures],
      samplesPerClass: options.samplesPerClass,
      densityPoints: 128,
      backwardRows: balancedSelection(testLabels, classes, options.backwardImages),
      amplificationRows: balancedSelection(testLabels, classes, options.amplificationImages),
      light: {
        testRows: lightRows,
        noiseRows: balancedSelection(
          Uint8Array.from(lightRows, (r) => testLabels[r]),
          classes,
          light.noiseImages,
        ),
        samplesPerClass: light.samplesPerClass,
        temperature: light.temperature,
      },
    }),
  );
}

interface ReferenceRun {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly stages: Record<string, number>;
}

interface Reference {
  readonly threads: number;
  readonly server: PythonServer;
  readonly full: number[];
  readonly light: number[];
  readonly stages: { full: ReferenceRun[]; light: ReferenceRun[] };
}

const USAGE = `
The full and the light analysis of a Base checkpoint against a PyTorch/numpy implementation
of the same analyses, alternated round by round, then memory over several analyses.

  node out/bench/analysis.js [--rounds 5] [--memory-checkpoints 6] [--python /usr/bin/python3] [--record file.json]
`;

async function main(): Promise<void> {
  answerHelpOrUnknownFlags(USAGE, ['--rounds', '--memory-checkpoints', '--python', '--record']);
  const rounds = Number(option('rounds') ?? 5);
  const memoryCheckpoints = Number(option('memory-checkpoints') ?? 6);
  const python = option('python') ?? '/usr/bin/python3';
  const record = option('record');
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`--rounds must be a positive integer, got ${rounds}`);
  const folder = await mkdtemp(join(tmpdir(), 'invertscope-analysis-bench-'));
  const checkpoint = join(folder, 'epoch-0000.safetensors');
  const references: Reference[] = [];
  try {
    await writeBaseCheckpoint(checkpoint, 0);
    const classifierStart = performance.now();
    const classifier = await defaultClassifier(classifierFolders(null), CLASSIFIER_SETTINGS, async () => undefined);
    console.log(
      `digit classifier: ready in ${seconds((performance.now() - classifierStart) / 1000)} (test accuracy ${(100 * classifier.testAccuracy).toFixed(1)}%; cached in ${classifierFolders(null).cacheFolder})`,
    );

    const inputs = join(folder, 'reference');
    await mkdir(inputs);
    await writeReferenceInputs(inputs, checkpoint);
    for (const threads of [1, 2].filter((t) => t <= availableParallelism())) {
      try {
        const { server, hello } = await PythonServer.start<{ torch: string; numpy: string }>(python, [
          REFERENCE,
          inputs,
          '--threads',
          String(threads),
        ]);
        if (references.length === 0) console.log(`reference: PyTorch ${hello.torch}, numpy ${hello.numpy} (${python})`);
        references.push({ threads, server, full: [], light: [], stages: { full: [], light: [] } });
      } catch (error) {
        console.log(`reference at ${threads} thread(s) not available: ${(error as Error).message}`);
      }
    }

    // Warm-up: JIT, kernel threads, the data; the reference's first run too.
    await oursFull(checkpoint);
    await oursLight(checkpoint);
    await oursLightCore(checkpoint);
    for (const r of references) {
      await r.server.request('full');
      await r.server.request('light');
    }
    console.log(
      `ours: ${kernelThreadCount()} kernel thread(s); load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at start`,
    );

    const full: Timed<AnalysisStage>[] = [];
    const light: Timed<LightStage>[] = [];
    const lightCoreRuns: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      full.push(await oursFull(checkpoint));
      for (const r of references) {
        const run = await r.server.request<ReferenceRun>('full');
        r.full.push(run.seconds);
        r.stages.full.push(run);
      }
      light.push(await oursLight(checkpoint));
      lightCoreRuns.push(await oursLightCore(checkpoint));
      for (const r of references) {
        const run = await r.server.request<ReferenceRun>('light');
        r.light.push(run.seconds);
        r.stages.light.push(run);
      }
      const refs = references
        .map(
          (r) =>
            `reference ${r.threads}T ${seconds(r.full[r.full.length - 1])} / ${seconds(r.light[r.light.length - 1])}`,
        )
        .join(', ');
      console.log(
        `  round ${round}/${rounds}: full ours ${seconds(full[full.length - 1].seconds)}, light ours ${seconds(light[light.length - 1].seconds)}` +
          `${refs ? `; ${refs}` : ''} (full / light; load ${loadavg()[0].toFixed(2)})`,
      );
    }

    const stageTable = <S extends string>(ours: Timed<S>[], theirs: ReferenceRun[]) => {
      const names = [
        ...new Set([...ours.flatMap((t) => Object.keys(t.stages)), ...theirs.flatMap((t) => Object.keys(t.stages))]),
      ];
      return Object.fromEntries(
        names.map((name) => [
          name,
          {
            ours: median(ours.map((t) => t.stages[name as S] ?? 0)),
            reference: theirs.length > 0 ? median(theirs.map((t) => t.stages[name] ?? 0)) : null,
          },
        ]),
      );
    };
    /** The reference at its faster thread count for this kind. */
    const fastest = (kind: 'full' | 'light') => [...references].sort((a, b) => median(a[kind]) - median(b[kind]))[0];
    const report = <S extends string>(kind: 'full' | 'light', ours: Timed<S>[], target: number) => {
      const ref = fastest(kind);
      const oursSeconds = ours.map((t) => t.seconds);
      const oursMedian = median(oursSeconds);
      const refMedian = ref ? median(ref[kind]) : null;
      const stages = stageTable(ours, ref ? ref.stages[kind] : []);
      console.log(`${kind} analysis, median seconds by stage (ours | reference at its faster thread count):`);
      for (const [name, s] of Object.entries(stages)) {
        console.log(
          `  ${name.padEnd(15)} ${s.ours.toFixed(3).padStart(7)} | ${s.reference === null ? '      —' : s.reference.toFixed(3).padStart(7)}`,
        );
      }
      const ratio = refMedian === null ? null : oursMedian / refMedian;
      const oursCpu = median(ours.map((t) => t.cpuSeconds));
      const refCpu = ref ? median(ref.stages[kind].map((x) => x.cpuSeconds)) : null;
      console.log(
        `  CPU seconds (all threads; what a quiet machine's wall time would be on one core): ours ${oursCpu.toFixed(3)}` +
          (refCpu === null ? '' : `, reference ${refCpu.toFixed(3)} (${(oursCpu / refCpu).toFixed(2)}×)`),
      );
      console.log(
        `RESULT analysis: ${kind} Base ${oursMedian.toFixed(3)} s (${kernelThreadCount()} threads, end to end)` +
          (ref && ratio !== null
            ? `; reference ${refMedian!.toFixed(3)} s (PyTorch, ${ref.threads} thread${ref.threads > 1 ? 's' : ''}, from memory); ratio ${ratio.toFixed(2)}×`
            : '; reference not measured') +
          ` (median of ${rounds}; target ≤ ${target} s ${oursMedian <= target ? 'met' : 'NOT met'}` +
          (ratio === null ? '' : `, ≤ 1.0× ${ratio <= 1 ? 'met' : 'NOT met'}`) +
          `; load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')})`,
      );
      return {
        seconds: oursMedian,
        rounds: oursSeconds,
        cpuSeconds: oursCpu,
        target,
        ratio,
        stages,
        reference: references.map((r) => ({
          threads: r.threads,
          seconds: median(r[kind]),
          rounds: r[kind],
          cpuSeconds: r.stages[kind].map((x) => x.cpuSeconds),
        })),
      };
    };
    const fullResult = report('full', full, 2);
    const lightResult = report('light', light, 0.5);
    // The trajectories' light analysis adds noise tolerance and a generation score to what the
    // 0.5 s target names (spectra, κ of the Jacobian, the three round trips): those three alone.
    // Ours runs them end to end (oursLightCore); the reference runs its stages one after the
    // other, so the sum of their medians is its time for them.
    const coreStages = ['spectra', 'roundTrips', 'jacobian'] as const;
    const referenceCore = coreStages.reduce(
      (sum, name) => sum + (lightResult.stages[name]?.reference ?? Number.NaN),
      0,
    );
    const lightCore = {
      stages: coreStages,
      ours: median(lightCoreRuns),
      oursRounds: lightCoreRuns,
      reference: referenceCore,
      how: 'ours: a light analysis without noise and generation, end to end (median); reference: the sum of its three stage medians',
    };
    console.log(
      `  of which spectra, Jacobian and round trips (what the 0.5 s target names): ours ${seconds(lightCore.ours)} ` +
        `(a light analysis without noise and generation, end to end; median of ${rounds}), reference ${seconds(lightCore.reference)} ` +
        `(the sum of its three stage medians; ${(lightCore.ours / lightCore.reference).toFixed(2)}×; target ≤ 0.5 s ${lightCore.ours <= 0.5 ? 'met' : 'NOT met'})`,
    );

    // What a person waits for before seeing anything: the first results of a new analysis, and a cached one.
    const firstSeconds = median(full.map((t) => t.firstSeconds ?? Number.NaN));
    const cachedOpen: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const started = performance.now();
      if (!(await readAnyCachedAnalysis(checkpoint))) throw new Error('the analysis just computed is not in the cache');
      cachedOpen.push((performance.now() - started) / 1000);
    }
    const cachedSeconds = median(cachedOpen);

    // What the extension host holds per checkpoint the inspector shows: the parsed analysis (it reads
    // cached analyses itself, and remembers up to six). Measured here, in a process like it, not in VS Code.
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    collect();
    const before = process.memoryUsage();
    const held = await readAnyCachedAnalysis(checkpoint);
    collect();
    const after = process.memoryUsage();
    // Its images and spectra are typed arrays, whose buffers V8 counts outside the heap.
    const heldMiB = {
      heap: (after.heapUsed - before.heapUsed) / 2 ** 20,
      arrayBuffers: (after.arrayBuffers - before.arrayBuffers) / 2 ** 20,
      rss: (after.rss - before.rss) / 2 ** 20,
    };
    // A change, signed either way: collecting garbage before the second reading can free more than the analysis holds.
    const change = (mib: number) => {
      const tenths = Math.round(mib * 10) / 10;
      return `${tenths < 0 ? '−' : '+'}${Math.abs(tenths).toFixed(1)} MiB`;
    };
    console.log(
      `RESULT analysis memory: one Base analysis held as the extension host holds it: heap ${change(heldMiB.heap)}, ` +
        `array buffers ${change(heldMiB.arrayBuffers)}, ` +
        `RSS ${change(heldMiB.rss)} (${held ? held.layers.length : 0} layers; measured in this process, not in VS Code)`,
    );
    console.log(
      `RESULT analysis: first results (spectra and κ) of a full Base analysis after ${firstSeconds.toFixed(3)} s; ` +
        `a cached Base analysis opens in ${cachedSeconds.toFixed(3)} s (hash the checkpoint, read and check the cache file; median of ${rounds}; ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
    );

    // Memory: one process analysing several checkpoints in turn, as the extension's analysis process does.
    const rss: number[] = [];
    const kernelBytes: number[] = [];
    for (let k = 1; k <= memoryCheckpoints; k++) {
      const file = join(folder, `epoch-${String(k).padStart(4, '0')}.safetensors`);
      await writeBaseCheckpoint(file, k);
      await analyzeCheckpoint({ checkpoint: file, reuseCache: false });
      await rm(file);
      global.gc?.();
      rss.push(process.memoryUsage().rss);
      kernelBytes.push(kernelMemory().memory.buffer.byteLength);
    }
    // The garbage collector moves RSS by tens of MiB from one checkpoint to the next (533 → 435 → 504
    // MiB in one run), so one reading against another says little: growth is the later checkpoints'
    // peak above the earlier ones' (the first, warm-up checkpoint left out).
    const settled = rss.slice(1);
    const half = Math.ceil(settled.length / 2);
    const flat =
      settled.length < 2 || Math.max(...settled.slice(half)) - Math.max(...settled.slice(0, half)) < 32 * 2 ** 20;
    console.log(
      `memory over ${memoryCheckpoints} Base checkpoints analysed in turn: RSS ${rss.map(mib).join(' -> ')} MiB, ` +
        `kernel memory ${kernelBytes.map(mib).join(' -> ')} MiB (${flat ? 'flat' : 'GROWING'})`,
    );

    if (record) {
      await writeFile(
        record,
        JSON.stringify({
          threads: kernelThreadCount(),
          loadAverage: loadavg(),
          full: { ...fullResult, firstResultsSeconds: firstSeconds },
          light: { ...lightResult, core: lightCore },
          cachedOpen: { seconds: cachedSeconds, rounds: cachedOpen },
          heldAnalysisMiB: heldMiB,
          memory: { checkpoints: memoryCheckpoints, rssBytes: rss, kernelMemoryBytes: kernelBytes, flat },
        }),
      );
    }
  } finally {
    for (const r of references) r.server.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
