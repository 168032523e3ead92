import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromFailure } from '../../../src/backend/protocol';
import { EXIT, exitCodeFor } from '../../../src/cli/exitCodes';
import { InvertscopeError, isErrorCode } from '../../../src/core/errors';

describe('failures reported across the process boundary', () => {
  it('knows exactly the codes InvertscopeError has', () => {
    for (const code of ['BAD_INPUT', 'NOT_FOUND', 'CORRUPT', 'NUMERIC', 'NETWORK', 'CANCELLED', 'BACKEND', 'INTERNAL'])
      assert.ok(isErrorCode(code), code);
    for (const other of ['PROCESS_EXIT', '', 'bad_input', 'toString', '__proto__', undefined, 3])
      assert.equal(isErrorCode(other), false, String(other));
  });

  it('rebuilds an InvertscopeError for our codes and a plain Error otherwise, keeping the message', () => {
    const ours = errorFromFailure({ message: 'run x: no such file', code: 'NOT_FOUND' });
    assert.ok(ours instanceof InvertscopeError);
    assert.equal(ours.code, 'NOT_FOUND');
    assert.equal(ours.message, 'run x: no such file');
    const died = errorFromFailure({
      message: 'training process exited with code 1 before reporting an outcome',
      code: 'PROCESS_EXIT',
    });
    assert.ok(!(died instanceof InvertscopeError));
    assert.equal(died.message, 'training process exited with code 1 before reporting an outcome');
    assert.equal(errorFromFailure(undefined).message, 'the training process failed');
  });

  it('gives a failed training the exit status each code the trainer reports has always had', () => {
    const expected: Record<string, number> = {
      BAD_INPUT: EXIT.badInput,
      NOT_FOUND: EXIT.badInput,
      CORRUPT: EXIT.badInput,
      BACKEND: EXIT.backend,
      NUMERIC: EXIT.failed,
      INTERNAL: EXIT.failed,
      PROCESS_EXIT: EXIT.failed,
      SOMETHING_NEW: EXIT.failed,
    };
    for (const [code, status] of Object.entries(expected)) {
      assert.equal(exitCodeFor(errorFromFailure({ message: 'm', code })), status, code);
    }
    assert.equal(exitCodeFor(errorFromFailure(undefined)), EXIT.failed);
  });
});
