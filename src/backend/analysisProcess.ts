/**
 * Entry point of the analysis process, forked by AnalysisClient. It serves
 * 'start' (a full analysis) and 'startLight' (a trajectory point) requests
 * one at a time in arrival order, reports progress and one
 * terminal message per request, and stops what it is doing when asked to
 * cancel. It never writes to stdout; stderr carries only diagnostics.
 */
import { analyzeCheckpoint, lightAnalyzeCheckpoint } from '../core/analysis';
import { describeError, InvertscopeError } from '../core/errors';
import type { AnalysisRequest, FromAnalyzer, LightRequest } from './analysisProtocol';
import { isToAnalyzer } from './analysisProtocol';

/** Progress messages per second and request within a stage, at most. */
const PROGRESS_PER_SECOND = 10;

type Job = { readonly id: number; readonly controller: AbortController } & (
  | { readonly kind: 'full'; readonly request: AnalysisRequest }
  | { readonly kind: 'light'; readonly request: LightRequest }
);

/**
 * Whether a progress report should go: the first of each stage and the last
 * (fraction 1) always, others at most PROGRESS_PER_SECOND a second.
 */
function throttle(): (stage: string, fraction: number) => boolean {
  let last = 0;
  let lastStage = '';
  return (stage, fraction) => {
    const now = Date.now();
    if (stage === lastStage && now - last < 1000 / PROGRESS_PER_SECOND && fraction < 1) return false;
    last = now;
    lastStage = stage;
    return true;
  };
}

const queue: Job[] = [];
let running: Job | null = null;

function send(message: FromAnalyzer): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

process.on('message', (raw: unknown) => {
  if (!isToAnalyzer(raw)) return;
  if (raw.type === 'cancel') {
    if (running?.id === raw.id) running.controller.abort();
    const queued = queue.findIndex((job) => job.id === raw.id);
    if (queued >= 0) {
      queue.splice(queued, 1);
      void send({ type: 'failed', id: raw.id, error: { message: 'analysis cancelled', code: 'CANCELLED' } });
    }
    return;
  }
  const controller = new AbortController();
  queue.push(
    raw.type === 'start'
      ? { id: raw.id, kind: 'full', request: raw.request, controller }
      : { id: raw.id, kind: 'light', request: raw.request, controller },
  );
  void next();
});

// Losing the parent means nobody waits for results: stop at the next stage boundary and leave.
process.on('disconnect', () => {
  running?.controller.abort();
  queue.length = 0;
  setTimeout(() => process.exit(), 2000).unref();
});
// A terminal's Ctrl-C reaches the whole process group; the parent decides what to do.
process.on('SIGINT', () => running?.controller.abort());

async function next(): Promise<void> {
  if (running) return;
  const job = queue.shift();
  if (!job) return;
  running = job;
  const due = throttle();
  try {
    if (job.kind === 'light') {
      const light = await lightAnalyzeCheckpoint(
        job.request,
        (p) => {
          if (due(p.stage, p.fraction))
            void send({ type: 'lightProgress', id: job.id, fraction: p.fraction, message: p.message });
        },
        job.controller.signal,
      );
      await send({
        type: 'lightDone',
        id: job.id,
        point: light.point,
        fromCache: light.fromCache,
        warnings: light.warnings,
      });
      return;
    }
    const result = await analyzeCheckpoint(job.request, {
      signal: job.controller.signal,
      onProgress: (p) => {
        if (due(p.stage, p.fraction)) void send({ type: 'progress', id: job.id, ...p });
      },
      onPartial: (partial) => void send({ type: 'partial', id: job.id, partial }),
    });
    await send({ type: 'done', id: job.id, ...result });
  } catch (error) {
    const code = error instanceof InvertscopeError ? error.code : 'INTERNAL';
    await send({
      type: 'failed',
      id: job.id,
      error: { message: describeError(error), code, stack: error instanceof Error ? error.stack : undefined },
    });
  } finally {
    running = null;
    void next();
  }
}
