import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { customArchitecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import {
  flowSidecarPath,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointFlow,
  type CheckpointTraining,
} from '../../../src/core/store/checkpoint';
import { readSafetensors } from '../../../src/core/store/safetensors/readSafetensors';
import { encodeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import { RunStore } from '../../../src/core/store/runStore';
import { LEGACY_FLOW_TRAINING } from '../../../src/core/train/config';
import { flowParams } from '../../../src/core/train/flow/flowParams';
import { classPriorFromPaper } from '../../../src/core/train/flow/flowPrior';
import { validateTrainConfig } from '../../../src/core/train/validateConfig';
import { randomLuLayer } from '../flow/flowFixtures';
import { dataInfo, expectError, tempFolder, trainConfig } from './storeTestUtils';

const n = 8;
const arch = customArchitecture({ name: 'tiny-flow', depth: 3, activation: true, width: n, parametrization: 'lu' });

const TRAINING: CheckpointTraining = {
  epoch: 4,
  globalStep: 40,
  objective: 'flow',
  seed: 3,
  trainLoss: -12.5,
  testLoss: -11.25,
  createdAt: '2026-11-30T05:12:00.000Z',
  invertscopeVersion: '0.1.0',
};

function flowState(seed: number): { flow: CheckpointFlow; params: ReturnType<typeof flowParams> } {
  const rng = createRng(seed);
  const layers = arch.layers.map(() => randomLuLayer(n, rng));
  const biases = arch.layers.map(() => Float32Array.from({ length: n }, () => rng.normal()));
  const prior = classPriorFromPaper(10, n);
  if (prior.kind !== 'class') throw new Error('expected a class prior');
  prior.mean.forEach((_, k) => {
    prior.mean[k] = rng.normal();
    prior.logStd[k] = 0.1 * rng.normal();
  });
  const moment = () => ({
    mean: Float32Array.from(prior.mean, () => rng.normal()),
    logStd: Float32Array.from(prior.logStd, () => rng.uniform()),
  });
  return {
    flow: { layers, prior, priorMoments: { first: moment(), second: moment() } },
    params: flowParams({ layers, biases }),
  };
}

describe('flow checkpoints', () => {
  let dir = '';
  let remove = async () => {};
  before(async () => ({ dir, remove } = await tempFolder('flow-store')));
  after(() => remove());

  it('keep the checkpoint a strict state_dict and put LU factors, prior and its moments in a sidecar that reads back exactly', async () => {
    const { flow, params } = flowState(1);
    const file = join(dir, 'epoch-0004.safetensors');
    const written = await writeCheckpoint(file, { architecture: arch, params, training: TRAINING, flow });
    assert.equal(written.flowFile, join(dir, 'epoch-0004.flow.safetensors'));
    const main = await readSafetensors(file);
    assert.deepEqual([...main.tensors.keys()].sort(), [
      '1.bias',
      '1.weight',
      '3.bias',
      '3.weight',
      '5.bias',
      '5.weight',
    ]);
    const sidecar = await readSafetensors(flowSidecarPath(file));
    assert.equal(sidecar.metadata['invertscope.format'], 'flow/1');
    assert.equal(sidecar.metadata['invertscope.checkpoint-sha256'], written.sha256);
    assert.deepEqual(JSON.parse(sidecar.metadata['invertscope.flow']), { prior: 'class', classes: 10 });

    const loaded = await readCheckpoint(file);
    assert.ok(loaded.flow);
    loaded.flow.layers.forEach((layer, l) => {
      assert.deepEqual(layer.packed, flow.layers[l].packed);
      assert.deepEqual(layer.sign, flow.layers[l].sign);
      assert.deepEqual(layer.perm, flow.layers[l].perm);
    });
    assert.deepEqual(loaded.flow.prior, flow.prior);
    assert.deepEqual(loaded.flow.priorMoments, flow.priorMoments);
    assert.equal((await readCheckpoint(file, { flow: 'skip' })).flow, null);
  });

  it('read no flow state without a sidecar (or refuse when required), remove a stale one, and refuse one of another checkpoint', async () => {
    const { flow, params } = flowState(2);
    const file = join(dir, 'plain.safetensors');
    await writeCheckpoint(file, { architecture: arch, params, training: TRAINING, flow });
    await writeCheckpoint(file, { architecture: arch, params, training: { ...TRAINING, epoch: 5 } });
    assert.equal((await readCheckpoint(file)).flow, null, 'rewriting without flow state removes the old sidecar');
    await assert.rejects(readCheckpoint(file, { flow: 'require' }), expectError('NOT_FOUND', 'plain.flow.safetensors'));

    const other = join(dir, 'other.safetensors');
    await writeCheckpoint(other, { architecture: arch, params, training: { ...TRAINING, epoch: 6 }, flow });
    await copyFile(flowSidecarPath(other), flowSidecarPath(file));
    await assert.rejects(
      readCheckpoint(file),
      expectError(
        'CORRUPT',
        'plain.flow.safetensors',
        'invertscope.checkpoint-sha256',
        'left over from an earlier file',
      ),
    );
  });

  it("store a low-rank prior's factors and their moments additively (rank in the metadata) and read them back exactly", async () => {
    const { flow, params } = flowState(4);
    if (flow.prior.kind !== 'class') throw new Error('expected a class prior');
    const rng = createRng(5);
    const factors = () => Float32Array.from({ length: 10 * 2 * n }, () => rng.normal());
    const lowRank: CheckpointFlow = {
      ...flow,
      prior: { ...flow.prior, rank: 2, factors: factors() },
      priorMoments: flow.priorMoments && {
        first: { ...flow.priorMoments.first, factors: factors() },
        second: { ...flow.priorMoments.second, factors: factors() },
      },
    };
    const file = join(dir, 'low-rank.safetensors');
    await writeCheckpoint(file, { architecture: arch, params, training: TRAINING, flow: lowRank });
    const sidecar = await readSafetensors(flowSidecarPath(file));
    assert.deepEqual(JSON.parse(sidecar.metadata['invertscope.flow']), { prior: 'class', classes: 10, rank: 2 });
    assert.deepEqual(sidecar.tensors.get('prior.factors')?.shape, [10, 2, n]);
    const loaded = await readCheckpoint(file);
    assert.deepEqual(loaded.flow?.prior, lowRank.prior);
    assert.deepEqual(loaded.flow?.priorMoments, lowRank.priorMoments);
  });

  it('refuse a low-rank sidecar whose rank is out of range or whose factors are missing, naming the field', async () => {
    const { flow, params } = flowState(6);
    if (flow.prior.kind !== 'class') throw new Error('expected a class prior');
    const file = join(dir, 'hostile.safetensors');
    await writeCheckpoint(file, {
      architecture: arch,
      params,
      training: TRAINING,
      flow: { layers: flow.layers, prior: { ...flow.prior, rank: 1, factors: new Float32Array(10 * n) } },
    });
    const sidecar = await readSafetensors(flowSidecarPath(file));
    const rewrite = async (metadata: Record<string, unknown>, drop: string | null) => {
      const tensors = new Map([...sidecar.tensors].filter(([name]) => name !== drop));
      const encoded = encodeSafetensors(
        tensors,
        { ...sidecar.metadata, 'invertscope.flow': JSON.stringify(metadata) },
        'test',
      );
      await writeFile(flowSidecarPath(file), Buffer.concat(encoded.chunks));
    };
    await rewrite({ prior: 'class', classes: 10, rank: n + 1 }, null);
    await assert.rejects(readCheckpoint(file), expectError('CORRUPT', 'hostile.flow.safetensors', 'rank', 'at most 8'));
    await rewrite({ prior: 'class', classes: 10, rank: -1 }, null);
    await assert.rejects(readCheckpoint(file), expectError('CORRUPT', 'hostile.flow.safetensors', 'rank'));
    await rewrite({ prior: 'class', classes: 10 }, null);
    await assert.rejects(readCheckpoint(file), expectError('CORRUPT', 'hostile.flow.safetensors', 'prior.factors'));
    await rewrite({ prior: 'class', classes: 10, rank: 1 }, 'prior.factors');
    await assert.rejects(
      readCheckpoint(file),
      expectError('CORRUPT', 'hostile.flow.safetensors', '"prior.factors" is missing'),
    );
  });

  it("store a full-covariance prior's whitener as its lower triangles (covariance in the metadata), read it back exactly, and refuse a damaged one", async () => {
    const { flow, params } = flowState(7);
    if (flow.prior.kind !== 'class') throw new Error('expected a class prior');
    const rng = createRng(8);
    const whitener = new Float32Array(10 * n * n);
    for (let a = 0; a < 10; a++)
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) whitener[(a * n + i) * n + j] = rng.normal();
        whitener[(a * n + i) * n + i] = 1 + rng.uniform();
      }
    const full: CheckpointFlow = { ...flow, prior: { ...flow.prior, whitener } };
    const file = join(dir, 'full.safetensors');
    await writeCheckpoint(file, { architecture: arch, params, training: TRAINING, flow: full });
    const sidecar = await readSafetensors(flowSidecarPath(file));
    assert.deepEqual(JSON.parse(sidecar.metadata['invertscope.flow']), {
      prior: 'class',
      classes: 10,
      covariance: 'full',
    });
    assert.deepEqual(sidecar.tensors.get('prior.whitener')?.shape, [10, (n * (n + 1)) / 2]);
    const loaded = await readCheckpoint(file);
    assert.deepEqual(loaded.flow?.prior, full.prior);
    assert.deepEqual(loaded.flow?.priorMoments, full.priorMoments);

    const rewrite = async (metadata: Record<string, unknown>, tensor?: Float32Array) => {
      const tensors = new Map(sidecar.tensors);
      if (tensor) tensors.set('prior.whitener', { dtype: 'F32', shape: [10, tensor.length / 10], data: tensor });
      const encoded = encodeSafetensors(
        tensors,
        { ...sidecar.metadata, 'invertscope.flow': JSON.stringify(metadata) },
        'test',
      );
      await writeFile(flowSidecarPath(file), Buffer.concat(encoded.chunks));
    };
    await rewrite({ prior: 'class', classes: 10, covariance: 'diagonal' });
    await assert.rejects(readCheckpoint(file), expectError('CORRUPT', 'full.flow.safetensors', 'covariance'));
    await rewrite({ prior: 'class', classes: 10 });
    await assert.rejects(readCheckpoint(file), expectError('CORRUPT', 'full.flow.safetensors', 'prior.whitener'));
    const packed = (sidecar.tensors.get('prior.whitener')?.data as Float32Array).slice();
    packed[2] = -1; // the second row's diagonal entry of class 0
    await rewrite({ prior: 'class', classes: 10, covariance: 'full' }, packed);
    await assert.rejects(
      readCheckpoint(file),
      expectError('CORRUPT', 'full.flow.safetensors', 'prior.whitener of class 0 has -1 at (1, 1)'),
    );
  });

  it('refuse a sidecar whose arrays do not fit the architecture, naming the array', async () => {
    const { flow, params } = flowState(3);
    const deeper = customArchitecture({
      name: 'tiny-flow',
      depth: 4,
      activation: true,
      width: n,
      parametrization: 'lu',
    });
    await assert.rejects(
      writeCheckpoint(join(dir, 'short.safetensors'), {
        architecture: deeper,
        params: { weights: [...params.weights, params.weights[0]], biases: [...params.biases, params.biases[0]] },
        training: TRAINING,
        flow,
      }),
      expectError('BAD_INPUT', 'flow.layers', '4 layers, got 3 LU layers'),
    );
  });
});

describe('run.json written before the flow settings existed', () => {
  let dir = '';
  let remove = async () => {};
  before(async () => ({ dir, remove } = await tempFolder('flow-compat')));
  after(() => remove());

  async function storeWith(config: Record<string, unknown>): Promise<{ store: RunStore; id: string }> {
    const store = new RunStore(dir);
    const id = await store.createRun(trainConfig(arch), dataInfo(), null, { status: 'completed', process: null });
    const file = store.runFile(id);
    const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...raw, config: { ...(raw.config as object), ...config } }));
    return { store, id };
  }

  it('reads a flow run without `flow` as the settings the trainer used then', async () => {
    const { store, id } = await storeWith({ objective: 'flow', dequantize: true });
    const record = await store.readRun(id);
    assert.deepEqual(record.config.flow, LEGACY_FLOW_TRAINING);
    assert.equal(LEGACY_FLOW_TRAINING.init, 'default');
    assert.equal(LEGACY_FLOW_TRAINING.cosineDecay, false);
    // Writing the record keeps what was there and adds nothing it did not say.
    await store.updateRun(id, { status: 'cancelled' });
    assert.equal(
      (JSON.parse(await readFile(store.runFile(id), 'utf8')) as { config: Record<string, unknown> }).config.flow,
      undefined,
    );
  });

  it("reads a record without `dequantize` as each objective's default, and a seed run without any flow field", async () => {
    const { store, id } = await storeWith({ objective: 'seed' });
    const raw = JSON.parse(await readFile(store.runFile(id), 'utf8')) as { config: Record<string, unknown> };
    delete raw.config.dequantize;
    await writeFile(store.runFile(id), JSON.stringify(raw));
    const record = await store.readRun(id);
    assert.equal(record.config.dequantize, false);
    assert.equal(record.config.flow, undefined);
    assert.equal(record.timings.initSeconds, undefined);
  });

  it('reads a flow record with some flow fields, taking the rest as the trainer used then, and refuses bad ones by path', async () => {
    const { store, id } = await storeWith({ objective: 'flow', flow: { prior: 'class', cosineDecay: true } });
    const record = await store.readRun(id);
    assert.deepEqual(record.config.flow, { ...LEGACY_FLOW_TRAINING, prior: 'class', cosineDecay: true });
    const full = await storeWith({
      objective: 'flow',
      flow: { prior: 'class', fullPrior: { draws: 27, shrinkage: 0.05 } },
    });
    assert.deepEqual((await full.store.readRun(full.id)).config.flow?.fullPrior, { draws: 27, shrinkage: 0.05 });
    const hostile = await storeWith({
      objective: 'flow',
      flow: { prior: 'class', fullPrior: { draws: 27, shrinkage: -1 } },
    });
    await assert.rejects(
      hostile.store.readRun(hostile.id),
      expectError('CORRUPT', 'config.flow.fullPrior.shrinkage', '-1'),
    );
    const bad = await storeWith({ objective: 'flow', flow: { prior: 'gaussian' } });
    await assert.rejects(
      bad.store.readRun(bad.id),
      expectError('CORRUPT', 'config.flow.prior', '"paper", "class"', '"gaussian"'),
    );
  });

  it('loads old metrics: epoch records without bits/dim, and reads the epoch-0 record the initialized model gets', async () => {
    const store = new RunStore(dir);
    const id = await store.createRun(trainConfig(arch), dataInfo(), null, { status: 'completed', process: null });
    await mkdir(join(store.folderOf(id)), { recursive: true });
    await writeFile(
      store.metricsFile(id),
      [
        JSON.stringify({
          type: 'epoch',
          epoch: 0,
          trainLoss: 3,
          trainParts: [2, 1],
          testLoss: 4,
          testParts: [3, 1],
          testBitsPerDim: 7.5,
          samplesPerSecond: null,
          wallSeconds: 0.5,
        }),
        JSON.stringify({
          type: 'epoch',
          epoch: 1,
          trainLoss: 2,
          trainParts: [1, 1],
          testLoss: 3,
          testParts: [2, 1],
          samplesPerSecond: 900,
          wallSeconds: 2,
        }),
      ].join('\n') + '\n',
    );
    const read = await store.readMetrics(id);
    assert.equal(read.badLines.length, 0);
    assert.deepEqual(
      read.records.map((r) => r.epoch),
      [0, 1],
    );
    assert.ok(read.records[0].type === 'epoch' && Number.isNaN(read.records[0].samplesPerSecond));
    assert.ok(read.records[1].type === 'epoch' && read.records[1].testBitsPerDim === undefined);
  });
});

describe('validateTrainConfig for flows', () => {
  const base = { ...trainConfig(arch), objective: 'flow' as const, dequantize: true };

  it('fills in the recommended flow settings and allows 0 epochs', () => {
    const config = validateTrainConfig({ ...base, epochs: 0 }, 'test');
    assert.deepEqual(config.flow, {
      prior: 'paper',
      init: 'analytic',
      kinkLayers: 2,
      ridge: 0.1,
      warmupSteps: 200,
      cosineDecay: true,
      boundarySurrogate: 0.1,
    });
    assert.equal(config.epochs, 0);
  });

  it('names the field and value of what cannot train', () => {
    assert.throws(
      () => validateTrainConfig({ ...trainConfig(arch), epochs: 0 }, 'test'),
      /invalid epochs: 0 .*flow objective only/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, architecture: { ...arch, parametrization: 'dense' } }, 'test'),
      /invalid architecture\.parametrization: "dense"/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { kinkLayers: 3 } }, 'test'),
      /invalid flow\.kinkLayers: 3 \(an integer in 0\.\.2\)/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { boundarySurrogate: -1 } }, 'test'),
      /invalid flow\.boundarySurrogate: -1/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { priorRank: 3 } }, 'test'),
      /invalid flow\.priorRank: 3 \(0 unless flow\.init is 'gaussianize'/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { priorRank: 2.5 } }, 'test'),
      /invalid flow\.priorRank: 2\.5 \(an integer in 0\.\.7\)/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { denseAfterWhitening: true } }, 'test'),
      /invalid flow\.denseAfterWhitening: true/,
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { fullPrior: { draws: 27, shrinkage: 0.05 } } }, 'test'),
      /invalid flow\.fullPrior: .*unless flow\.init is 'gaussianize'/,
    );
    const gaussianize = {
      ...base,
      architecture: customArchitecture({
        name: 'g',
        depth: 3,
        activation: true,
        activateLast: false,
        width: n,
        negativeSlope: 0.5,
        parametrization: 'lu',
      }),
      flow: { prior: 'class', init: 'gaussianize', kinkLayers: 1 },
    } as const;
    assert.throws(
      () =>
        validateTrainConfig(
          { ...gaussianize, flow: { ...gaussianize.flow, fullPrior: { draws: 1, shrinkage: 0.05 } } },
          'test',
        ),
      /invalid flow\.fullPrior\.draws: 1 \(an integer in 2\.\.256\)/,
    );
    assert.throws(
      () =>
        validateTrainConfig(
          { ...gaussianize, flow: { ...gaussianize.flow, fullPrior: { draws: 4, shrinkage: 0 } } },
          'test',
        ),
      /invalid flow\.fullPrior\.shrinkage: 0 \(a number in \(0, 1\]\)/,
    );
    assert.throws(
      () =>
        validateTrainConfig(
          { ...gaussianize, flow: { ...gaussianize.flow, priorRank: 2, fullPrior: { draws: 4, shrinkage: 0.1 } } },
          'test',
        ),
      /invalid flow\.priorRank: 2 \(0 with flow\.fullPrior/,
    );
    assert.deepEqual(
      validateTrainConfig(
        { ...gaussianize, flow: { ...gaussianize.flow, fullPrior: { draws: 4, shrinkage: 0.1 } } },
        'test',
      ).flow?.fullPrior,
      { draws: 4, shrinkage: 0.1 },
    );
    assert.throws(
      () => validateTrainConfig({ ...base, flow: { pixelPseudoCount: 0.1 } }, 'test'),
      /invalid flow\.pixelPseudoCount: 0\.1 \(absent unless flow\.init is 'gaussianize'\)/,
    );
    assert.throws(
      () => validateTrainConfig({ ...gaussianize, flow: { ...gaussianize.flow, pixelPseudoCount: -1 } }, 'test'),
      /invalid flow\.pixelPseudoCount: -1 \(a finite number > 0\)/,
    );
    assert.equal(
      validateTrainConfig({ ...gaussianize, flow: { ...gaussianize.flow, pixelPseudoCount: 0.1 } }, 'test').flow
        ?.pixelPseudoCount,
      0.1,
    );
    assert.throws(
      () => validateTrainConfig({ ...trainConfig(arch), flow: { prior: 'class' } }, 'test'),
      /invalid flow: .*objective 'flow' only/,
    );
    const noActivation = customArchitecture({
      name: 'lin',
      depth: 3,
      activation: false,
      width: n,
      parametrization: 'lu',
    });
    assert.throws(
      () => validateTrainConfig({ ...base, architecture: noActivation, flow: { kinkLayers: 1 } }, 'test'),
      /layer 1 has no LeakyReLU/,
    );
  });
});
