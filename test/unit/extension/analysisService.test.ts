import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartialAnalysis, PartialAnalysisListener } from '../../../src/core/analysis/partialAnalysis';
import type { CheckpointAnalysis } from '../../../src/core/analysis/types';
import { isInvertscopeError } from '../../../src/core/errors';
import { AnalysisService } from '../../../src/extension/analysis/analysisService';
import type { AnalysisPort, AnalysisProgressListener, CheckpointTarget } from '../../../src/extension/ports';
import { checkpointAnalysis, layerSpectrum, runRecord } from './builders';
import { flush, MemoryLog } from './fakes';

const options = { noiseLevels: [0.01], testImages: 100, temperature: 1 };

interface PendingAnalysis {
  target: CheckpointTarget;
  signal: AbortSignal;
  progress: AnalysisProgressListener;
  partial?: PartialAnalysisListener;
  resolve(a: CheckpointAnalysis): void;
  reject(e: unknown): void;
}

function fakePort(cached: CheckpointAnalysis | null = null) {
  const pending: PendingAnalysis[] = [];
  let cacheReads = 0;
  const port: AnalysisPort = {
    async readCached() {
      cacheReads++;
      return cached;
    },
    analyse(target, _options, progress, signal, partial) {
      return new Promise((resolve, reject) => {
        pending.push({ target, signal, progress, partial, resolve, reject });
        signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      });
    },
  };
  return { port, pending, cacheReads: () => cacheReads };
}

function target(epoch = 2): CheckpointTarget {
  const run = runRecord({ checkpointEpochs: [epoch] });
  return { run, entry: run.checkpoints[0], file: `/runs/${run.id}/checkpoints/e${epoch}` };
}

describe('AnalysisService', () => {
  it('shares one computation between callers of the same checkpoint', async () => {
    const { port, pending } = fakePort();
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const a = service.analyse(target(), () => undefined, new AbortController().signal);
    const b = service.analyse(target(), () => undefined, new AbortController().signal);
    assert.equal(pending.length, 1);
    const result = checkpointAnalysis([layerSpectrum(0, 2, 1)]);
    pending[0].resolve(result);
    assert.equal(await a, result);
    assert.equal(await b, result);
    service.dispose();
  });

  it('passes the first results to every caller, and the latest to late joiners', () => {
    const { port, pending } = fakePort();
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const seenA: PartialAnalysis[] = [];
    const seenB: PartialAnalysis[] = [];
    void service
      .analyse(
        target(),
        () => undefined,
        new AbortController().signal,
        (p) => seenA.push(p),
      )
      .catch(() => undefined);
    const spectra = { checkpointSha256: 'ab', architectureName: 'base', epoch: 2, layers: [layerSpectrum(0, 2, 1)] };
    pending[0].partial?.(spectra);
    void service
      .get(
        target(),
        () => undefined,
        new AbortController().signal,
        (p) => seenB.push(p),
      )
      .catch(() => undefined);
    return flush().then(() => {
      assert.deepEqual(seenA, [spectra]);
      assert.deepEqual(seenB, [spectra]);
      service.dispose();
    });
  });

  it('passes progress to every caller and replays the last step to late joiners', () => {
    const { port, pending } = fakePort();
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const seenA: string[] = [];
    const seenB: string[] = [];
    void service.analyse(target(), (m) => seenA.push(m), new AbortController().signal).catch(() => undefined);
    pending[0].progress('layer 1 of 4', 0.25);
    void service.analyse(target(), (m) => seenB.push(m), new AbortController().signal).catch(() => undefined);
    pending[0].progress('layer 2 of 4', 0.5);
    assert.deepEqual(seenA, ['layer 1 of 4', 'layer 2 of 4']);
    assert.deepEqual(seenB, ['layer 1 of 4', 'layer 2 of 4']);
    service.dispose();
  });

  it('keeps computing while one caller still waits, and aborts when the last one leaves', async () => {
    const { port, pending } = fakePort();
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const first = new AbortController();
    const second = new AbortController();
    const a = service.analyse(target(), () => undefined, first.signal);
    const b = service.analyse(target(), () => undefined, second.signal);
    first.abort();
    await assert.rejects(a, (e: unknown) => isInvertscopeError(e, 'CANCELLED'));
    assert.equal(pending[0].signal.aborted, false);
    second.abort();
    await assert.rejects(b, (e: unknown) => isInvertscopeError(e, 'CANCELLED'));
    assert.equal(pending[0].signal.aborted, true);
    service.dispose();
  });

  it('remembers finished analyses and announces them', async () => {
    const { port, pending, cacheReads } = fakePort();
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const done: string[] = [];
    service.onDidComplete((c) => done.push(`${c.runId}@${c.epoch}`));
    const p = service.get(target(), () => undefined, new AbortController().signal);
    await flush();
    pending[0].resolve(checkpointAnalysis([]));
    await p;
    await flush();
    assert.equal((await service.readCached(target())) !== null, true);
    assert.equal(cacheReads(), 1, 'the second read comes from memory');
    assert.deepEqual(done, [`${target().run.id}@2`]);
    service.forget();
    await service.readCached(target());
    assert.equal(cacheReads(), 2);
    service.dispose();
  });

  it('shares one cache-file read between concurrent callers, and starts a new one after forget()', async () => {
    const cached = checkpointAnalysis([layerSpectrum(0, 3, 1)]);
    const reads: Array<(a: CheckpointAnalysis | null) => void> = [];
    const port: AnalysisPort = {
      readCached: () => new Promise((resolve) => reads.push(resolve)),
      analyse: () => Promise.reject(new Error('not expected')),
    };
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const a = service.readCached(target());
    const b = service.get(target(), () => undefined, new AbortController().signal);
    await flush();
    assert.equal(reads.length, 1, 'the second caller joins the read in progress');
    service.forget();
    const c = service.readCached(target());
    assert.equal(reads.length, 2, 'a read begun before forget() is not shared after it');
    reads[0](cached);
    reads[1](cached);
    assert.equal(await a, cached);
    assert.equal(await b, cached);
    assert.equal(await c, cached);
    assert.equal(await service.readCached(target()), cached);
    assert.equal(reads.length, 2, 'the finished read is remembered');
    service.dispose();
  });

  it('lets the next caller read again after a failed cache read', async () => {
    let attempts = 0;
    const port: AnalysisPort = {
      readCached: async () => {
        attempts++;
        if (attempts === 1) throw new Error('disk gone');
        return null;
      },
      analyse: () => Promise.reject(new Error('not expected')),
    };
    const service = new AnalysisService(port, () => options, new MemoryLog());
    await assert.rejects(service.readCached(target()), /disk gone/);
    assert.equal(await service.readCached(target()), null);
    assert.equal(attempts, 2);
    service.dispose();
  });

  it('returns the cached analysis without computing', async () => {
    const cached = checkpointAnalysis([layerSpectrum(0, 3, 1)]);
    const { port, pending } = fakePort(cached);
    const service = new AnalysisService(port, () => options, new MemoryLog());
    assert.equal(await service.get(target(), () => undefined, new AbortController().signal), cached);
    assert.equal(pending.length, 0);
    service.dispose();
  });

  it('passes a failure to every caller and lets the next request start over', async () => {
    const { port, pending } = fakePort();
    const log = new MemoryLog();
    const service = new AnalysisService(port, () => options, log);
    const a = service.analyse(target(), () => undefined, new AbortController().signal);
    pending[0].reject(new Error('singular matrix'));
    await assert.rejects(a, /singular matrix/);
    await flush();
    assert.equal(service.isAnalysing(target()), false);
    void service.analyse(target(), () => undefined, new AbortController().signal).catch(() => undefined);
    assert.equal(pending.length, 2);
    assert.ok(log.lines.some((l) => l.includes('singular matrix')));
    assert.ok(!log.lines.some((l) => l.includes('nobody waits')), 'a failed computation is not reported as cancelled');
    service.dispose();
  });

  it('turns a port that throws into a rejection', async () => {
    const port: AnalysisPort = {
      readCached: async () => null,
      analyse: () => {
        throw new Error('engine missing a file');
      },
    };
    const service = new AnalysisService(port, () => options, new MemoryLog());
    await assert.rejects(
      service.analyse(target(), () => undefined, new AbortController().signal),
      /engine missing a file/,
    );
    service.dispose();
  });

  it('aborts running computations when disposed and refuses new ones', async () => {
    const { port, pending } = fakePort();
    const service = new AnalysisService(port, () => options, new MemoryLog());
    const a = service.analyse(target(), () => undefined, new AbortController().signal);
    service.dispose();
    assert.equal(pending[0].signal.aborted, true);
    await assert.rejects(a);
    await assert.rejects(
      service.analyse(target(), () => undefined, new AbortController().signal),
      (e: unknown) => isInvertscopeError(e, 'CANCELLED'),
    );
  });
});
