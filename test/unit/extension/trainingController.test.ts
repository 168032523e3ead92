import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainRequest } from '../../../src/backend/protocol';
import {
  TrainingController,
  type ActiveTraining,
  type TrainingEnded,
} from '../../../src/extension/training/trainingController';
import { stepMetric, runRecord } from './builders';
import { FakeTrainer, flush, MemoryLog } from './fakes';

const request: TrainRequest = { kind: 'new', runsFolder: '/runs', config: runRecord().config };

describe('TrainingController', () => {
  it('follows a session from start through progress to its end', async () => {
    const trainer = new FakeTrainer();
    const controller = new TrainingController(trainer, new MemoryLog());
    const changes: ActiveTraining[] = [];
    const ends: TrainingEnded[] = [];
    controller.onDidChange((t) => changes.push(t));
    controller.onDidEnd((e) => ends.push(e));

    controller.start(request, 'small');
    const session = trainer.sessions[0];
    assert.equal(controller.list().length, 1);
    session.start('run-1', 1, 2, 10);
    session.emit({ type: 'progress', runId: 'run-1', metric: stepMetric(1, 5, 0.9) });
    assert.equal(controller.findByRun('run-1')?.progress?.loss, 0.9);
    assert.equal(controller.findByRun('run-1')?.progress?.epochFraction, 0.5);

    session.end({ status: 'completed', runId: 'run-1' });
    await flush();
    assert.equal(controller.list().length, 0);
    assert.equal(ends.length, 1);
    assert.equal(ends[0].outcome.status, 'completed');
    assert.equal(ends[0].training.runId, 'run-1');
    assert.equal(session.listenerCount, 0, 'unsubscribes from the finished session');
    assert.ok(changes.some((c) => c.runId === 'run-1' && c.progress?.loss === 0.9));
    controller.dispose();
  });

  it('reports checkpoints and forwards trainer log lines', () => {
    const trainer = new FakeTrainer();
    const log = new MemoryLog();
    const controller = new TrainingController(trainer, log);
    const checkpoints: unknown[] = [];
    controller.onDidWriteCheckpoint((c) => checkpoints.push(c));
    controller.start(request, 'small');
    const session = trainer.sessions[0];
    session.start('run-2');
    session.emit({ type: 'checkpoint', runId: 'run-2', entry: runRecord({ checkpointEpochs: [1] }).checkpoints[0] });
    session.emit({ type: 'log', level: 'warn', message: 'slow backend' });
    assert.deepEqual(checkpoints, [{ runId: 'run-2', epoch: 1 }]);
    assert.ok(log.lines.includes('warn trainer: slow backend'));
    controller.dispose();
  });

  it('asks the process to stop, and kills it when it does not answer in time', async () => {
    const trainer = new FakeTrainer();
    const controller = new TrainingController(trainer, new MemoryLog(), 20);
    const training = controller.start(request, 'small');
    controller.stop(training.session);
    assert.equal(trainer.sessions[0].cancelCalls, 1);
    assert.equal(controller.list()[0].stopRequested, true);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(trainer.sessions[0].killCalls, 1);
    controller.dispose();
  });

  it('does not kill a process that stopped in time', async () => {
    const trainer = new FakeTrainer();
    const controller = new TrainingController(trainer, new MemoryLog(), 30);
    const training = controller.start(request, 'small');
    controller.stop(training.session);
    trainer.sessions[0].end({ status: 'cancelled', runId: 'r', lastCheckpoint: null });
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(trainer.sessions[0].killCalls, 0);
    controller.dispose();
  });

  it('refuses to resume a run that is already training', () => {
    const trainer = new FakeTrainer();
    const controller = new TrainingController(trainer, new MemoryLog());
    const resume: TrainRequest = { kind: 'resume', runsFolder: '/runs', runId: 'r', epochs: 4 };
    controller.start(resume, 'r');
    assert.equal(controller.findByRun('r')?.label, 'r', 'a resumed run is known by id before it starts');
    assert.throws(() => controller.start(resume, 'r'), /already training/);
    controller.dispose();
  });

  it('asks every process to stop when disposed, and refuses new ones', () => {
    const trainer = new FakeTrainer();
    const controller = new TrainingController(trainer, new MemoryLog());
    controller.start(request, 'a');
    controller.start(request, 'b');
    controller.dispose();
    controller.dispose();
    assert.deepEqual(
      trainer.sessions.map((s) => s.cancelCalls),
      [1, 1],
    );
    assert.throws(() => controller.start(request, 'c'), /after dispose/);
  });

  it('keeps other listeners going when one throws, and logs the error', () => {
    const trainer = new FakeTrainer();
    const log = new MemoryLog();
    const controller = new TrainingController(trainer, log);
    let heard = 0;
    controller.onDidChange(() => {
      throw new Error('listener broke');
    });
    controller.onDidChange(() => {
      heard++;
    });
    controller.start(request, 'small');
    assert.equal(heard, 1);
    assert.ok(log.lines.some((l) => l.includes('listener broke')));
    controller.dispose();
  });
});
