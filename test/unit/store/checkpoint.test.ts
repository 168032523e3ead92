import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { presetArchitecture, customArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import { initParams, type ModelParams } from '../../../src/core/model/params';
import type { OptimizerState } from '../../../src/core/train/engine';
import {
  optimizerSidecarPath,
  readCheckpoint,
  readCheckpointMetadata,
  writeCheckpoint,
  type CheckpointTraining,
} from '../../../src/core/store/checkpoint';
import { readSafetensors } from '../../../src/core/store/safetensors/readSafetensors';
import { writeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import type { Tensor } from '../../../src/core/store/safetensors/dtypes';
import { bytesOf, expectError, smallModel, tempFolder } from './storeTestUtils';

const TRAINING: CheckpointTraining = {
  epoch: 10,
  globalStep: 1250,
  objective: 'flow',
  seed: 3,
  trainLoss: 0.125,
  testLoss: Number.NaN,
  createdAt: '2026-11-30T05:12:00.000Z',
  invertscopeVersion: '0.1.0',
};

function optimizerFor(arch: Architecture, seed: number): OptimizerState {
  const rng = createRng(seed);
  const first = initParams(arch, rng.fork('m'));
  const second = initParams(arch, rng.fork('v'));
  // Special values must survive too: a diverged run's moments are what one would want to inspect.
  first.weights[0][0] = Number.NaN;
  second.biases[0][1] = Number.POSITIVE_INFINITY;
  first.biases[0][2] = -0;
  return { step: 1250, firstMoment: first, secondMoment: second };
}

function assertSameParams(a: ModelParams, b: ModelParams): void {
  assert.equal(a.weights.length, b.weights.length);
  a.weights.forEach((w, i) => assert.deepEqual(bytesOf(w), bytesOf(b.weights[i]), `weights[${i}]`));
  a.biases.forEach((v, i) => assert.deepEqual(bytesOf(v), bytesOf(b.biases[i]), `biases[${i}]`));
}

describe('checkpoints', () => {
  let dir = '';
  let remove = async () => {};
  before(async () => ({ dir, remove } = await tempFolder('checkpoint')));
  after(() => remove());

  it('round-trips the paper Base model, its training state and Adam state bit for bit', async () => {
    const arch = presetArchitecture('base');
    const params = initParams(arch, createRng(1));
    params.weights[3][5] = -0;
    const optimizer = optimizerFor(arch, 2);
    const file = join(dir, 'epoch-0010.safetensors');
    const written = await writeCheckpoint(file, { architecture: arch, params, training: TRAINING, optimizer });
    assert.equal(written.optimizerFile, join(dir, 'epoch-0010.optim.safetensors'));
    const back = await readCheckpoint(file);
    assert.deepEqual(back.architecture, arch);
    assert.deepEqual({ ...back.training, testLoss: 0 }, { ...TRAINING, testLoss: 0 });
    assert.ok(Number.isNaN(back.training.testLoss));
    assertSameParams(back.params, params);
    assert.ok(back.optimizer);
    assert.equal(back.optimizer.step, 1250);
    assertSameParams(back.optimizer.firstMoment, optimizer.firstMoment);
    assertSameParams(back.optimizer.secondMoment, optimizer.secondMoment);
    assert.equal(back.sha256, written.sha256);
  });

  it('stores exactly the PyTorch state_dict tensors, float32, [out, in], with the description in metadata', async () => {
    const { arch, params } = smallModel(
      4,
      customArchitecture({ name: 'mixed', depth: 3, activation: true, activateLast: false, width: 4 }),
    );
    const file = join(dir, 'layout.safetensors');
    await writeCheckpoint(file, { architecture: arch, params, training: TRAINING });
    const raw = await readSafetensors(file);
    // Flatten at 0, Linear 1, LeakyReLU 2, Linear 3, LeakyReLU 4, Linear 5 (no activation after the last).
    assert.deepEqual([...raw.tensors.keys()], ['1.bias', '1.weight', '3.bias', '3.weight', '5.bias', '5.weight']);
    const w = raw.tensors.get('3.weight') as Tensor;
    assert.equal(w.dtype, 'F32');
    assert.deepEqual(w.shape, [4, 4]);
    assert.deepEqual(bytesOf(w.data), bytesOf(params.weights[1]));
    assert.equal(raw.metadata['invertscope.format'], 'checkpoint/1');
    assert.equal(raw.metadata.format, 'pt');
    assert.deepEqual(JSON.parse(raw.metadata['invertscope.architecture']), arch);
    const training = JSON.parse(raw.metadata['invertscope.training']) as Record<string, unknown>;
    assert.equal(training.globalStep, 1250);
    assert.equal(training.testLoss, null);
  });

  it('writes identical bytes for identical checkpoints', async () => {
    const { arch, params } = smallModel(5);
    const a = join(dir, 'same-a.safetensors'),
      b = join(dir, 'same-b.safetensors');
    await writeCheckpoint(a, { architecture: arch, params, training: TRAINING });
    await writeCheckpoint(b, { architecture: arch, params, training: TRAINING });
    assert.deepEqual(await readFile(a), await readFile(b));
  });

  it('reads no optimizer when there is no sidecar, and refuses when one is required', async () => {
    const { arch, params } = smallModel(6);
    const file = join(dir, 'no-optim.safetensors');
    await writeCheckpoint(file, { architecture: arch, params, training: TRAINING });
    assert.equal((await readCheckpoint(file)).optimizer, null);
    await assert.rejects(
      readCheckpoint(file, { optimizer: 'require' }),
      expectError('NOT_FOUND', 'no-optim.optim.safetensors'),
    );
  });

  it('removes a stale sidecar when rewriting without optimizer state, and detects a sidecar from another checkpoint', async () => {
    const { arch, params } = smallModel(7);
    const file = join(dir, 'stale.safetensors');
    await writeCheckpoint(file, { architecture: arch, params, training: TRAINING, optimizer: optimizerFor(arch, 1) });
    await writeCheckpoint(file, { architecture: arch, params, training: { ...TRAINING, epoch: 11 } });
    assert.equal((await readCheckpoint(file)).optimizer, null);

    const other = join(dir, 'other.safetensors');
    await writeCheckpoint(other, {
      architecture: arch,
      params,
      training: { ...TRAINING, epoch: 12 },
      optimizer: optimizerFor(arch, 1),
    });
    await copyFile(optimizerSidecarPath(other), optimizerSidecarPath(file));
    await assert.rejects(
      readCheckpoint(file),
      expectError(
        'CORRUPT',
        'stale.optim.safetensors',
        'invertscope.checkpoint-sha256',
        'left over from an earlier file',
      ),
    );
    assert.equal((await readCheckpoint(file, { optimizer: 'skip' })).optimizer, null);
  });

  describe('shapes are checked against the architecture', () => {
    const arch = customArchitecture({ name: 'two', depth: 2, activation: true, width: 4 });
    const good = (): Map<string, Tensor> => {
      const { params } = smallModel(8, arch);
      return new Map<string, Tensor>([
        ['1.weight', { dtype: 'F32', shape: [4, 4], data: params.weights[0] }],
        ['1.bias', { dtype: 'F32', shape: [4], data: params.biases[0] }],
        ['3.weight', { dtype: 'F32', shape: [4, 4], data: params.weights[1] }],
        ['3.bias', { dtype: 'F32', shape: [4], data: params.biases[1] }],
      ]);
    };
    const metadata = {
      'invertscope.format': 'checkpoint/1',
      'invertscope.architecture': JSON.stringify(arch),
      'invertscope.training': JSON.stringify(TRAINING),
    };
    async function expectRejected(
      tensors: Map<string, Tensor>,
      meta: Record<string, string>,
      ...patterns: string[]
    ): Promise<void> {
      const file = join(dir, `bad-${patterns[0].replace(/\W+/g, '_')}.safetensors`);
      await writeSafetensors(file, tensors, meta);
      await assert.rejects(readCheckpoint(file), expectError('CORRUPT', file, ...patterns));
    }

    it('accepts the well-formed file these cases start from', async () => {
      const file = join(dir, 'good-two.safetensors');
      await writeSafetensors(file, good(), metadata);
      assert.deepEqual((await readCheckpoint(file)).architecture, arch);
    });

    it('names a weight of the wrong shape (a 4×3 matrix)', async () => {
      const t = good();
      t.set('3.weight', { dtype: 'F32', shape: [4, 3], data: new Float32Array(12) });
      await expectRejected(t, metadata, 'tensor "3.weight".shape', 'is [4,3], expected [4,4]');
    });

    it('names a missing bias and lists what the architecture needs', async () => {
      const t = good();
      t.delete('1.bias');
      await expectRejected(t, metadata, 'tensor "1.bias"', 'is missing', 'needs 1.weight, 1.bias, 3.weight, 3.bias');
    });

    it('names a tensor the architecture has no place for', async () => {
      const t = good();
      t.set('5.weight', { dtype: 'F32', shape: [4, 4], data: new Float32Array(16) });
      await expectRejected(t, metadata, 'tensor "5.weight"', 'is not part of the architecture');
    });

    it('names a float64 tensor', async () => {
      const t = good();
      t.set('1.bias', { dtype: 'F64', shape: [4], data: new Float64Array(4) });
      await expectRejected(t, metadata, 'tensor "1.bias".dtype', 'must be F32, got F64');
    });

    it('reads the header alone as readCheckpoint reads it, and refuses bad metadata with the same error', async () => {
      const file = join(dir, 'metadata-only.safetensors');
      await writeSafetensors(file, good(), metadata);
      const full = await readCheckpoint(file);
      assert.deepEqual(await readCheckpointMetadata(file), {
        architecture: full.architecture,
        training: full.training,
      });
      const cases: Record<string, string>[] = [
        { ...metadata, 'invertscope.format': 'checkpoint/2' },
        { ...metadata, 'invertscope.architecture': '{not json' },
        { ...metadata, 'invertscope.training': JSON.stringify({ ...TRAINING, epoch: -1 }) },
      ];
      for (const [k, meta] of cases.entries()) {
        const bad = join(dir, `metadata-only-bad-${k}.safetensors`);
        await writeSafetensors(bad, good(), meta);
        const expected = await readCheckpoint(bad).then(
          () => assert.fail('readCheckpoint accepted it'),
          (error: unknown) => error as Error,
        );
        await assert.rejects(
          readCheckpointMetadata(bad),
          (error: Error) => error.message === expected.message && error.name === expected.name,
        );
      }
    });

    it('names bad metadata: missing format, newer format, invalid architecture, invalid training', async () => {
      const { 'invertscope.format': _format, ...noFormat } = metadata;
      await expectRejected(good(), noFormat, '"invertscope.format"', 'is missing', 'PyTorch state_dict is imported');
      await expectRejected(
        good(),
        { ...metadata, 'invertscope.format': 'checkpoint/2' },
        'checkpoint/2 was written by a newer Invertscope',
      );
      await expectRejected(
        good(),
        { ...metadata, 'invertscope.architecture': JSON.stringify({ ...arch, width: -4 }) },
        '"invertscope.architecture"',
        'width',
      );
      await expectRejected(
        good(),
        { ...metadata, 'invertscope.architecture': '{not json' },
        '"invertscope.architecture"',
        'is not valid JSON',
      );
      await expectRejected(
        good(),
        { ...metadata, 'invertscope.training': JSON.stringify({ ...TRAINING, epoch: -1 }) },
        '"invertscope.training"].epoch',
        'got -1',
      );
      await expectRejected(
        good(),
        { ...metadata, 'invertscope.training': JSON.stringify({ ...TRAINING, objective: 'gan' }) },
        '.objective',
        '"gan"',
      );
    });
  });

  it('refuses to write parameters that do not fit the architecture', async () => {
    const { arch, params } = smallModel(9);
    const file = join(dir, 'unwritable.safetensors');
    const short = { weights: params.weights.slice(0, 2), biases: params.biases };
    await assert.rejects(
      writeCheckpoint(file, { architecture: arch, params: short, training: TRAINING }),
      expectError('BAD_INPUT', 'has 3 layers, got 2 weights and 3 biases'),
    );
    const wrong = { weights: params.weights.map((w, i) => (i === 1 ? w.subarray(1) : w)), biases: params.biases };
    await assert.rejects(
      writeCheckpoint(file, { architecture: arch, params: wrong, training: TRAINING }),
      expectError('BAD_INPUT', '3.weight', '8×8 = 64 values'),
    );
    await assert.rejects(
      writeCheckpoint(file, { architecture: arch, params, training: { ...TRAINING, globalStep: 1.5 } }),
      expectError('BAD_INPUT', 'globalStep'),
    );
  });
});
