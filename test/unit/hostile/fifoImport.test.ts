import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasStackTrace, runCli } from './harness/runCli';

const canMakeFifo = process.platform !== 'win32' && spawnSync('mkfifo', ['--version']).status === 0;

/** A named pipe given to import is refused at once: it is examined before it is opened. */
describe('import of files that are not regular files', () => {
  it('refuses a FIFO nobody writes to without blocking', { skip: !canMakeFifo && 'no mkfifo here' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invertscope-fifo-'));
    try {
      const fifo = join(dir, 'model.safetensors');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
      const result = await runCli(['import', fifo, '--out', join(dir, 'runs')], { cwd: dir, timeoutMs: 15_000 });
      assert.equal(result.timedOut, false, 'import of a FIFO was still blocked after 15 s');
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, /model\.safetensors: .*is a named pipe \(FIFO\), not a regular file/);
      assert.equal(hasStackTrace(result.stderr), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder named like a checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invertscope-dirimport-'));
    try {
      const result = await runCli(['import', dir, '--out', join(dir, 'runs')], { cwd: dir, timeoutMs: 15_000 });
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, /is a folder, not a regular file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
