import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { classifierDataFor } from '../../../src/core/analysis/classifier/classifierData';
import { subset } from '../../../src/core/data/dataset';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { presetArchitecture } from '../../../src/core/model/architecture';
import { initParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import { RunStore } from '../../../src/core/store/runStore';
import { EXIT } from '../../../src/cli/exitCodes';
import { main } from '../../../src/cli/main';
import { captureCli } from '../../helpers/cliCapture';
import { quickConfig } from '../../helpers/trainConfig';
import { smallSplit } from './builders';

const FASHION = '/usr/share/datasets/fashion-mnist';

/** A run on Debian's Fashion-MNIST: what the commands print must name its classes and never call them digits. */
describe('a run on another data set, read as itself', () => {
  let dir = '';
  let id = '';

  before(async () => {
    assert.ok(
      existsSync(FASHION),
      `${FASHION} is missing: run scripts/install-test-deps.sh (it installs Debian's dataset-fashion-mnist)`,
    );
    dir = await mkdtemp(join(tmpdir(), 'invertscope-fashion-'));
    const store = new RunStore(join(dir, 'runs'));
    const config = quickConfig({ model: 'small', data: { kind: 'idx', folder: FASHION } });
    id = await store.createRun(
      config,
      {
        description: FASHION,
        trainCount: 60000,
        testCount: 10000,
        split: {
          kind: 'files',
          trainFile: 'train-images-idx3-ubyte.gz',
          testFile: 't10k-images-idx3-ubyte.gz',
          trainCount: 60000,
          testCount: 10000,
        },
      },
      null,
      { status: 'completed', process: null },
    );
    const architecture = presetArchitecture('small');
    await store.saveCheckpoint(id, {
      architecture,
      params: initParams(architecture, createRng(4)),
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
    const split = await smallSplit(300, 100);
    await loadOrTrainClassifier({
      cacheFolder: join(dir, 'runs', '.cache'),
      settings: CLASSIFIER_SETTINGS,
      dataDescription: CLASSIFIER_DATA,
      loadData: async () => split,
    });
    // Fashion-MNIST's own classifier, trained on a few of its images under its real cache key, so the test does not spend 30 s on it.
    const fashion = await classifierDataFor({ kind: 'idx', folder: FASHION });
    const full = await fashion.load();
    const few = (count: number) => Array.from({ length: count }, (_, i) => i);
    await loadOrTrainClassifier({
      cacheFolder: join(dir, 'runs', '.cache'),
      settings: CLASSIFIER_SETTINGS,
      dataDescription: fashion.description,
      loadData: async () => ({ ...full, train: subset(full.train, few(300)), test: subset(full.test, few(100)) }),
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('analyze names the first test image an ankle boot, lists the classes, and judges with a classifier that learned Fashion-MNIST', async () => {
    const c = captureCli(dir);
    assert.equal(
      await main(
        ['analyze', id, '--test-images', '20', '--noise', '1e-4', '--samples', '2', '--extra-temperatures', 'none'],
        c.ctx,
      ),
      EXIT.ok,
      c.err(),
    );
    const out = c.out();
    assert.match(out, /the first test image \(an ankle boot, label 9\)/);
    assert.match(out, /Fashion-MNIST: 0 T-shirt\/top · 1 Trouser · .* · 9 Ankle boot/);
    assert.match(out, /per class a \(KS/);
    assert.doesNotMatch(out, /digit/i);
    assert.match(out, /the classifier, which learned IDX train-images-idx3-ubyte(\.gz)? \(sha256 [0-9a-f]{16}\)/);
    assert.doesNotMatch(c.err(), /learned the embedded MNIST digits/);
  });

  it('generate and the timeline name the classes too', async () => {
    const g = captureCli(dir);
    assert.equal(await main(['generate', id, '--samples', '1', '--out', 'gen.png'], g.ctx), EXIT.ok, g.err());
    assert.match(
      g.out(),
      /SAMPLES +INVERSE +T +T-shirt\/top +Trouser +Pullover +Dress +Coat +Sandal +Shirt +Sneaker +Bag +Ankle boot +ALL/,
    );
    assert.doesNotMatch(g.out(), /digit/i);
    const t = captureCli(dir);
    assert.equal(
      await main(['timeline', id, '--test-images', '20', '--noise-images', '5', '--samples', '2', '--json'], t.ctx),
      EXIT.ok,
      t.err(),
    );
    const trajectory = JSON.parse(t.out()) as {
      classes: { dataset: string };
      points: Array<{ jacobian: { pointDescription: string } }>;
    };
    assert.equal(trajectory.classes.dataset, 'Fashion-MNIST');
    assert.equal(trajectory.points[0].jacobian.pointDescription, 'the first test image (an ankle boot, label 9)');
  });
});
