import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
      const result = await runCli(['import', fifo, '--runs', join(dir, 'runs')], { cwd: dir, timeoutMs: 15_000 });
      assert.equal(result.timedOut, false, 'import of a FIFO was still blocked after 15 s');
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, /model\.safetensors: .*is a named pipe \(FIFO\), not a regular file/);
      assert.equal(hasStackTrace(result.stderr), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder named like a checkpoint inside a series folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invertscope-dirimport-'));
    try {
      // A folder given to import is a series: the files directly in it. One of them is a folder.
      const series = join(dir, 'series');
      mkdirSync(join(series, 'model-1.safetensors'), { recursive: true });
      const result = await runCli(['import', series, '--runs', join(dir, 'runs')], { cwd: dir, timeoutMs: 15_000 });
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, /model-1\.safetensors: .*is a folder, not a regular file/);
      assert.equal(hasStackTrace(result.stderr), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
