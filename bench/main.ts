// `npm run bench`: every benchmark of the project in one run on this machine, each
// against a reference measured in the same run, with a JSON record of the results.
//
//   1. training throughput: the simd engine against PyTorch (interleaved), per model,
//      batch and thread count, for the paper's loss and for the Base-shaped flow (rows told
//      apart by `objective`), and process memory over a long run of each;
//   2. the tfjs backends (tfjs-node when installed, wasm, cpu) on the same work, and
//      tf.memory() over a longer run;
//   3. float64 linear algebra of a Base checkpoint (LU, log|det|, all singular values)
//      against numpy;
//   4. the full and the light analysis of a Base checkpoint against a PyTorch/numpy
//      implementation of the same analyses, stage by stage, and memory over many analyses.
//   5. the runs dashboard on a folder of 200 runs: listing and rows on the host, the table in Chromium.
//
//   npm run bench [-- --quick]     (--quick: one round, fewer configurations)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetName } from '../src/core/model/architecture';
import { measureTfjsMemory, measureTfjsThroughput, tfjsBackends } from './tfjsThroughput';
import {
  bestThreadCounts,
  DEFAULT_BENCH,
  measureMemoryFlatness,
  runTrainThroughputBench,
  type ConfigReport,
  type MemoryReport,
} from './trainThroughput';
import { answerHelpOrUnknownFlags } from './benchUsage';

const ROOT = join(__dirname, '..', '..');
answerHelpOrUnknownFlags(
  `
Every benchmark in one run, each against a reference measured in the same run (PyTorch, numpy,
Chromium), with a JSON record under bench-results/: training throughput, the tfjs backends,
float64 linear algebra, the full and light analysis, the runs dashboard. Takes tens of minutes.

  npm run bench [-- --quick]     (--quick: fewer rounds)
  node out/bench/<part>.js --help  for one part: trainThroughput, linalg, analysis, dashboard
`,
  ['--quick'],
);
const quick = process.argv.includes('--quick');
const log = (line = '') => console.log(line);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function heading(title: string): void {
  log();
  log(
    `=== ${title} (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
}

/** Runs a compiled bench script, echoing its output, and returns its lines. */
function runScript(script: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'out', 'bench', script), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      const parts = (rest + text).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        log(line);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (rest) {
        lines.push(rest);
        log(rest);
      }
      if (code === 0) resolve(lines);
      else reject(new Error(`${script} exited with code ${code}`));
    });
  });
}

function describeMemory(memory: MemoryReport, what: string): string {
  const flat = Math.abs(memory.rss[memory.rss.length - 1] - memory.rss[0]) < 16 * 2 ** 20;
  return `memory over ${memory.steps} ${what}: RSS ${memory.rss.map(mib).join(' -> ')} MiB, JS heap ${memory.heapUsed.map(mib).join(' -> ')} MiB (${flat ? 'flat' : 'GROWING'})`;
}

function best(values: readonly number[]): number {
  return values.length > 0 ? Math.max(...values) : Number.NaN;
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg();
  log(
    `Invertscope bench: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString()}`,
  );
  log(
    'Ratios compare figures measured in this same run; the machine may be shared, so best-of-rounds and medians are both shown.',
  );

  heading('1. training throughput: Invertscope simd engine vs PyTorch');
  const memory = await measureMemoryFlatness('base', 64, 2, quick ? 100 : 400);
  log(describeMemory(memory, 'Base steps (batch 64, partial batches and evaluations, 2 threads)'));
  const flowMemory = await measureMemoryFlatness('base', 128, 2, quick ? 60 : 300, 'flow');
  log(describeMemory(flowMemory, 'Base-shaped flow steps (batch 128, partial batches and evaluations, 2 threads)'));
  const training: ConfigReport[] = await runTrainThroughputBench(
    {
      ...DEFAULT_BENCH,
      rounds: quick ? 1 : DEFAULT_BENCH.rounds,
      longSteps: 0,
      ...(quick ? { models: ['base'] as PresetName[], batches: [64] } : {}),
    },
    log,
  );

  heading('2. tfjs backends on the same work');
  const tfjs: Array<{
    backend: string;
    model: PresetName;
    batch: number;
    samplesPerSecond: number | null;
    vsPytorch: number | null;
    note?: string;
  }> = [];
  const models: PresetName[] = quick ? ['base'] : ['base', 'small', 'noact'];
  const batches = quick ? [64] : [64, 256];
  for (const status of tfjsBackends()) {
    if (!status.available) {
      log(`${status.backend}: not measured: ${status.reason}`);
      tfjs.push({
        backend: status.backend,
        model: 'base',
        batch: 64,
        samplesPerSecond: null,
        vsPytorch: null,
        note: status.reason,
      });
      continue;
    }
    for (const model of models) {
      for (const batch of batches) {
        const result = await measureTfjsThroughput(status.backend, model, batch, status.backend === 'cpu' ? 2 : 1.5);
        const torch = best(
          training
            .filter((r) => r.objective === 'seed' && r.model === model && r.batch === batch)
            .flatMap((r) => r.pytorch),
        );
        const ratio = Number.isFinite(torch) ? result.samplesPerSecond / torch : null;
        tfjs.push({
          backend: status.backend,
          model,
          batch,
          samplesPerSecond: result.samplesPerSecond,
          vsPytorch: ratio,
        });
        log(
          `  ${status.backend.padEnd(10)} ${model.padEnd(5)} batch ${String(batch).padStart(3)}: ${result.samplesPerSecond.toFixed(0).padStart(6)} samples/s` +
            (ratio === null ? '' : `  (${ratio.toFixed(2)}× PyTorch's best in section 1)`),
        );
      }
    }
  }
  const simdFlowBest = best(training.filter((r) => r.objective === 'flow' && r.batch === 128).flatMap((r) => r.simd));
  const tfjsFlow: Array<{ backend: string; samplesPerSecond: number; vsSimd: number }> = [];
  for (const status of tfjsBackends().filter((b) => b.available && b.backend !== 'cpu')) {
    const result = await measureTfjsThroughput(status.backend, 'base', 128, 4, 'flow');
    tfjsFlow.push({
      backend: status.backend,
      samplesPerSecond: result.samplesPerSecond,
      vsSimd: simdFlowBest / result.samplesPerSecond,
    });
    log(
      `  ${status.backend.padEnd(10)} Base-shaped flow batch 128: ${result.samplesPerSecond.toFixed(0).padStart(6)} samples/s` +
        `  (simd's best in section 1 is ${(simdFlowBest / result.samplesPerSecond).toFixed(1)}× this)`,
    );
  }
  const tfjsMemory = await measureTfjsMemory('wasm', quick ? 30 : 150);
  log(
    `tf.memory() over ${tfjsMemory.steps} Small steps on wasm: tensors ${tfjsMemory.tensors.join(' -> ')}, bytes ${tfjsMemory.bytes.map(mib).join(' -> ')} MiB ` +
      `(${tfjsMemory.tensors[0] === tfjsMemory.tensors[1] && tfjsMemory.bytes[0] === tfjsMemory.bytes[1] ? 'flat' : 'GROWING'}); RSS ${tfjsMemory.rss.map(mib).join(' -> ')} MiB`,
  );

  heading('3. float64 linear algebra of a Base checkpoint, and one matrix product, vs numpy');
  const linalg = await runScript('linalg.js', ['--rounds', quick ? '3' : '7']);

  heading('4. full and light analysis of a Base checkpoint vs PyTorch/numpy');
  const analysisRecord = join(tmpdir(), `invertscope-analysis-bench-${process.pid}.json`);
  const analysisLines = await runScript('analysis.js', [
    '--rounds',
    quick ? '2' : '5',
    '--memory-checkpoints',
    quick ? '3' : '6',
    '--record',
    analysisRecord,
  ]);
  const analysis = {
    lines: analysisLines.filter((l) => l.startsWith('RESULT')),
    ...(JSON.parse(readFileSync(analysisRecord, 'utf8')) as object),
  };
  rmSync(analysisRecord, { force: true });

  heading('5. the runs dashboard on a folder of 200 runs');
  const dashboard = await runScript('dashboard.js', ['--rounds', quick ? '3' : '5']);

  const baseBatch64 = training.filter((r) => r.objective === 'seed' && r.model === 'base' && r.batch === 64);
  const simdBest = best(baseBatch64.flatMap((r) => r.simd));
  const torchBest = best(baseBatch64.flatMap((r) => r.pytorch));
  heading('summary');
  log(
    `Base, batch 64: simd ${simdBest.toFixed(0)} samples/s, PyTorch ${Number.isFinite(torchBest) ? torchBest.toFixed(0) : 'not measured'}` +
      (Number.isFinite(torchBest) ? ` → ${(simdBest / torchBest).toFixed(2)}× (target ≥ 1.0)` : ''),
  );
  const flow = bestThreadCounts(training).find((b) => b.objective === 'flow' && b.model === 'base' && b.batch === 128);
  log(
    flow
      ? `RESULT flow: Base-shaped flow, batch 128: simd ${flow.simd.value.toFixed(0)} samples/s (${flow.simd.threads} thr), ` +
          `PyTorch ${flow.pytorch.value.toFixed(0)} (${flow.pytorch.threads} thr), each at its best thread count → ratio ` +
          `${(flow.simd.value / flow.pytorch.value).toFixed(2)}× (target ≥ 2.0); load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`
      : `RESULT flow: simd ${Number.isFinite(simdFlowBest) ? simdFlowBest.toFixed(0) : 'not measured'} samples/s; PyTorch not measured`,
  );
  for (const line of linalg.filter((l) => l.startsWith('RESULT linalg'))) log(line);
  for (const line of analysis.lines) log(line);
  const dashboardResult = dashboard.find((l) => l.startsWith('RESULT dashboard'));
  if (dashboardResult) log(dashboardResult);
  log(
    `memory: simd RSS ${memory.rss.map(mib).join(' -> ')} MiB (seed), ${flowMemory.rss.map(mib).join(' -> ')} MiB (flow); tfjs tensors ${tfjsMemory.tensors.join(' -> ')}`,
  );

  const folder = join(ROOT, 'bench-results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        machine: { cpu: cpus()[0]?.model ?? null, cores: availableParallelism(), node: process.version },
        startedAt: new Date(started).toISOString(),
        seconds: (Date.now() - started) / 1000,
        quick,
        loadAverage: { start: loadAtStart, end: loadavg() },
        training,
        simdMemory: memory,
        simdFlowMemory: flowMemory,
        tfjs,
        tfjsFlow,
        tfjsMemory,
        linalg,
        analysis,
        dashboard,
      },
      null,
      2,
    )}\n`,
  );
  log(`results: ${file} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
