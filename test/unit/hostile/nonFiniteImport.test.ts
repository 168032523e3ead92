import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { presetArchitecture } from '../../../src/core/model/architecture';
import { importPytorchCheckpoint } from '../../../src/core/store/importPytorch';
import { RunStore } from '../../../src/core/store/runStore';
import type { Tensor } from '../../../src/core/store/safetensors/dtypes';
import { expectError, tempFolder } from '../store/storeTestUtils';
import { safetensorsBytes, stateDictTensors } from './builders';

/** NaN or ±Infinity in imported weights is refused at import, naming the tensor and the element. */
describe('import of non-finite weights', () => {
  let dir = '';
  let remove = async () => {};
  before(async () => ({ dir, remove } = await tempFolder('nonfinite')));
  after(() => remove());

  async function importWith(
    name: string,
    change: (tensors: Map<string, Tensor>) => void,
  ): Promise<{ file: string; store: RunStore; attempt: Promise<unknown> }> {
    const tensors = stateDictTensors(5, presetArchitecture('base'));
    change(tensors);
    const file = join(dir, `${name}.safetensors`);
    await writeFile(file, safetensorsBytes(tensors));
    const store = new RunStore(join(dir, `runs-${name}`));
    return { file, store, attempt: importPytorchCheckpoint(store, file) };
  }

  it('refuses NaN in a weight, naming the tensor, index, row and column', async () => {
    const { file, store, attempt } = await importWith('nan', (t) => {
      (t.get('3.weight')?.data as Float32Array)[1234] = Number.NaN;
    });
    await assert.rejects(
      attempt,
      expectError('BAD_INPUT', file, 'tensor "3.weight"[1234] (row 1, column 450): is NaN'),
    );
    assert.deepEqual(await readdir(store.root).catch(() => []), []);
  });

  it('refuses -Infinity in a bias', async () => {
    const { file, attempt } = await importWith('inf', (t) => {
      (t.get('7.bias')?.data as Float32Array)[783] = -Infinity;
    });
    await assert.rejects(attempt, expectError('BAD_INPUT', file, 'tensor "7.bias"[783]: is -Infinity'));
  });

  it('refuses a float64 value that overflows float32', async () => {
    const { file, attempt } = await importWith('f64', (t) => {
      const w = Float64Array.from(t.get('1.weight')?.data as Float32Array);
      w[10] = 1e300;
      t.set('1.weight', { dtype: 'F64', shape: [784, 784], data: w });
    });
    await assert.rejects(
      attempt,
      expectError('BAD_INPUT', file, 'tensor "1.weight"[10] (row 0, column 10): is 1e+300, beyond float32'),
    );
  });
});
