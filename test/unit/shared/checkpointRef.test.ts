import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkpointKey, parseCheckpointKey } from '../../../src/shared/checkpointRef';

describe('checkpoint keys', () => {
  it('are written as run@epoch, with :sha256 when a hash is given', () => {
    assert.equal(checkpointKey({ runId: 'r', epoch: 2 }), 'r@2');
    assert.equal(checkpointKey({ runId: 'r', epoch: 2, sha256: 'ab12' }), 'r@2:ab12');
  });

  it('read back into the parts they were written from, for run ids holding "@" or ":"', () => {
    for (const parts of [
      { runId: 'r', epoch: 0 },
      { runId: 'a@b', epoch: 7 },
      { runId: 'x:y@z', epoch: 12, sha256: '9f' },
    ]) {
      assert.deepEqual(parseCheckpointKey(checkpointKey(parts)), parts);
    }
  });

  it('refuse what checkpointKey does not write', () => {
    for (const text of ['', 'run', '@3', 'run@', 'run@-1', 'run@1.5', 'run@x:ab'])
      assert.equal(parseCheckpointKey(text), null, text);
  });

  it('tell a run from another whose id starts with it (the old prefix test did not)', () => {
    assert.notEqual(parseCheckpointKey(checkpointKey({ runId: 'a@b', epoch: 3 }))?.runId, 'a');
  });
});
