import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  customArchitecture,
  presetArchitecture,
  sequentialIndices,
  type Architecture,
} from '../../../src/core/model/architecture';
import type { ModelParams } from '../../../src/core/model/params';
import { writeCheckpoint } from '../../../src/core/store/checkpoint';
import { importPytorchCheckpoint, inferArchitecture, type TensorInfo } from '../../../src/core/store/importPytorch';
import { RunStore } from '../../../src/core/store/runStore';
import { writeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import { bytesOf, expectError, smallModel, tempFolder } from './storeTestUtils';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(__dirname, '../../../../test/unit/store/pytorch_fixtures.py');

interface Reference {
  readonly file: string;
  readonly writer: string;
  readonly tensors: Record<string, { shape: number[]; sha256: string; firstBits: number[] }>;
  readonly output: number[][];
}

interface LoadCheck {
  readonly missing: string[];
  readonly unexpected: string[];
  readonly keys: string[];
  readonly dtypes: string[];
  readonly format: string | null;
  readonly maxAbsDiff: number;
  readonly maxAbsOutput: number;
}

function python(args: string[]): string {
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) assert.fail(`${PYTHON} ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stderr}`);
  return run.stdout;
}

function requirePytorch(): void {
  const probe = existsSync(PYTHON)
    ? spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 })
    : null;
  if (!probe || probe.status !== 0) {
    assert.fail(
      `these tests need Debian's PyTorch (${PYTHON} with torch and numpy): run scripts/install-test-deps.sh` +
        (probe ? `\n${probe.stderr.trim().split('\n').pop()}` : `\n${PYTHON} does not exist`),
    );
  }
}

/** The probe inputs of pytorch_fixtures.py, in float32 as torch builds them. */
function probeInputs(): Float32Array[] {
  const ramp = new Float32Array(784),
    wave = new Float32Array(784);
  for (let i = 0; i < 784; i++) {
    ramp[i] = i / 783;
    wave[i] = 0.5 + 0.5 * Math.cos(i * 0.37);
  }
  return [ramp, wave];
}

/** y = LeakyReLU(x·Wᵀ + b) layer by layer, accumulated in float64. */
function forward(arch: Architecture, params: ModelParams, input: Float32Array): Float64Array {
  let x = Float64Array.from(input);
  const n = arch.width;
  arch.layers.forEach((layer, l) => {
    const w = params.weights[l],
      b = params.biases[l];
    const y = new Float64Array(n);
    for (let o = 0; o < n; o++) {
      let s = b[o];
      for (let i = 0; i < n; i++) s += w[o * n + i] * x[i];
      y[o] = layer.activation && s < 0 ? s * arch.negativeSlope : s;
    }
    x = y;
  });
  return x;
}

const info = (indices: number[], overrides: Partial<Record<string, Partial<TensorInfo>>> = {}): TensorInfo[] =>
  indices.flatMap((i) => [
    { name: `${i}.weight`, dtype: 'F32', shape: [784, 784], ...overrides[`${i}.weight`] },
    { name: `${i}.bias`, dtype: 'F32', shape: [784], ...overrides[`${i}.bias`] },
  ]);

describe('inferring the architecture from state_dict keys', () => {
  it('sees the paper Base in 1, 3, 5, 7, NoActivations in 1, 2, 3, 4, Small in a single layer', () => {
    assert.deepEqual(inferArchitecture(info([1, 3, 5, 7])), presetArchitecture('base'));
    assert.deepEqual(inferArchitecture(info([1, 2, 3, 4])), presetArchitecture('noact'));
    assert.deepEqual(inferArchitecture(info([1])), presetArchitecture('small'));
  });

  it('places a LeakyReLU wherever the gap is 2, and takes the caller’s word for the last layer and the slope', () => {
    const mixed = inferArchitecture(info([1, 3, 4]));
    assert.equal(mixed.name, 'custom');
    assert.deepEqual(
      mixed.layers.map((l) => l.activation),
      [true, false, true],
    );
    const noLast = inferArchitecture(info([1, 3, 5, 7]), { activateLast: false, negativeSlope: 0.2 });
    assert.deepEqual(
      noLast.layers.map((l) => l.activation),
      [true, true, true, false],
    );
    assert.equal(noLast.negativeSlope, 0.2);
    assert.equal(noLast.name, 'custom');
    assert.deepEqual(sequentialIndices(noLast), [1, 3, 5, 7]);
    const named = inferArchitecture(info([1, 3, 5, 7]), { preset: 'base', name: 'mine' });
    assert.deepEqual(named, { ...presetArchitecture('base'), name: 'mine' });
  });

  it('refuses keys that do not fit the chosen preset', () => {
    assert.throws(
      () => inferArchitecture(info([1, 2, 3, 4]), { preset: 'base' }, 'model.safetensors'),
      expectError(
        'BAD_INPUT',
        'model.safetensors',
        'preset "base" has its Linear layers at indices 1, 3, 5, 7 but the file has them at 1, 2, 3, 4',
      ),
    );
  });

  it('refuses what is not the paper’s kind of nn.Sequential, naming the tensor', () => {
    const cases: [TensorInfo[], ...string[]][] = [
      [
        [{ name: 'encoder.weight', dtype: 'F32', shape: [784, 784] }],
        'tensor "encoder.weight"',
        'not a parameter of a Linear layer',
      ],
      [info([0, 2]), 'first Linear layer is at index 0', 'nn.Flatten at 0'],
      [info([1, 4]), '2 modules sit between Linear layers 1 and 4'],
      [info([1, 3]).filter((t) => t.name !== '3.bias'), 'tensor "3.bias"', 'is missing'],
      [info([1]).filter((t) => t.name !== '1.weight'), 'tensor "1.weight"', 'is missing'],
      [info([1], { '1.weight': { shape: [784, 783] } }), 'tensor "1.weight".shape', 'is [784,783], expected [784,784]'],
      [info([1], { '1.bias': { dtype: 'I64' } }), 'tensor "1.bias".dtype', 'must be F32 or F64, got I64'],
      [[], 'holds no "<index>.weight" tensors'],
    ];
    for (const [tensors, ...patterns] of cases)
      assert.throws(() => inferArchitecture(tensors, {}, 'f.safetensors'), expectError('BAD_INPUT', ...patterns));
    assert.throws(
      () => inferArchitecture(info([1]), { negativeSlope: 0 }),
      expectError('BAD_INPUT', 'negativeSlope must be in (0, 1]'),
    );
  });
});

describe('importing safetensors files', () => {
  let dir = '';
  let remove = async () => {};
  let store: RunStore;
  before(async () => {
    ({ dir, remove } = await tempFolder('import'));
    store = new RunStore(join(dir, 'runs'));
  });
  after(() => remove());

  describe('written by PyTorch', () => {
    // Made once, on first use, so that a missing PyTorch fails each test with the reason rather than cancelling them.
    let fixtures: Promise<Record<string, Reference>> | undefined;
    const pytorchFixtures = (): Promise<Record<string, Reference>> =>
      (fixtures ??= (async () => {
        requirePytorch();
        python([SCRIPT, 'make', dir]);
        return JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as Record<string, Reference>;
      })());

    async function importAndCompare(label: string, expected: Architecture): Promise<string> {
      const ref = (await pytorchFixtures())[label];
      const imported = await importPytorchCheckpoint(store, ref.file);
      assert.deepEqual(imported.architecture, expected);
      const record = await store.readRun(imported.id);
      assert.equal(record.status, 'completed');
      assert.equal(record.importedFrom, resolve(ref.file));
      assert.equal(record.process, null);
      assert.deepEqual(record.checkpoints, [imported.checkpoint]);
      assert.deepEqual(record.config.architecture, expected);
      assert.match(imported.id, new RegExp(`^\\d{8}-\\d{4}-${expected.name}-[0-9a-f]{4}$`));

      const loaded = await store.loadCheckpoint(imported.id);
      sequentialIndices(expected).forEach((index, l) => {
        for (const [kind, data] of [
          ['weight', loaded.params.weights[l]],
          ['bias', loaded.params.biases[l]],
        ] as const) {
          const t = ref.tensors[`${index}.${kind}`];
          assert.equal(createHash('sha256').update(bytesOf(data)).digest('hex'), t.sha256, `${label} ${index}.${kind}`);
          assert.deepEqual(
            [...new Uint32Array(data.buffer, data.byteOffset, 3)],
            t.firstBits,
            `${label} ${index}.${kind}`,
          );
        }
      });
      probeInputs().forEach((x, k) => {
        const y = forward(loaded.architecture, loaded.params, x);
        ref.output[k].forEach((v, i) =>
          assert.ok(
            Math.abs(y[i] - v) <= 1e-4 * (1 + Math.abs(v)),
            `${label} output ${k}[${i}]: ${y[i]} vs PyTorch ${v}`,
          ),
        );
      });
      return join(store.folderOf(imported.id), imported.checkpoint.file);
    }

    function loadInPytorch(checkpoint: string, kind: string, dtype: string): LoadCheck {
      return JSON.parse(python([SCRIPT, 'check', checkpoint, kind, dtype, dir])) as LoadCheck;
    }

    it('imports the paper Base model bit for bit, and PyTorch loads the checkpoint strictly with the same outputs', async () => {
      const checkpoint = await importAndCompare('base-f32', presetArchitecture('base'));
      const check = loadInPytorch(checkpoint, 'base', 'f32');
      assert.deepEqual(check.missing, []);
      assert.deepEqual(check.unexpected, []);
      assert.deepEqual(check.keys, [
        '1.bias',
        '1.weight',
        '3.bias',
        '3.weight',
        '5.bias',
        '5.weight',
        '7.bias',
        '7.weight',
      ]);
      assert.deepEqual(check.dtypes, ['float32']);
      assert.equal(check.format, 'checkpoint/1');
      assert.ok(check.maxAbsOutput > 0.01);
      assert.equal(check.maxAbsDiff, 0);
    });

    it('imports NoActivations (consecutive indices) bit for bit', async () => {
      const checkpoint = await importAndCompare('noact-f32', presetArchitecture('noact'));
      const check = loadInPytorch(checkpoint, 'noact', 'f32');
      assert.deepEqual(check.keys, [
        '1.bias',
        '1.weight',
        '2.bias',
        '2.weight',
        '3.bias',
        '3.weight',
        '4.bias',
        '4.weight',
      ]);
      assert.equal(check.maxAbsDiff, 0);
    });

    it('imports a float64 Small model, rounding to float32 exactly as PyTorch’s .float() does', async () => {
      await importAndCompare('small-f64', presetArchitecture('small'));
    });
  });

  it('imports an Invertscope checkpoint with its own architecture, training state and optimizer', async () => {
    const arch = customArchitecture({ name: 'tiny', depth: 2, activation: false, width: 8 });
    const { params } = smallModel(3, arch);
    const file = join(dir, 'own.safetensors');
    const training = {
      epoch: 5,
      globalStep: 50,
      objective: 'flow',
      seed: 9,
      trainLoss: 1.5,
      testLoss: 1.75,
      createdAt: '2026-02-03T04:05:06.000Z',
      invertscopeVersion: '0.1.0',
    } as const;
    await writeCheckpoint(file, {
      architecture: arch,
      params,
      training,
      optimizer: { step: 50, firstMoment: params, secondMoment: params },
    });
    const imported = await importPytorchCheckpoint(store, file);
    const record = await store.readRun(imported.id);
    assert.deepEqual(record.config.architecture, arch);
    assert.equal(record.epochsCompleted, 5);
    assert.equal(record.checkpoints[0].file, 'checkpoints/epoch-0005.safetensors');
    const loaded = await store.loadCheckpoint(imported.id, 5, { optimizer: 'require' });
    assert.deepEqual(loaded.training, training);
    assert.equal(loaded.optimizer?.step, 50);
    await assert.rejects(
      importPytorchCheckpoint(store, file, { preset: 'base' }),
      expectError('BAD_INPUT', 'records its own architecture'),
    );
  });

  it('leaves no run behind when a file cannot be imported', async () => {
    const file = join(dir, 'conv.safetensors');
    await writeSafetensors(file, {
      '0.weight': { dtype: 'F32', shape: [8, 1, 3, 3], data: new Float32Array(72) },
      '0.bias': { dtype: 'F32', shape: [8], data: new Float32Array(8) },
    });
    const before = (await store.listRuns()).length;
    await assert.rejects(
      importPytorchCheckpoint(store, file),
      expectError('BAD_INPUT', 'conv.safetensors', 'tensor "0.weight".shape'),
    );
    assert.equal((await store.listRuns()).length, before);
    assert.deepEqual(
      (await readdir(store.root).catch(() => [])).filter((n) => n.startsWith('.')),
      [],
    );
  });
});
