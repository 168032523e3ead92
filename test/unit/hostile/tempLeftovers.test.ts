import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { copyRun, trainTemplateRun, type TemplateRun } from './templateRun';
import { reconcileStaleRuns } from '../../../src/core/store/staleRuns';

/**
 * Temporary files of atomic writes are named `.<file>.<pid>.<host>.<hex>.tmp`
 * (docs/run-store.md): those whose writer is gone are removed when the store
 * is reconciled (before listing, and when a trainer starts); a writer still
 * running keeps its file.
 */
describe('leftover temporary files', () => {
  let dir = '';
  let template: TemplateRun;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-leftovers-'));
    template = await trainTemplateRun(join(dir, 'template'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
  const tempName = (file: string, pid: number) => `.${file}.${pid}.${host}.0123456789ab.tmp`;

  it("removes those of dead writers in the run folder, checkpoints/ and resume/, and keeps a live writer's", async () => {
    const run = copyRun(template, join(dir, 'a', 'runs'));
    const folder = join(run.runs, run.id);
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
    );
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const leftovers = [
        join(folder, tempName('run.json', dead)),
        join(folder, 'checkpoints', tempName('epoch-0002.safetensors', dead)),
        join(folder, 'resume', tempName('latest.safetensors', dead)),
      ];
      const kept = join(folder, 'checkpoints', tempName('epoch-0003.safetensors', live.pid as number));
      for (const file of [...leftovers, kept]) writeFileSync(file, Buffer.alloc(4096));
      await reconcileStaleRuns(new RunStore(run.runs));
      for (const file of leftovers) assert.equal(existsSync(file), false, `${file} should be removed`);
      assert.equal(existsSync(kept), true, 'a live writer keeps its file');
    } finally {
      live.kill();
    }
  });

  it('removes an unattributed temporary file only once it is an hour old', async () => {
    const run = copyRun(template, join(dir, 'b', 'runs'));
    const checkpoints = join(run.runs, run.id, 'checkpoints');
    mkdirSync(checkpoints, { recursive: true });
    const old = join(checkpoints, '.epoch-0007.safetensors.5f1e2d3c4b5a.tmp');
    const recent = join(checkpoints, '.epoch-0008.safetensors.6a5b4c3d2e1f.tmp');
    writeFileSync(old, 'x');
    writeFileSync(recent, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    await reconcileStaleRuns(new RunStore(run.runs));
    assert.deepEqual(
      readdirSync(checkpoints).filter((n) => n.endsWith('.tmp')),
      ['.epoch-0008.safetensors.6a5b4c3d2e1f.tmp'],
    );
  });
});
