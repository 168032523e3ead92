import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { currentProcessInfo } from '../../../src/core/store/processLiveness';
import type { EpochMetric, MetricRecord, RunRecord, StepMetric } from '../../../src/core/store/runTypes';
import { dataInfo, expectError, smallModel, tempFolder, trainConfig } from './storeTestUtils';
import { resolveRun } from '../../../src/core/store/resolveRun';
import { reconcileStaleRuns } from '../../../src/core/store/staleRuns';

const step = (n: number, loss = 1 / n): StepMetric => ({
  type: 'step',
  epoch: 1,
  step: n,
  loss,
  parts: [loss, 0],
  samplesPerSecond: 900,
  wallSeconds: n / 10,
});
const epoch: EpochMetric = {
  type: 'epoch',
  epoch: 1,
  trainLoss: 0.5,
  trainParts: [0.4, 0.1],
  testLoss: 0.6,
  testParts: [0.5, 0.1],
  testBitsPerDim: 1.25,
  samplesPerSecond: 1000,
  wallSeconds: 3,
};
const backend = { name: 'cpu', description: 'tfjs cpu', threads: 1 } as const;

/** A run.json edited field by field, as untyped as the file it was read from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into any field to corrupt it
type EditableRun = Record<string, any>;

describe('RunStore', () => {
  let dir = '';
  let remove = async () => {};
  let store: RunStore;
  const { arch, params } = smallModel(11);
  const config = trainConfig(arch);
  const create = (options: Parameters<RunStore['createRun']>[3] = {}) =>
    store.createRun(config, dataInfo(), backend, options);

  before(async () => {
    ({ dir, remove } = await tempFolder('runs'));
    store = new RunStore(join(dir, 'runs'));
  });
  after(() => remove());

  describe('creating and reading runs', () => {
    it('creates a run folder with run.json, metrics.jsonl and checkpoints/, under a readable id', async () => {
      const id = await create({ now: new Date('2026-11-30T05:12:34Z') });
      assert.match(id, /^20261130-0512-tiny-[0-9a-f]{4}$/);
      assert.deepEqual((await readdir(store.folderOf(id))).sort(), ['checkpoints', 'metrics.jsonl', 'run.json']);
      const record = await store.readRun(id);
      assert.equal(record.id, id);
      assert.equal(record.status, 'running');
      assert.equal(record.formatVersion, 1);
      assert.deepEqual(record.config, config);
      assert.deepEqual(record.data, dataInfo());
      assert.deepEqual(record.backend, backend);
      assert.equal(record.createdAt, '2026-11-30T05:12:34.000Z');
      assert.equal(record.versions.node, process.versions.node);
      assert.equal(
        record.versions.invertscope,
        JSON.parse(await readFile(join(__dirname, '../../../../package.json'), 'utf8')).version,
      );
      assert.equal(record.process?.pid, process.pid);
      assert.equal(record.process?.hostname, hostname());
      assert.equal(record.timings.endedAt, null);
      // Readable: indented, and the split's indices on one line.
      assert.match(await readFile(store.runFile(id), 'utf8'), /\n {6}"train": \[0, 1, 2, 3\],\n/);
    });

    it('gives distinct ids to runs created in the same minute', async () => {
      const now = new Date('2026-01-01T00:00:00Z');
      const ids = await Promise.all(Array.from({ length: 24 }, () => create({ now })));
      assert.equal(new Set(ids).size, ids.length);
      assert.ok((await readdir(store.root)).every((name) => !name.startsWith('.staging-')));
    });

    it('refuses a run whose config is invalid, leaving nothing behind', async () => {
      const before = (await readdir(store.root)).length;
      await assert.rejects(
        store.createRun({ ...config, batchSize: 0 }, dataInfo(), backend),
        expectError('BAD_INPUT', 'config.batchSize', 'must be an integer ≥ 1, got 0'),
      );
      assert.equal((await readdir(store.root)).length, before);
    });

    it('names the file and field of an invalid run.json, and refuses a newer format', async () => {
      const id = await create();
      const file = store.runFile(id);
      const good = JSON.parse(await readFile(file, 'utf8')) as EditableRun;
      const cases: [EditableRun, string[]][] = [
        [
          { ...good, config: { ...good.config, architecture: { ...good.config.architecture, width: '784' } } },
          ['config.architecture.width', '"784"'],
        ],
        [
          {
            ...good,
            checkpoints: [
              {
                epoch: 1,
                file: 'checkpoints/epoch-0001.safetensors',
                trainLoss: 1,
                testLoss: 1,
                writtenAt: good.createdAt,
                sha256: 'abc',
              },
            ],
          },
          ['checkpoints[0].sha256', '"abc"'],
        ],
        [{ ...good, status: 'paused' }, ['status', '"paused"']],
        [
          { ...good, data: { ...good.data, split: { ...good.data.split, train: [0, -1] } } },
          ['data.split.train[1]', 'got -1'],
        ],
        [{ ...good, formatVersion: 2 }, ['formatVersion', '2 was written by a newer Invertscope']],
        [{ ...good, id: 'another-run' }, ['id', 'is "another-run" but the run\'s folder is named']],
      ];
      for (const [value, patterns] of cases) {
        await writeFile(file, JSON.stringify(value));
        await assert.rejects(store.readRun(id), expectError('CORRUPT', file, ...patterns));
      }
      await writeFile(file, JSON.stringify(good));
    });

    it('reads runs that carry fields this version does not know', async () => {
      const id = await create();
      const file = store.runFile(id);
      const value = { ...JSON.parse(await readFile(file, 'utf8')), laterField: { x: 1 } };
      await writeFile(file, JSON.stringify(value));
      assert.equal((await store.readRun(id)).id, id);
      await store.updateRun(id, { epochsCompleted: 1 });
      assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).laterField, { x: 1 });
    });

    it('refuses ids that are not folder names inside the store', async () => {
      for (const id of ['../outside', 'a/b', '', '.hidden', 'a..b']) {
        await assert.rejects(store.readRun(id), expectError('BAD_INPUT', 'not a run id'));
      }
    });

    it('says NOT_FOUND for a run that does not exist', async () => {
      await assert.rejects(
        store.readRun('20990101-0000-none-0000'),
        expectError('NOT_FOUND', '20990101-0000-none-0000'),
      );
    });
  });

  describe('listing', () => {
    it('lists runs newest first and reports damaged ones with their error instead of failing', async () => {
      const listing = new RunStore(join(dir, 'listing'));
      const make = (iso: string) => listing.createRun(config, dataInfo(), backend, { now: new Date(iso) });
      const middle = await make('2026-03-01T00:00:00Z');
      const newest = await make('2026-05-01T00:00:00Z');
      const oldest = await make('2026-01-01T00:00:00Z');
      const broken = await make('2026-02-01T00:00:00Z');
      await writeFile(listing.runFile(broken), '{"formatVersion": 1, "id": ');
      const invalid = await make('2026-02-02T00:00:00Z');
      const value = JSON.parse(await readFile(listing.runFile(invalid), 'utf8'));
      await writeFile(listing.runFile(invalid), JSON.stringify({ ...value, epochsCompleted: -3 }));
      await mkdir(join(listing.root, 'not-a-run'));
      await writeFile(join(listing.root, '.run.json.tmp'), 'x');

      const entries = await listing.listRuns();
      const runs = entries.filter((e) => e.kind === 'run').map((e) => e.id);
      assert.deepEqual(runs, [newest, middle, oldest]);
      const damaged = new Map(entries.flatMap((e) => (e.kind === 'damaged' ? [[e.id, e.error]] : [])));
      assert.deepEqual([...damaged.keys()].sort(), [broken, invalid, 'not-a-run'].sort());
      assert.match(damaged.get(broken)!.message, /run\.json: \(root\): is not valid JSON/);
      assert.equal(damaged.get(broken)!.code, 'CORRUPT');
      assert.match(damaged.get(invalid)!.message, /epochsCompleted: must be an integer ≥ 0, got -3/);
      assert.match(damaged.get('not-a-run')!.message, /run\.json: is missing from the run folder/);
    });

    it('lists nothing for a runs folder that does not exist yet', async () => {
      assert.deepEqual(await new RunStore(join(dir, 'never-created')).listRuns(), []);
    });
  });

  describe('updating', () => {
    it('changes fields atomically and moves updatedAt', async () => {
      const id = await create({ now: new Date('2026-01-01T00:00:00Z') });
      const updated = await store.updateRun(id, {
        status: 'completed',
        epochsCompleted: 3,
        timings: { startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:10:00.000Z', trainSeconds: 600 },
      });
      assert.equal(updated.status, 'completed');
      assert.ok(Date.parse(updated.updatedAt) > Date.parse('2026-01-01T00:00:00Z'));
      assert.deepEqual(await store.readRun(id), updated);
      assert.deepEqual(
        (await readdir(store.folderOf(id))).filter((n) => n.endsWith('.tmp')),
        [],
      );
    });

    it('refuses to change id or formatVersion, and refuses invalid values without touching the file', async () => {
      const id = await create();
      const before = await readFile(store.runFile(id), 'utf8');
      await assert.rejects(store.updateRun(id, { id: 'renamed' }), expectError('BAD_INPUT', 'id cannot be changed'));
      await assert.rejects(
        store.updateRun(id, { formatVersion: 2 }),
        expectError('BAD_INPUT', 'formatVersion cannot be changed'),
      );
      await assert.rejects(store.updateRun(id, { epochsCompleted: -1 }), expectError('BAD_INPUT', 'epochsCompleted'));
      assert.equal(await readFile(store.runFile(id), 'utf8'), before);
      await store.updateRun(id, { id, formatVersion: 1, status: 'cancelled' });
      assert.equal((await store.readRun(id)).status, 'cancelled');
    });

    it('applies concurrent updates one after another', async () => {
      const id = await create();
      await Promise.all(
        [1, 2, 3, 4, 5].map((e) =>
          store.addCheckpoint(id, {
            epoch: e,
            file: `checkpoints/epoch-000${e}.safetensors`,
            trainLoss: e,
            testLoss: Number.NaN,
            writtenAt: new Date().toISOString(),
            sha256: 'a'.repeat(64),
          }),
        ),
      );
      const record = await store.readRun(id);
      assert.deepEqual(
        record.checkpoints.map((c) => c.epoch),
        [1, 2, 3, 4, 5],
      );
      assert.ok(Number.isNaN(record.checkpoints[0].testLoss));
    });
  });

  describe('metrics.jsonl', () => {
    it('appends one JSON object a line and reads them back, NaN losses included', async () => {
      const id = await create();
      await store.appendMetrics(id, [step(1), step(2, Number.NaN)]);
      await store.appendMetrics(id, [epoch]);
      const text = await readFile(store.metricsFile(id), 'utf8');
      assert.equal(text.split('\n').length, 4);
      assert.deepEqual(JSON.parse(text.split('\n')[2]), epoch);
      const read = await store.readMetrics(id);
      assert.equal(read.records.length, 3);
      assert.deepEqual(read.records[0], step(1));
      assert.ok(Number.isNaN((read.records[1] as StepMetric).loss));
      assert.deepEqual(read.records[2], epoch);
      assert.deepEqual(read.badLines, []);
      assert.equal(read.truncatedLastLine, false);
    });

    it('tolerates a last line cut short by a crash, and the next append drops it', async () => {
      const id = await create();
      await store.appendMetrics(id, [step(1), step(2)]);
      await appendFile(store.metricsFile(id), '{"type":"step","epoch":1,"st');
      const read = await store.readMetrics(id);
      assert.deepEqual(read.records, [step(1), step(2)]);
      assert.equal(read.truncatedLastLine, true);
      assert.deepEqual(read.badLines, []);
      await store.appendMetrics(id, [step(3)]);
      const again = await store.readMetrics(id);
      assert.deepEqual(again.records, [step(1), step(2), step(3)]);
      assert.equal(again.truncatedLastLine, false);
    });

    it('keeps a complete last record that lost only its newline', async () => {
      const id = await create();
      await appendFile(store.metricsFile(id), JSON.stringify(step(1)));
      assert.deepEqual((await store.readMetrics(id)).records, [step(1)]);
      await store.appendMetrics(id, [step(2)]);
      assert.deepEqual((await store.readMetrics(id)).records, [step(1), step(2)]);
    });

    it('reports other bad lines with their line number and still reads the rest', async () => {
      const id = await create();
      const lines = [
        JSON.stringify(step(1)),
        '{"type":"step", oops}',
        JSON.stringify({ ...step(3), epoch: 0 }),
        '',
        JSON.stringify(epoch),
      ];
      await writeFile(store.metricsFile(id), lines.join('\n') + '\n');
      const read = await store.readMetrics(id);
      assert.deepEqual(read.records, [step(1), epoch]);
      assert.deepEqual(
        read.badLines.map((b) => b.line),
        [2, 3],
      );
      assert.match(read.badLines[0].message, /metrics\.jsonl: line 2: not valid JSON/);
      assert.match(read.badLines[1].message, /metrics\.jsonl: line 3: epoch: must be an integer ≥ 1, got 0/);
    });

    it('continues from where the last read stopped', async () => {
      const id = await create();
      await store.appendMetrics(id, [step(1)]);
      const first = await store.readMetrics(id);
      await store.appendMetrics(id, [step(2), step(3)]);
      const next = await store.readMetrics(id, { fromOffset: first.nextOffset, fromLine: first.nextLine });
      assert.deepEqual(next.records, [step(2), step(3)]);
      assert.equal(next.nextLine, 4);
      assert.equal(next.nextOffset, (await stat(store.metricsFile(id))).size);
    });

    it('refuses an invalid record without writing anything', async () => {
      const id = await create();
      const bad = { ...step(1), parts: [1] } as unknown as MetricRecord;
      await assert.rejects(store.appendMetrics(id, [step(1), bad]), expectError('BAD_INPUT', 'records[1].parts'));
      assert.equal(await readFile(store.metricsFile(id), 'utf8'), '');
    });
  });

  describe('checkpoints, deletion and lookup', () => {
    it('saves a checkpoint under checkpoints/epoch-NNNN, records it, and loads it back', async () => {
      const id = await create();
      const training = {
        epoch: 2,
        globalStep: 20,
        objective: 'seed',
        seed: 7,
        trainLoss: 0.5,
        testLoss: 0.6,
        createdAt: new Date().toISOString(),
        invertscopeVersion: '0.1.0',
      } as const;
      const entry = await store.saveCheckpoint(id, { architecture: arch, params, training });
      assert.equal(entry.file, 'checkpoints/epoch-0002.safetensors');
      assert.equal(store.checkpointPath(id, 2), join(store.folderOf(id), 'checkpoints', 'epoch-0002.safetensors'));
      assert.deepEqual((await store.readRun(id)).checkpoints, [entry]);
      const loaded = await store.loadCheckpoint(id);
      assert.deepEqual(loaded.params.weights[2], params.weights[2]);
      await writeFile(
        store.checkpointPath(id, 2),
        await readFile(store.checkpointPath(id, 2)).then((b) => {
          b[b.length - 1] ^= 1;
          return b;
        }),
      );
      await assert.rejects(
        store.loadCheckpoint(id, 2),
        expectError('CORRUPT', 'changed or replaced after it was written'),
      );
      await assert.rejects(store.loadCheckpoint(id, 9), expectError('NOT_FOUND', 'no checkpoint for epoch 9'));
    });

    it('deletes a run', async () => {
      const id = await create();
      await store.deleteRun(id);
      assert.ok(!existsSync(store.folderOf(id)));
      assert.ok((await store.listRuns()).every((e) => e.id !== id));
      await assert.rejects(store.deleteRun(id), expectError('NOT_FOUND'));
    });

    it('resolves an id, a unique prefix, or a path, and names ambiguous prefixes', async () => {
      const lookup = new RunStore(join(dir, 'lookup'));
      const a = await lookup.createRun(config, dataInfo(), backend, { now: new Date('2026-07-01T10:00:00Z') });
      const b = await lookup.createRun(config, dataInfo(), backend, { now: new Date('2026-07-01T10:00:00Z') });
      const c = await lookup.createRun(config, dataInfo(), backend, { now: new Date('2026-08-01T10:00:00Z') });
      assert.equal((await resolveRun(lookup, a)).id, a);
      assert.equal((await resolveRun(lookup, '20260801')).id, c);
      await assert.rejects(resolveRun(lookup, '20260701-1000'), expectError('BAD_INPUT', 'matches 2 runs', a, b));
      const byPath = await resolveRun(lookup, join(lookup.root, b, 'run.json'));
      assert.equal(byPath.id, b);
      assert.equal(byPath.store, lookup);
      const relative = await resolveRun(lookup, `./${c}`, { cwd: lookup.root });
      assert.equal(relative.id, c);
      const elsewhere = await resolveRun(store, join(lookup.root, a));
      assert.equal(elsewhere.store.root, lookup.root);
      assert.equal((await elsewhere.store.readRun(elsewhere.id)).id, a);
      await assert.rejects(resolveRun(lookup, '1999'), expectError('NOT_FOUND', 'no run "1999"'));
    });
  });

  describe('stale runs', () => {
    it('marks a run failed when its training process has ended, and leaves live, remote and finished runs alone', async () => {
      const stale = new RunStore(join(dir, 'stale'));
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 50)'], { stdio: 'ignore' });
      const pid = child.pid;
      assert.ok(pid);
      const dead = await stale.createRun(config, dataInfo(), backend, {
        process: { pid, hostname: hostname(), startedAt: new Date().toISOString() },
      });
      await new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const alive = await stale.createRun(config, dataInfo(), backend);
      const remote = await stale.createRun(config, dataInfo(), backend, {
        process: { pid, hostname: `${hostname()}-elsewhere`, startedAt: new Date().toISOString() },
      });
      const finished = await stale.createRun(config, dataInfo(), backend, {
        status: 'completed',
        process: { pid, hostname: hostname(), startedAt: new Date().toISOString() },
      });

      const marked = await reconcileStaleRuns(stale);
      assert.deepEqual(marked, [dead]);
      const record: RunRecord = await stale.readRun(dead);
      assert.equal(record.status, 'failed');
      assert.deepEqual(record.error, { message: `training process ${pid} ended without finishing`, code: 'INTERNAL' });
      assert.ok(record.timings.endedAt);
      assert.equal((await stale.readRun(alive)).status, 'running');
      assert.equal((await stale.readRun(remote)).status, 'running');
      assert.equal((await stale.readRun(finished)).status, 'completed');
      assert.deepEqual(await reconcileStaleRuns(stale), []);
    });

    it(
      'tells a reused pid from the process that was recorded, where /proc shows start times',
      { skip: !existsSync('/proc/self/stat') && 'no /proc on this system' },
      async () => {
        const stale = new RunStore(join(dir, 'reused'));
        const self = currentProcessInfo();
        assert.equal(typeof self.startTicks, 'number');
        const reused = await stale.createRun(config, dataInfo(), backend, {
          process: { ...self, startTicks: (self.startTicks ?? 0) + 1 },
        });
        const same = await stale.createRun(config, dataInfo(), backend, { process: self });
        assert.deepEqual(await reconcileStaleRuns(stale), [reused]);
        assert.equal((await stale.readRun(same)).status, 'running');
      },
    );
  });
});
