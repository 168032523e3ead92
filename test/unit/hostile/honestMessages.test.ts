import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext } from '../../../src/cli/context';
import { main } from '../../../src/cli/main';
import { RunStore } from '../../../src/core/store/runStore';
import { captureCli } from '../../helpers/cliCapture';
import { QUICK_TRAIN, useTemplateRun } from './templateRun';

/** A CLI context that presses Ctrl-C `times` times when stderr first shows `trigger` (at once when trigger is ''). */
function interruptingCli(cwd: string, trigger: string, times: number): { ctx: CliContext; err: () => string } {
  let err = '';
  let handler: (() => void) | null = null;
  let pressed = false;
  const press = () => {
    if (pressed || !handler) return;
    pressed = true;
    for (let i = 0; i < times; i++) handler();
  };
  const ctx: CliContext = {
    stdout: { write: () => undefined },
    stderr: {
      write: (t: string) => {
        err += t;
        if (trigger !== '' && err.includes(trigger)) press();
      },
    },
    cwd,
    onInterrupt: (h) => {
      handler = h;
      if (trigger === '') setImmediate(press);
      return () => {
        handler = null;
      };
    },
  };
  return { ctx, err: () => err };
}

describe('what training says when it stops or is refused', () => {
  const { fresh, dir: folder } = useTemplateRun('messages');
  let counter = 0;

  it('a resume refused before training says why and does not claim the run was marked failed', async () => {
    const run = fresh();
    const before = readFileSync(join(run.runs, run.id, 'run.json'), 'utf8');
    const c = captureCli(folder());
    assert.equal(await main(['resume', run.id, '--epochs', '1', '--runs', run.runs], c.ctx), 3, c.err());
    assert.match(c.err(), /--epochs must be more than the 1 epochs already completed, got 1/);
    assert.doesNotMatch(c.err(), /marked failed/);
    assert.equal(readFileSync(join(run.runs, run.id, 'run.json'), 'utf8'), before);
  });

  it('a resume the training process refuses leaves the run as it was and says nothing of marking it', async () => {
    const run = fresh();
    const file = join(run.runs, run.id, 'run.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as { data: { split: { train: number[] } } };
    // Another image, same count: the record is consistent, but the data no longer splits as recorded.
    record.data.split.train[0] = record.data.split.train[0] === 9999 ? 9998 : 9999;
    writeFileSync(file, JSON.stringify(record));
    const c = captureCli(folder());
    assert.equal(await main(['resume', run.id, '--epochs', '2', '--runs', run.runs], c.ctx), 3, c.err());
    assert.match(c.err(), /the data no longer splits as recorded/);
    assert.doesNotMatch(c.err(), /marked failed/);
    assert.equal((await new RunStore(run.runs).readRun(run.id)).status, 'completed');
  });

  it('Ctrl-C before the first step of epoch 1 prints a resume hint that works', async () => {
    const runs = join(folder(), `new-${++counter}`, 'runs');
    // Pressed as the training process starts: it loads the data and creates the run, then stops before any step.
    const c = interruptingCli(folder(), '', 1);
    assert.equal(await main(['train', ...QUICK_TRAIN, '--epochs', '2', '--runs', runs], c.ctx), 130, c.err());
    const hint = /continue it with: invertscope resume (\S+) --epochs 2/.exec(c.err());
    assert.ok(hint, c.err());
    const resumed = captureCli(folder());
    assert.equal(await main(['resume', hint[1], '--epochs', '2', '--runs', runs], resumed.ctx), 0, resumed.err());
    const record = await new RunStore(runs).readRun(hint[1]);
    assert.equal(record.status, 'completed');
    assert.equal(record.epochsCompleted, 2);
  });

  it('a double Ctrl-C during start-up says nothing was written, never "resume null"', async () => {
    const runs = join(folder(), `new-${++counter}`, 'runs');
    const c = interruptingCli(folder(), '', 2);
    assert.equal(await main(['train', ...QUICK_TRAIN, '--epochs', '2', '--runs', runs], c.ctx), 130, c.err());
    assert.doesNotMatch(c.err(), /resume null|--epochs 0/);
    assert.match(c.err(), /before the run was created; nothing was written/);
    assert.deepEqual(
      (existsSync(runs) ? readdirSync(runs) : []).filter((name) => !name.startsWith('.')),
      [],
    );
  });
});
