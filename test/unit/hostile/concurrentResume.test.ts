import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { hasStackTrace, runCli } from './harness/runCli';
import { useTemplateRun } from './templateRun';

/**
 * One training process per run, across processes: two resumes of a stopped
 * run started together train it once, the other is refused; a lock left by a
 * process that died is taken over.
 */
describe('resuming one run from two processes', () => {
  const { fresh, dir: folder } = useTemplateRun('concurrent');

  it('trains the run once when two resumes start together; the other is refused by name', async () => {
    const run = fresh();
    const args = ['resume', run.id, '--epochs', '4', '--runs', run.runs];
    const results = await Promise.all([
      runCli(args, { cwd: folder(), timeoutMs: 120_000 }),
      runCli(args, { cwd: folder(), timeoutMs: 120_000 }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [0, 3], results.map((r) => r.stderr).join('\n---\n'));
    const loser = results.find((r) => r.status === 3);
    assert.match(
      loser?.stderr ?? '',
      /run \S+ is being trained by process \d+|--epochs must be more than the 4 epochs already completed/,
    );
    assert.doesNotMatch(loser?.stderr ?? '', /marked failed/);
    assert.ok(results.every((r) => !hasStackTrace(r.stderr)));

    const store = new RunStore(run.runs);
    const record = await store.readRun(run.id);
    assert.equal(record.status, 'completed');
    assert.equal(record.epochsCompleted, 4);
    const metrics = await store.readMetrics(run.id);
    assert.equal(metrics.badLines.length, 0);
    const epochs = metrics.records.filter((m) => m.type === 'epoch').map((m) => m.epoch);
    assert.deepEqual(epochs, [1, 2, 3, 4], 'each epoch recorded once, in order');
    const steps = metrics.records.filter((m) => m.type === 'step').map((m) => m.step);
    assert.equal(new Set(steps).size, steps.length, 'no step recorded twice');
    assert.equal(existsSync(join(run.runs, run.id, '.trainer.lock')), false, 'the lock is released');
  });

  it('refuses to resume a run whose lock a live process holds', async () => {
    const run = fresh();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(
        join(run.runs, run.id, '.trainer.lock'),
        JSON.stringify({ pid: holder.pid, hostname: hostname(), startedAt: new Date().toISOString() }),
      );
      const result = await runCli(['resume', run.id, '--epochs', '2', '--runs', run.runs], {
        cwd: folder(),
        timeoutMs: 60_000,
      });
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, new RegExp(`is being trained by process ${holder.pid}`));
      assert.equal((await new RunStore(run.runs).readRun(run.id)).epochsCompleted, 1);
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const run = fresh();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lock = join(run.runs, run.id, '.trainer.lock');
    writeFileSync(
      lock,
      JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const result = await runCli(['resume', run.id, '--epochs', '2', '--runs', run.runs], {
      cwd: folder(),
      timeoutMs: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal((await new RunStore(run.runs).readRun(run.id)).epochsCompleted, 2);
    assert.equal(existsSync(lock), false);
    assert.doesNotMatch(readFileSync(join(run.runs, run.id, 'run.json'), 'utf8'), /"status": "running"/);
  });
});
