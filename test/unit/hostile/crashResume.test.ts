import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordAbnormalEnd } from '../../../src/backend/recordAbnormalEnd';
import { startTraining } from '../../../src/backend/trainingClient';
import type { TrainingSession } from '../../../src/backend/session';
import { createRng } from '../../../src/core/random/rng';
import { RunStore } from '../../../src/core/store/runStore';
import { loadResumePoint } from '../../../src/core/jobs/resumePoint';
import { quickConfig } from '../../helpers/trainConfig';

const EPOCHS = 6;
const config = quickConfig({
  epochs: EPOCHS,
  trainCount: 256,
  testCount: 64,
  checkpointEpochs: [1, 2, 3, 4, 5, 6],
  seed: 11,
});
const options = { recordAbnormalEnd };

/** Every temporary file below the run folder. */
function temps(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));
}

/**
 * SIGKILLs the training process when `when` says: after a random delay, or the
 * moment a temporary file of a checkpoint or resume-point write appears (a
 * write in progress). Resolves once the process is gone.
 */
async function killWhile(
  session: TrainingSession,
  folder: string,
  when: { afterMs: number } | { duringWriteIn: 'checkpoints' | 'resume' },
): Promise<string> {
  await session.started.catch(() => undefined);
  let how = '';
  if ('afterMs' in when) {
    await new Promise((resolve) => setTimeout(resolve, when.afterMs));
    how = `after ${when.afterMs} ms`;
  } else {
    const dir = join(folder, when.duringWriteIn);
    for (let polls = 0; ; polls++) {
      const names = (() => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      })();
      const writing = names.find((n) => n.endsWith('.tmp'));
      if (writing) {
        how = `while writing ${when.duringWriteIn}/${writing}`;
        break;
      }
      if (polls > 60_000) {
        how = 'no write seen';
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (session.pid) {
    try {
      process.kill(session.pid, 'SIGKILL');
    } catch {
      /* it had already finished */
    }
  }
  await session.outcome;
  return how;
}

/** What must hold after any crash: every file the run records parses, and the resume point (if any) loads. */
async function checkIntegrity(store: RunStore, id: string): Promise<void> {
  const record = await store.readRun(id);
  assert.notEqual(record.status, 'running');
  const metrics = await store.readMetrics(id);
  assert.deepEqual(metrics.badLines, [], 'metrics.jsonl has no bad line (an unterminated last one is allowed)');
  for (const entry of record.checkpoints) {
    const loaded = await store.loadCheckpoint(id, entry.epoch);
    assert.equal(loaded.training.epoch, entry.epoch);
  }
  await loadResumePoint(store.folderOf(id));
}

describe('training killed at random moments', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-crash-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves files that all parse, resumes every time, and ends where an uninterrupted run ends', async () => {
    const rng = createRng(7);
    const runsFolder = join(dir, 'runs');
    const store = new RunStore(runsFolder);

    const straight = startTraining({ kind: 'new', runsFolder, config }, options);
    const straightId = (await straight.started).runId;
    assert.equal((await straight.outcome).status, 'completed');

    const first = startTraining({ kind: 'new', runsFolder, config }, options);
    const id = (await first.started).runId;
    const folder = store.folderOf(id);
    const kills: string[] = [await killWhile(first, folder, { duringWriteIn: 'checkpoints' })];
    await checkIntegrity(store, id);

    const plan: ({ afterMs: number } | { duringWriteIn: 'checkpoints' | 'resume' })[] = [
      { duringWriteIn: 'resume' },
      { afterMs: 300 + rng.int(1500) },
      { duringWriteIn: 'checkpoints' },
      { afterMs: rng.int(800) },
      { duringWriteIn: 'resume' },
      { afterMs: 500 + rng.int(2500) },
    ];
    for (const when of plan) {
      const record = await store.readRun(id);
      if (record.status === 'completed') break;
      const session = startTraining({ kind: 'resume', runsFolder, runId: id, epochs: EPOCHS }, options);
      kills.push(await killWhile(session, folder, when));
      await checkIntegrity(store, id);
    }
    if ((await store.readRun(id)).status !== 'completed') {
      const last = startTraining({ kind: 'resume', runsFolder, runId: id, epochs: EPOCHS }, options);
      const outcome = await last.outcome;
      assert.equal(outcome.status, 'completed', `${JSON.stringify(outcome.error)} after kills: ${kills.join('; ')}`);
    }
    console.log(`crash test: ${kills.length} kills (${kills.join('; ')}), then completed`);

    await checkIntegrity(store, id);
    const record = await store.readRun(id);
    assert.equal(record.epochsCompleted, EPOCHS);
    assert.deepEqual(
      record.checkpoints.map((c) => c.epoch),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(temps(folder), [], 'no temporary file is left once a trainer has started after the crashes');
    // An epoch killed before its end was trained again; each epoch's last record is the one that counts.
    const epochs = (await store.readMetrics(id)).records.filter((m) => m.type === 'epoch');
    assert.deepEqual([...new Set(epochs.map((m) => m.epoch))], [1, 2, 3, 4, 5, 6]);
    const a = await store.loadCheckpoint(straightId, EPOCHS);
    const b = await store.loadCheckpoint(id, EPOCHS);
    assert.deepEqual(b.params.weights[0], a.params.weights[0], 'bit for bit the parameters of the uninterrupted run');
    assert.equal(b.training.testLoss, a.training.testLoss);
  });
});

describe('training cancelled inside epoch 1', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-epoch1-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes within the epoch (no "never completed an epoch") and ends bit for bit where an uninterrupted run ends', async () => {
    const runsFolder = join(dir, 'runs');
    const store = new RunStore(runsFolder);
    // 64 steps an epoch: step messages are sampled ten a second, so the cancel is sent on the first
    // one that arrives and still lands well inside epoch 1.
    const twoEpochs = quickConfig({ epochs: 2, trainCount: 2048, testCount: 64, checkpointEpochs: [2], seed: 5 });
    const straight = startTraining({ kind: 'new', runsFolder, config: twoEpochs }, options);
    const straightId = (await straight.started).runId;
    assert.equal((await straight.outcome).status, 'completed');

    const interrupted = startTraining({ kind: 'new', runsFolder, config: twoEpochs }, options);
    interrupted.onMessage((m) => {
      if (m.type === 'progress' && m.metric.type === 'step' && m.metric.epoch === 1) interrupted.cancel();
    });
    const id = (await interrupted.started).runId;
    assert.equal((await interrupted.outcome).status, 'cancelled');
    assert.equal((await store.readRun(id)).epochsCompleted, 0, 'stopped inside epoch 1');
    const point = await loadResumePoint(store.folderOf(id));
    assert.ok(point?.info.partialEpoch, 'the resume point holds the position inside epoch 1');

    const resumed = startTraining({ kind: 'resume', runsFolder, runId: id, epochs: 2 }, options);
    const outcome = await resumed.outcome;
    assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error));
    const a = await store.loadCheckpoint(straightId, 2);
    const b = await store.loadCheckpoint(id, 2);
    assert.deepEqual(b.params.weights, a.params.weights);
    assert.deepEqual(b.params.biases, a.params.biases);
    assert.equal(b.training.testLoss, a.training.testLoss);
  });
});
