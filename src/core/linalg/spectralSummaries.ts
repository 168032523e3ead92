import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvertscopeError, type ErrorCode } from '../errors';
import type { NumericArray } from './checks';
import { spectralSummary, type SpectralSummary } from './spectralSummary';
import type { SpectralWorkerJob, SpectralWorkerReply } from './spectralWorker';

export interface SpectralJob {
  /** n×n, row-major. */
  readonly w: NumericArray;
  readonly n: number;
  /** How messages name the matrix, e.g. "layer 2". */
  readonly name?: string;
}

export interface SpectralSummariesOptions {
  /** Threads to use, the calling one included; default min(2, available cores). 1 computes everything here. */
  readonly threads?: number;
}

/**
 * spectralSummary for several matrices (a checkpoint's layers), spread over
 * threads: the calling thread takes jobs 0, t, 2t, … and each of t − 1
 * worker threads the others. With t = 2 on two idle cores, four 784×784
 * layers take the time of two plus a worker's start (about 60 ms, mostly
 * hidden behind the calling thread's first job); on cores already busy with
 * other work it is slower than one thread, so `threads: 1` is the choice
 * there. Each job runs exactly the code of spectralSummary, so the results
 * are identical bit for bit.
 *
 * Failures never hang: an error in a job rejects with that error (an
 * InvertscopeError keeps its code, a RangeError stays one), a worker that
 * dies rejects naming it, and every worker is terminated before the promise
 * settles. The calling thread computes its share synchronously.
 *
 * @example
 *   const [a, b] = await spectralSummaries([{ w: [2, 0, 0, 1], n: 2 }, { w: [3, 0, 4, 5], n: 2 }]);
 *   a.cond;  // 2
 *   b.cond;  // 3
 */
export async function spectralSummaries(
  jobs: readonly SpectralJob[],
  options: SpectralSummariesOptions = {},
): Promise<SpectralSummary[]> {
  const requested = options.threads ?? Math.min(2, availableParallelism());
  if (!Number.isSafeInteger(requested) || requested < 1) {
    throw new RangeError(`spectralSummaries: threads must be a positive integer, got ${requested}`);
  }
  const threads = Math.min(requested, jobs.length);
  const results = new Array<SpectralSummary>(jobs.length);
  const summarize = (i: number): SpectralSummary => {
    const job = jobs[i];
    return spectralSummary(job.w, job.n, job.name === undefined ? {} : { name: job.name });
  };
  if (threads <= 1) {
    for (let i = 0; i < jobs.length; i++) results[i] = summarize(i);
    return results;
  }

  const workers = Array.from({ length: threads - 1 }, () => new Worker(join(__dirname, 'spectralWorker.js')));
  try {
    const done = workers.map((worker, k) => {
      const mine: number[] = [];
      for (let i = k + 1; i < jobs.length; i += threads) mine.push(i);
      return new Promise<void>((resolve, reject) => {
        let left = mine.length;
        worker.on('message', (reply: SpectralWorkerReply) => {
          if ('error' in reply) {
            const { message, code, range } = reply.error;
            reject(
              code !== undefined
                ? new InvertscopeError(code as ErrorCode, message)
                : range
                  ? new RangeError(message)
                  : new Error(message),
            );
            return;
          }
          results[reply.index] = reply.summary;
          if (--left === 0) resolve();
        });
        worker.on('error', (error) =>
          reject(new Error(`spectralSummaries: worker ${k + 1} failed: ${error.message}`, { cause: error })),
        );
        worker.on('exit', (code) => {
          if (left > 0)
            reject(new Error(`spectralSummaries: worker ${k + 1} exited with code ${code} before finishing`));
        });
        for (const i of mine) {
          const job = jobs[i];
          const message: SpectralWorkerJob = {
            index: i,
            w: Float64Array.from(job.w),
            n: job.n,
            ...(job.name === undefined ? {} : { name: job.name }),
          };
          worker.postMessage(message, [message.w.buffer as ArrayBuffer]);
        }
      });
    });
    // Rejections are collected by Promise.all below even while this thread computes.
    const all = Promise.all(done);
    all.catch(() => undefined);
    for (let i = 0; i < jobs.length; i += threads) results[i] = summarize(i);
    await all;
    return results;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
