import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvertscopeError } from '../../../src/core/errors';
import { describeFailure, isCancellation } from '../../../src/extension/common/errorMessages';
import { UntrustedWorkspaceError } from '../../../src/extension/trust';

describe('describeFailure', () => {
  it('offers Open Log for ordinary failures and keeps the first line only', () => {
    const f = describeFailure('Delete Run', new Error('disk went away\n    at stack'));
    assert.deepEqual(f, { severity: 'error', text: 'Delete Run failed: disk went away', actions: ['openLog'] });
  });

  it('names the kind of problem for each InvertscopeError code', () => {
    assert.match(
      describeFailure('Import', new InvertscopeError('CORRUPT', 'bad header')).text,
      /^Import: stored data is damaged: bad header$/,
    );
    assert.match(describeFailure('Import', new InvertscopeError('NOT_FOUND', 'no run x')).text, /not found: no run x/);
    assert.match(
      describeFailure('Download MNIST', new InvertscopeError('NETWORK', 'ENOTFOUND')).text,
      /download failed: ENOTFOUND\. Check the connection/,
    );
    assert.match(
      describeFailure('Analyse', new InvertscopeError('NUMERIC', 'singular')).text,
      /numerical failure: singular/,
    );
  });

  it('offers Select Backend when no backend loads', () => {
    const f = describeFailure('Train Model', new InvertscopeError('BACKEND', 'tfjs-node missing'));
    assert.deepEqual(f.actions, ['selectBackend', 'openLog']);
  });

  it('is silent about cancellations', () => {
    assert.equal(describeFailure('Train Model', new InvertscopeError('CANCELLED', 'stopped')).severity, 'silent');
    assert.equal(describeFailure('Analyse', Object.assign(new Error('x'), { name: 'AbortError' })).severity, 'silent');
  });

  it('explains Restricted Mode and offers to manage trust', () => {
    const f = describeFailure('Train Model', new UntrustedWorkspaceError('Training is turned off in Restricted Mode'));
    assert.equal(f.severity, 'warning');
    assert.equal(f.text, 'Training is turned off in Restricted Mode');
    assert.deepEqual(f.actions, ['manageTrust']);
  });

  it('turns file system codes into words', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file, open '/x'"), { code: 'ENOENT' });
    assert.match(describeFailure('Reveal Run', enoent).text, /file or folder not found/);
    assert.match(
      describeFailure('Export', Object.assign(new Error('x'), { code: 'EACCES' })).text,
      /permission denied/,
    );
  });

  it('describes values that are not errors', () => {
    assert.equal(describeFailure('Generate', 'plain string').text, 'Generate failed: plain string');
  });
});

describe('isCancellation', () => {
  it('recognises the cancellation shapes of the core, AbortController and VS Code', () => {
    assert.equal(isCancellation(new InvertscopeError('CANCELLED', 'x')), true);
    assert.equal(isCancellation(Object.assign(new Error('Canceled'), { name: 'Canceled' })), true);
    assert.equal(isCancellation(new Error('x')), false);
    assert.equal(isCancellation(null), false);
  });
});
