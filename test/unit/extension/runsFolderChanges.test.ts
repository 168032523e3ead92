import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { changeKey, classifyRunsFolderPath, mergeChangeKeys } from '../../../src/extension/tree/runsFolderChanges';

const root = '/ws/.invertscope/runs';
const at = (...parts: string[]) => join(root, ...parts);

describe('classifyRunsFolderPath', () => {
  it('tells run.json, metrics and other run files apart', () => {
    assert.deepEqual(classifyRunsFolderPath(root, at('r1', 'run.json')), { scope: 'run', runId: 'r1', kind: 'record' });
    assert.deepEqual(classifyRunsFolderPath(root, at('r1', 'metrics.jsonl')), {
      scope: 'run',
      runId: 'r1',
      kind: 'metrics',
    });
    assert.deepEqual(classifyRunsFolderPath(root, at('r1', 'checkpoints', 'epoch-0001.safetensors')), {
      scope: 'run',
      runId: 'r1',
      kind: 'files',
    });
  });

  it('treats the folder itself and a run folder appearing as root changes', () => {
    assert.deepEqual(classifyRunsFolderPath(root, root), { scope: 'root' });
    assert.deepEqual(classifyRunsFolderPath(root, at('r2')), { scope: 'root' });
  });

  it('ignores temporary files, hidden folders and paths elsewhere', () => {
    assert.equal(classifyRunsFolderPath(root, at('r1', '.run.json.0a1b2c.tmp')), null);
    assert.equal(classifyRunsFolderPath(root, at('.staging-x', 'run.json')), null);
    assert.equal(classifyRunsFolderPath(root, '/ws/src/main.ts'), null);
    assert.equal(classifyRunsFolderPath(root, '/ws/.invertscope/runs-old/r1/run.json'), null);
  });
});

describe('mergeChangeKeys', () => {
  it('keeps the strongest change per run and flags the root', () => {
    const keys = [
      changeKey({ scope: 'run', runId: 'a', kind: 'metrics' }),
      changeKey({ scope: 'run', runId: 'a', kind: 'record' }),
      changeKey({ scope: 'run', runId: 'b', kind: 'metrics' }),
      changeKey({ scope: 'run', runId: 'c', kind: 'files' }),
      changeKey({ scope: 'run', runId: 'c', kind: 'metrics' }),
    ];
    const batch = mergeChangeKeys(keys);
    assert.equal(batch.root, false);
    assert.deepEqual([...batch.runs].sort(), [
      ['a', 'record'],
      ['b', 'metrics'],
      ['c', 'files'],
    ]);
    assert.equal(mergeChangeKeys(['root', ...keys]).root, true);
  });

  it('keeps run ids that contain colons intact', () => {
    const batch = mergeChangeKeys([changeKey({ scope: 'run', runId: 'x:y', kind: 'record' })]);
    assert.deepEqual([...batch.runs], [['x:y', 'record']]);
  });
});
