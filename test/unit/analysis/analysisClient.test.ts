import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisClient } from '../../../src/backend/analysisClient';
import type { AnalysisRequest } from '../../../src/backend/analysisProtocol';
import type { PartialAnalysis } from '../../../src/core/analysis/partialAnalysis';
import type { AnalysisProgress } from '../../../src/core/analysis/progress';
import { isInvertscopeError } from '../../../src/core/errors';
import { QUICK_CLASSIFIER, QUICK_OPTIONS, writeSmallCheckpoint } from './builders';

describe('analysis process', () => {
  let dir = '';
  let request: AnalysisRequest;
  const clients: AnalysisClient[] = [];
  const client = () => {
    const c = new AnalysisClient();
    clients.push(c);
    return c;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invertscope-analysis-process-'));
    const checkpoint = join(dir, 'epoch-0001.safetensors');
    await writeSmallCheckpoint(checkpoint, 4);
    request = {
      checkpoint,
      options: QUICK_OPTIONS,
      classifierSettings: QUICK_CLASSIFIER,
      cacheFolder: join(dir, 'cache'),
    };
  });
  after(async () => {
    for (const c of clients) c.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('computes in the child process with progress, then answers from the cache', async () => {
    const c = client();
    const progress: AnalysisProgress[] = [];
    const partials: PartialAnalysis[] = [];
    const first = await c.analyze(request, { onProgress: (p) => progress.push(p), onPartial: (p) => partials.push(p) });
    assert.equal(first.fromCache, false);
    // The spectra and κ arrive first, then the verdict, each equal to the final analysis's.
    assert.equal(partials.length, 2);
    assert.deepEqual(partials[0].layers, first.analysis.layers);
    assert.equal(partials[0].jacobian, undefined);
    assert.deepEqual(partials[1].jacobian, first.analysis.jacobian);
    assert.notEqual(c.pid, process.pid);
    assert.ok(progress.length > 3);
    assert.ok(
      progress.every((p, i) => i === 0 || p.fraction >= progress[i - 1].fraction),
      'progress only moves forward',
    );
    assert.deepEqual([...new Set(progress.map((p) => p.stage))].slice(0, 3), ['load', 'spectra', 'reconstruction']);
    // NaN and infinities cross the process boundary as numbers (structured clone).
    assert.equal(typeof first.analysis.amplification[0].worstCaseGrowth, 'number');
    const second = await c.analyze(request);
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.analysis, first.analysis);
    assert.deepEqual(
      await c.readCached(request.checkpoint, request.options, request.classifierSettings),
      first.analysis,
    );
  });

  it('rejects a cancelled request at once and keeps serving others', async () => {
    const c = client();
    const controller = new AbortController();
    const cancelled = c.analyze(
      { ...request, reuseCache: false },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await assert.rejects(cancelled, (e: unknown) => isInvertscopeError(e, 'CANCELLED'));
    const next = await c.analyze(request);
    assert.equal(next.analysis.architectureName, 'small');
  });

  it('settles every pending request when the process dies, and starts a new one for the next', async () => {
    const c = client();
    const a = c.analyze({ ...request, reuseCache: false });
    const b = c.analyze({ ...request, reuseCache: false });
    const pid = c.pid;
    assert.ok(pid !== undefined);
    process.kill(pid, 'SIGKILL');
    for (const pending of [a, b]) {
      await assert.rejects(
        pending,
        (e: unknown) => isInvertscopeError(e, 'INTERNAL') && /killed by signal SIGKILL/.test(e.message),
      );
    }
    const again = await c.analyze(request);
    assert.notEqual(c.pid, pid);
    assert.equal(again.analysis.epoch, 1);
  });

  it('reports a failure of the analysis with its error code', async () => {
    const c = client();
    await assert.rejects(
      c.analyze({ ...request, checkpoint: join(dir, 'missing.safetensors') }),
      (e: unknown) => isInvertscopeError(e, 'NOT_FOUND') && /missing\.safetensors/.test(e.message),
    );
  });

  it('rejects pending requests when disposed', async () => {
    const c = client();
    const pending = c.analyze({ ...request, reuseCache: false });
    c.dispose();
    await assert.rejects(pending, (e: unknown) => isInvertscopeError(e, 'CANCELLED'));
    await assert.rejects(c.analyze(request), (e: unknown) => isInvertscopeError(e, 'CANCELLED'));
  });
});
