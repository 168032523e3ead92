/**
 * Worker thread entry for spectralSummaries: computes spectralSummary for
 * each job it is sent and posts the result (or the error) back, tagged with
 * the job's index.
 */
import { parentPort } from 'node:worker_threads';
import { isInvertscopeError } from '../errors';
import { spectralSummary } from './spectralSummary';

export interface SpectralWorkerJob {
  readonly index: number;
  readonly w: Float64Array;
  readonly n: number;
  readonly name?: string;
}

export type SpectralWorkerReply =
  | { readonly index: number; readonly summary: ReturnType<typeof spectralSummary> }
  | {
      readonly index: number;
      readonly error: { readonly message: string; readonly code?: string; readonly range: boolean };
    };

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: SpectralWorkerJob) => {
    let reply: SpectralWorkerReply;
    try {
      reply = {
        index: job.index,
        summary: spectralSummary(job.w, job.n, job.name === undefined ? {} : { name: job.name }),
      };
    } catch (error) {
      reply = {
        index: job.index,
        error: {
          message: error instanceof Error ? error.message : String(error),
          ...(isInvertscopeError(error) ? { code: error.code } : {}),
          range: error instanceof RangeError,
        },
      };
    }
    port.postMessage(reply);
  });
}
