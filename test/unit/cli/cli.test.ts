import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureCli as capture } from '../../helpers/cliCapture';
import { EXIT } from '../../../src/cli/exitCodes';
import { withTempFolder } from '../../helpers/tempFolder';

const inTempDir = (body: (folder: string) => Promise<void>) => withTempFolder('cli', body);

const quick = ['--train-count', '256', '--test-count', '64', '--batch-size', '32', '--backend', 'wasm'];

describe('invertscope CLI', () => {
  it('trains, lists and shows a run, with a line per epoch', async () => {
    await inTempDir(async (dir) => {
      const train = capture(dir);
      assert.equal(
        await main(['train', '--model', 'small', '--epochs', '2', '--checkpoints', '1', ...quick], train.ctx),
        EXIT.ok,
        train.err(),
      );
      assert.match(
        train.err(),
        /epoch 1\/2 {2}train [\d,.]+ nats \(nll [\d,.]+ \+ var penalty [\d.e-]+\) {2}test [\d,.]+ nats {2}[\d,]+ samples\/s/,
      );
      assert.match(train.err(), /checkpoint {2}epoch 2 → checkpoints\/epoch-0002\.safetensors/);
      const id = /Run: runs\/(\S+)/.exec(train.err())?.[1] ?? '';

      const runs = capture(dir);
      assert.equal(await main(['runs'], runs.ctx), EXIT.ok);
      assert.match(runs.out(), new RegExp(`${id} +small +completed +2/2`));

      const show = capture(dir);
      assert.equal(await main(['show', id.slice(0, 13), '--json'], show.ctx), EXIT.ok);
      const shown = JSON.parse(show.out()) as { run: { status: string; checkpoints: unknown[] }; epochs: unknown[] };
      assert.equal(shown.run.status, 'completed');
      assert.equal(shown.run.checkpoints.length, 2);
      assert.equal(shown.epochs.length, 2);
    });
  });

  it('prints every protocol message as a JSON line with --json', async () => {
    await inTempDir(async (dir) => {
      const c = capture(dir);
      assert.equal(await main(['train', '--epochs', '1', '--json', ...quick], c.ctx), EXIT.ok);
      const types = c
        .out()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type: string }).type);
      assert.equal(types[0] === 'log' || types[0] === 'started', true);
      assert.equal(types[types.length - 1], 'finished');
      assert.ok(types.includes('checkpoint'));
    });
  });

  it('exits with a usage status naming the flag and value', async () => {
    await inTempDir(async (dir) => {
      const c = capture(dir);
      assert.equal(await main(['train', '--epochs', 'two'], c.ctx), EXIT.usage);
      assert.match(c.err(), /invalid --epochs: "two" \(expected an integer\)/);
      const d = capture(dir);
      assert.equal(await main(['train', '--bogus'], d.ctx), EXIT.usage);
      assert.match(d.err(), /unknown option --bogus/);
      const e = capture(dir);
      assert.equal(await main(['frobnicate'], e.ctx), EXIT.usage);
    });
  });

  it('exits with the bad-input status for a missing run or data folder', async () => {
    await inTempDir(async (dir) => {
      const c = capture(dir);
      assert.equal(await main(['show', 'nothing-here'], c.ctx), EXIT.badInput);
      const d = capture(dir);
      assert.equal(
        await main(['train', '--data', join(dir, 'no-such-folder'), '--epochs', '1', '--backend', 'wasm'], d.ctx),
        EXIT.badInput,
      );
      assert.match(d.err(), /no-such-folder/);
    });
  });

  it('refuses to resume a run to fewer epochs than it has', async () => {
    await inTempDir(async (dir) => {
      assert.equal(await main(['train', '--epochs', '1', ...quick], capture(dir).ctx), EXIT.ok);
      const runs = capture(dir);
      await main(['runs', '--json'], runs.ctx);
      const id = (JSON.parse(runs.out()) as Array<{ id: string }>)[0].id;
      const c = capture(dir);
      assert.equal(await main(['resume', id, '--epochs', '1'], c.ctx), EXIT.badInput);
      assert.match(c.err(), /--epochs must be more than the 1 epochs already completed, got 1/);
    });
  });
});
