import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasStackTrace, runCli } from './harness/runCli';

/** A runs folder that cannot be created fails training at once with a message naming it. */
describe('train into a runs folder that cannot be created', () => {
  const quick = ['--epochs', '1', '--train-count', '64', '--test-count', '16', '--backend', 'wasm'];

  it(
    'refuses /proc/nope at once instead of spinning',
    { skip: !existsSync('/proc/self') && 'no /proc here' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'invertscope-proc-'));
      try {
        const result = await runCli(['train', ...quick, '--runs', '/proc/nope'], { cwd: dir, timeoutMs: 30_000 });
        assert.equal(result.timedOut, false, 'train --runs /proc/nope was still running after 30 s');
        assert.equal(result.status, 3, result.stderr);
        assert.match(result.stderr, /\/proc\/nope/);
        assert.equal(hasStackTrace(result.stderr), false, result.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('refuses a runs folder below a file, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invertscope-notdir-'));
    try {
      writeFileSync(join(dir, 'plain'), 'x');
      const result = await runCli(['train', ...quick, '--runs', 'plain/runs'], { cwd: dir, timeoutMs: 30_000 });
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, /plain: .*is a file, not a folder/);
      assert.equal(hasStackTrace(result.stderr), false, result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
