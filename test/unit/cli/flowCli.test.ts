import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { trainConfigFromFlags } from '../../../src/cli/commands/train';
import { EXIT } from '../../../src/cli/exitCodes';
import { main } from '../../../src/cli/main';
import { UsageError } from '../../../src/cli/args';
import { smallSplit } from '../analysis/builders';
import { captureCli as capture } from '../../helpers/cliCapture';
import { decodePng as pngSize } from '../../helpers/decodePng';

describe('train presets for the flow objective', () => {
  it('--model base --objective flow is the recommended paper-shape flow', () => {
    const config = trainConfigFromFlags({ model: 'base', objective: 'flow' }, '/tmp');
    assert.equal(config.architecture.name, 'base');
    assert.equal(config.architecture.parametrization, 'lu');
    assert.equal(config.architecture.layers.length, 4);
    assert.ok(config.architecture.layers.every((l) => l.activation));
    assert.deepEqual([config.epochs, config.batchSize, config.learningRate, config.dequantize], [15, 128, 1e-4, true]);
    assert.deepEqual(config.flow, {
      prior: 'paper',
      init: 'analytic',
      kinkLayers: 3,
      ridge: 0.1,
      warmupSteps: 200,
      cosineDecay: true,
      boundarySurrogate: 0.1,
    });
    assert.deepEqual(
      config.checkpointEpochs,
      [0, 10],
      'the initialized model and epoch 10 (15, the last, always gets one)',
    );
  });

  it('--model flow11 is 11 LU layers with LeakyReLU(0.2) after layers 1–10, a class prior and 0 epochs', () => {
    const config = trainConfigFromFlags({ model: 'flow11' }, '/tmp');
    assert.equal(config.objective, 'flow');
    assert.equal(config.architecture.name, 'flow11');
    assert.equal(config.architecture.negativeSlope, 0.2);
    assert.deepEqual(
      config.architecture.layers.map((l) => l.activation),
      [...new Array<boolean>(10).fill(true), false],
    );
    assert.equal(config.epochs, 0);
    assert.deepEqual(config.checkpointEpochs, [0]);
    assert.equal(config.flow?.prior, 'class');
    assert.equal(config.flow?.init, 'analytic');
    assert.equal(config.flow?.kinkLayers, 10);
  });

  it('--model flowgen fits a full covariance per class to 27 draws; --prior-draws, --prior-shrinkage and --prior-rank choose another prior', () => {
    const prior = (flags: Record<string, unknown>) => {
      const flow = trainConfigFromFlags({ model: 'flowgen', ...flags }, '/tmp').flow;
      return { rank: flow?.priorRank, full: flow?.fullPrior };
    };
    assert.deepEqual(prior({}), { rank: undefined, full: { draws: 27, shrinkage: 0.05 } });
    assert.deepEqual(prior({ 'prior-draws': 9, 'prior-shrinkage': 0.2 }), {
      rank: undefined,
      full: { draws: 9, shrinkage: 0.2 },
    });
    assert.deepEqual(prior({ 'prior-shrinkage': 0.4 }), { rank: undefined, full: { draws: 27, shrinkage: 0.4 } });
    assert.deepEqual(
      prior({ 'prior-rank': 5 }),
      { rank: 5, full: undefined },
      'an explicit rank replaces the full prior',
    );
    assert.deepEqual(prior({ 'prior-rank': 0 }), { rank: undefined, full: undefined }, 'rank 0: the diagonal prior');
    assert.deepEqual(prior({ 'prior-draws': 0 }), { rank: undefined, full: undefined });
    assert.throws(
      () => prior({ 'prior-draws': 0, 'prior-shrinkage': 0.2 }),
      /--prior-shrinkage applies to a full-covariance prior/,
    );
    assert.throws(
      () => prior({ 'prior-draws': 9, 'prior-rank': 5 }),
      /invalid flow\.priorRank: 5 \(0 with flow\.fullPrior/,
    );
    assert.throws(
      () => trainConfigFromFlags({ model: 'flow11', 'prior-shrinkage': 0.2 }, '/tmp'),
      /--prior-shrinkage needs --prior-draws N/,
    );
    assert.equal(
      trainConfigFromFlags({ model: 'flowgen', 'pixel-pseudo-count': 0.1 }, '/tmp').flow?.pixelPseudoCount,
      0.1,
    );
  });

  it("lets every flow setting be overridden, and refuses flow settings for the paper's loss", () => {
    const config = trainConfigFromFlags(
      {
        model: 'base',
        objective: 'flow',
        prior: 'class',
        init: 'default',
        warmup: 0,
        'no-cosine': true,
        tau: 0,
        'no-dequantize': true,
        epochs: 3,
      },
      '/tmp',
    );
    assert.deepEqual(config.flow, {
      prior: 'class',
      init: 'default',
      kinkLayers: 3,
      ridge: 0.1,
      warmupSteps: 0,
      cosineDecay: false,
      boundarySurrogate: 0,
    });
    assert.equal(config.dequantize, false);
    assert.throws(
      () => trainConfigFromFlags({ model: 'base', prior: 'class' }, '/tmp'),
      (e: Error) => e instanceof UsageError && /--prior applies to --objective flow only/.test(e.message),
    );
    assert.throws(() => trainConfigFromFlags({ model: 'flow11', objective: 'seed' }, '/tmp'), /flow11 is a flow/);
    assert.throws(
      () => trainConfigFromFlags({ model: 'base', epochs: 0 }, '/tmp'),
      /invalid epochs: 0 .*flow objective only/,
    );
    assert.throws(
      () => trainConfigFromFlags({ model: 'small', objective: 'flow', 'kink-layers': 1 }, '/tmp'),
      /invalid flow\.kinkLayers: 1 \(an integer in 0\.\.0\)/,
    );
  });
});

describe('invertscope compare', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invertscope-compare-'));
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

  it("prints the paper's loss and a flow in two columns and writes one PNG of both", async () => {
    const data = ['--train-count', '300', '--test-count', '60', '--backend', 'wasm'];
    const seed = capture(dir);
    assert.equal(
      await main(['train', '--model', 'small', '--epochs', '1', '--batch-size', '32', ...data], seed.ctx),
      EXIT.ok,
      seed.err(),
    );
    const seedId = /Run: runs\/(\S+)/.exec(seed.err())?.[1] ?? '';
    const flow = capture(dir);
    assert.equal(
      await main(['train', '--model', 'small', '--objective', 'flow', '--epochs', '0', ...data], flow.ctx),
      EXIT.ok,
      flow.err(),
    );
    assert.match(flow.err(), /epoch 0\/0 .*\(([\d.]+) bits\/dim\) {2}initialized model/);
    const flowId = /Run: runs\/(\S+)/.exec(flow.err())?.[1] ?? '';

    const c = capture(dir);
    const quick = ['--test-images', '20', '--noise', '1e-2', '--samples', '4', '--extra-temperatures', '0.5'];
    assert.equal(
      await main(['compare', seedId, `${flowId}@0`, '--out', 'both.png', ...quick], c.ctx),
      EXIT.ok,
      c.err(),
    );
    const text = c.out();
    assert.match(text, new RegExp(`A: ${seedId} @ 1 +B: ${flowId} @ 0`));
    assert.match(text, /objective +the paper's loss \(seed\) +exact likelihood \(flow\)/);
    assert.match(text, /target \/ prior +N\(2a, 1\) \+ variance penalty +N\(2a·1, I\), fixed/);
    assert.match(text, /test bits\/dim +— \(not a density\) +[\d.]+ \(uniform: 8\)/);
    assert.match(text, /κ layer 1 +[\d.]+(e-?\d+)? +[\d.]+(e-?\d+)?/);
    assert.match(text, /round trip: f32 embedding, f64 inverse +\|err\| /);
    assert.match(text, /round trip: all float64 +\|err\| /);
    assert.match(text, /noise: recognizable up to δ \(float32\)/);
    assert.match(
      text,
      /generation own target float64 T=0\.5 +[\d.]+% read as asked \(N\(2a, T²\)\) +[\d.]+% read as asked/,
    );
    assert.match(text, /\nverdict +(invertible in float32|float32 is not enough|not invertible, even in float64)/);
    for (const line of text.split('\n')) assert.ok(line.length <= 120, `${line.length} columns: ${line}`);
    const png = pngSize(await readFile(join(dir, 'both.png')));
    assert.ok(
      png.width > 2 * png.height * 0.5 && png.height > 280,
      `two panels of ten digit rows: ${png.width}×${png.height}`,
    );

    const json = capture(dir);
    assert.equal(
      await main(['compare', seedId, flowId, '--out', 'both.png', '--json', ...quick], json.ctx),
      EXIT.ok,
      json.err(),
    );
    const parsed = JSON.parse(json.out()) as {
      checkpoints: Array<{ training: { objective: string }; testBitsPerDim: number | null; kappas: number[] }>;
      png: string;
    };
    assert.deepEqual(
      parsed.checkpoints.map((k) => k.training.objective),
      ['seed', 'flow'],
    );
    assert.equal(parsed.checkpoints[0].testBitsPerDim, null);
    assert.equal(typeof parsed.checkpoints[1].testBitsPerDim, 'number');
    assert.equal(parsed.checkpoints[1].kappas.length, 1);

    const usage = capture(dir);
    assert.equal(await main(['compare', seedId], usage.ctx), EXIT.usage);
    assert.match(usage.err(), /compare needs exactly two checkpoints, got 1/);
  });
});
