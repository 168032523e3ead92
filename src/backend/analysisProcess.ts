/**
 * Entry point of the analysis process, forked by AnalysisClient. It serves
 * 'start' requests one at a time in arrival order, reports progress and one
 * terminal message per request, and stops what it is doing when asked to
 * cancel. It never writes to stdout; stderr carries only diagnostics.
 */
import { analyzeCheckpoint } from '../core/analysis';
import { describeError, InvertscopeError } from '../core/errors';
import type { AnalysisRequest, FromAnalyzer } from './analysisProtocol';
import { isToAnalyzer } from './analysisProtocol';

/** Progress messages per second and request within a stage, at most. */
const PROGRESS_PER_SECOND = 10;

interface Job {
  readonly id: number;
  readonly request: AnalysisRequest;
  readonly controller: AbortController;
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
  queue.push({ id: raw.id, request: raw.request, controller: new AbortController() });
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
  let lastProgress = 0;
  let lastStage = '';
  try {
    const result = await analyzeCheckpoint(job.request, {
      signal: job.controller.signal,
      onProgress: (p) => {
        const now = Date.now();
        // The first report of every stage always goes, so the caller sees each stage start.
        if (p.stage === lastStage && now - lastProgress < 1000 / PROGRESS_PER_SECOND && p.fraction < 1) return;
        lastProgress = now;
        lastStage = p.stage;
        void send({ type: 'progress', id: job.id, ...p });
      },
      onPartial: (partial) => void send({ type: 'partial', id: job.id, partial }),
    });
    await send({ type: 'done', id: job.id, ...result });
  } catch (error) {
    const code = error instanceof InvertscopeError ? error.code : 'INTERNAL';
    await send({ type: 'failed', id: job.id, error: { message: describeError(error), code, stack: error instanceof Error ? error.stack : undefined } });
  } finally {
    running = null;
    void next();
  }
}
