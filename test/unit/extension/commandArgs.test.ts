import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asCheckpointRef,
  asRunRef,
  checkpointEntry,
  checkpointPairFromSelection,
} from '../../../src/extension/common/commandArgs';
import { runRecord } from './builders';

class FakeCheckpointNode {
  constructor(
    private readonly run: string,
    readonly epoch: number,
  ) {}
  get runId(): string {
    return this.run;
  }
}

describe('command arguments', () => {
  it('read a run from a node, a plain object or nothing', () => {
    assert.deepEqual(asRunRef(new FakeCheckpointNode('r', 1)), { runId: 'r' });
    assert.deepEqual(asRunRef({ runId: 'x' }), { runId: 'x' });
    assert.equal(asRunRef(undefined), undefined);
    assert.equal(asRunRef({ runId: '' }), undefined);
    assert.equal(asRunRef('r'), undefined);
  });

  it('read a checkpoint only with an integer epoch', () => {
    assert.deepEqual(asCheckpointRef(new FakeCheckpointNode('r', 3)), { runId: 'r', epoch: 3 });
    assert.equal(asCheckpointRef({ runId: 'r' }), undefined);
    assert.equal(asCheckpointRef({ runId: 'r', epoch: 1.5 }), undefined);
    assert.equal(asCheckpointRef({ runId: 'r', epoch: -1 }), undefined);
  });

  it('take a pair to compare from a multi-selection of two distinct checkpoints', () => {
    const a = new FakeCheckpointNode('r', 1);
    const b = new FakeCheckpointNode('s', 2);
    assert.deepEqual(checkpointPairFromSelection(a, [a, b]), [
      { runId: 'r', epoch: 1 },
      { runId: 's', epoch: 2 },
    ]);
    assert.equal(checkpointPairFromSelection(a, [a]), undefined);
    assert.equal(checkpointPairFromSelection(a, [a, a]), undefined);
    assert.equal(checkpointPairFromSelection(a, [a, b, new FakeCheckpointNode('t', 3)]), undefined);
    assert.equal(checkpointPairFromSelection(a, undefined), undefined);
  });

  it("find a run's checkpoint by epoch, or say which one is missing", () => {
    const run = runRecord({ id: 'r', checkpointEpochs: [1, 2] });
    assert.equal(checkpointEntry(run, { runId: 'r', epoch: 2 }), run.checkpoints[1]);
    assert.throws(() => checkpointEntry(run, { runId: 'r', epoch: 3 }), {
      message: 'run r has no checkpoint at epoch 3',
    });
  });
});
