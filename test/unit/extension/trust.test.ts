import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireTrustToImport, requireTrustToTrain, UntrustedWorkspaceError } from '../../../src/extension/trust';
import { isInsideFolder } from '../../../src/extension/util/paths';

describe('Restricted Mode', () => {
  it('refuses training without trust and says why', () => {
    assert.throws(
      () => requireTrustToTrain(false),
      (e: unknown) => e instanceof UntrustedWorkspaceError && /Restricted Mode: it starts a process/.test(e.message),
    );
    assert.doesNotThrow(() => requireTrustToTrain(true));
  });

  it('refuses importing a file from the workspace without trust, but not one from elsewhere', () => {
    assert.throws(() => requireTrustToImport(false, '/ws/models/a.safetensors', ['/ws']), /comes from this workspace/);
    assert.doesNotThrow(() => requireTrustToImport(false, '/home/me/a.safetensors', ['/ws']));
    assert.doesNotThrow(() => requireTrustToImport(true, '/ws/models/a.safetensors', ['/ws']));
  });
});

describe('isInsideFolder', () => {
  it('tells inside from a sibling with a common prefix', () => {
    assert.equal(isInsideFolder('/ws/a/b', '/ws'), true);
    assert.equal(isInsideFolder('/ws', '/ws'), true);
    assert.equal(isInsideFolder('/ws2/a', '/ws'), false);
    assert.equal(isInsideFolder('/ws/../etc', '/ws'), false);
  });
});
