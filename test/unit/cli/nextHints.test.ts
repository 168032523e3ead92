import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { EXIT } from '../../../src/cli/exitCodes';
import { main } from '../../../src/cli/main';
import { smallSplit } from '../analysis/builders';
import { captureCli as capture } from '../../helpers/cliCapture';
import { shellWords } from '../../helpers/shellWords';

/** The command lines of a "Next: a  ·  b" hint, as a shell would split them, without the program name. */
function hintedCommands(stderr: string, prefix: string): string[][] {
  const line = stderr.split('\n').find((l) => l.startsWith(prefix));
  assert.ok(line, `no "${prefix}" line in:\n${stderr}`);
  return line
    .slice(prefix.length)
    .split('  ·  ')
    .map((c) => {
      const words = shellWords(c.trim());
      assert.equal(words[0], 'invertscope', c);
      return words.slice(1);
    });
}

describe('command lines the CLI suggests', () => {
  let dir = '';
  const runs = 'my runs';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invertscope-hints-'));
    // The analysis classifier, trained on a few digits under the real cache key, so the hinted analyze takes seconds.
    const split = await smallSplit(300, 100);
    await loadOrTrainClassifier({
      cacheFolder: join(dir, runs, '.cache'),
      settings: CLASSIFIER_SETTINGS,
      dataDescription: CLASSIFIER_DATA,
      loadData: async () => split,
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('after training into another runs folder, the "Next:" commands work when pasted', async () => {
    const train = capture(dir);
    const quick = ['--train-count', '256', '--test-count', '64', '--batch-size', '32', '--backend', 'wasm'];
    assert.equal(
      await main(['train', '--model', 'small', '--epochs', '1', '--runs', runs, ...quick], train.ctx),
      EXIT.ok,
      train.err(),
    );
    const [show, analyze] = hintedCommands(train.err(), 'Next: ');
    assert.deepEqual(show.slice(-2), ['--runs', runs], 'show names the runs folder');

    const shown = capture(dir);
    assert.equal(await main(show, shown.ctx), EXIT.ok, shown.err());
    assert.match(shown.out(), /status +completed/);
    assert.equal(analyze[0], 'analyze');
    const analysed = capture(dir);
    // The hinted command as given, with options that only make the analysis smaller.
    const small = ['--test-images', '20', '--noise', '1e-2', '--samples', '4', '--extra-temperatures', 'none'];
    assert.equal(await main([...analyze, ...small], analysed.ctx), EXIT.ok, analysed.err());
    assert.match(analysed.out(), /small, epoch 1/);
  });

  it('an empty runs folder other than ./runs is named in the suggested train command', async () => {
    const c = capture(dir);
    assert.equal(await main(['runs', '--runs', 'empty runs'], c.ctx), EXIT.ok);
    assert.match(c.out(), /Start one with: invertscope train --model small --epochs 2 --runs 'empty runs'\n/);
    const here = capture(dir);
    assert.equal(await main(['runs'], here.ctx), EXIT.ok);
    assert.match(here.out(), /Start one with: invertscope train --model small --epochs 2\n/);
  });
});
