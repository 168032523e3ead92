import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKEND_FACTS,
  TFJS_NODE_CLI_ONLY,
  type BackendAvailability,
} from '../../../src/core/train/backendCapabilities';
import { backendChoices, backendHint } from '../../../src/extension/training/backendChoices';

const probed: BackendAvailability[] = BACKEND_FACTS.map((f) => ({
  ...f,
  unavailable: f.name === 'tensorflow' ? TFJS_NODE_CLI_ONLY : null,
}));

describe('Select Backend choices', () => {
  it('offers auto with what it resolves to per objective, then what loads, then what does not with the reason', () => {
    const rows = backendChoices(probed, 'wasm');
    assert.deepEqual(
      rows.map((r) => r.label),
      ['auto', 'simd', 'wasm', 'cpu', 'tensorflow'],
    );
    assert.match(rows[0].description, /simd for the paper's loss \(seed\), simd for exact likelihood \(flow\)/);
    assert.deepEqual(
      rows.map((r) => r.unavailable === null),
      [true, true, true, true, false],
    );
    assert.equal(rows[4].unavailable, TFJS_NODE_CLI_ONLY);
    assert.doesNotMatch(rows[1].description, / only$/, 'the SIMD engine trains both objectives');
    const seedOnly = backendChoices(
      probed.map((b) => (b.name === 'simd' ? { ...b, objectives: ['seed'] as const } : b)),
      'wasm',
    );
    assert.match(seedOnly[0].description, /simd for the paper's loss \(seed\), wasm for exact likelihood \(flow\)/);
    assert.match(seedOnly[1].description, /trains the paper's loss \(seed\) only/);
    assert.deepEqual(
      rows.filter((r) => r.current).map((r) => r.label),
      ['wasm'],
    );
  });

  it('takes every fact from the capability probe: a backend that does not load moves to the end', () => {
    const noSimd = probed.map((b) => (b.name === 'simd' ? { ...b, unavailable: 'no SIMD here' } : b));
    const rows = backendChoices(noSimd, 'auto');
    assert.deepEqual(
      rows.map((r) => r.label),
      ['auto', 'wasm', 'cpu', 'tensorflow', 'simd'],
    );
    assert.match(rows[0].description, /wasm for the paper's loss/);
  });

  it('says in its hint when the configured backend cannot load here', () => {
    assert.equal(backendHint(backendChoices(probed, 'auto'), 'auto'), 'Compute backend for training (now: auto)');
    assert.equal(
      backendHint(backendChoices(probed, 'tensorflow'), 'tensorflow'),
      'Compute backend for training (now: tensorflow, which cannot load here)',
    );
  });
});
