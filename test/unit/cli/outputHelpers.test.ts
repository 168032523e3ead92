import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointOutputStem } from '../../../src/cli/checkpointArgument';

describe('CLI output helpers shared between commands', () => {
  it("names a run's checkpoint outputs <run>-epoch-NNNN and a loose file by its own name", () => {
    assert.equal(
      checkpointOutputStem(
        '/r/runs/20261130-0512-small-3f9a/checkpoints/epoch-0007.safetensors',
        '20261130-0512-small-3f9a',
        7,
      ),
      '20261130-0512-small-3f9a-epoch-0007',
    );
    assert.equal(checkpointOutputStem('/r/runs/x/checkpoints/epoch-12345.safetensors', 'x', 12345), 'x-epoch-12345');
    assert.equal(checkpointOutputStem('/tmp/model.SafeTensors', null, 3), 'model');
    assert.equal(checkpointOutputStem('/tmp/model.bin', null, 3), 'model.bin');
  });
});
