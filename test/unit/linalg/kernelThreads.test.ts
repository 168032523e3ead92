import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { forwardRows } from '../../../src/core/analysis/forward';
import { forwardRowsBeside } from '../../../src/core/analysis/forwardBeside';
import { invertRows } from '../../../src/core/analysis/inverse';
import { factorLayers } from '../../../src/core/analysis/layerFactors';
import { invertibleNetwork } from '../../../src/core/analysis/network';
import { linalgBatch, linalgBatchAlongside, linalgBatchAlongsideAsync } from '../../../src/core/linalg/linalgBatch';
import { WORK } from '../../../src/core/linalg/kernelCalls';
import {
  kernelThreadCount,
  runKernelGroups,
  runKernelGroupsAlongside,
  runKernelGroupsAlongsideAsync,
  startKernelThreads,
} from '../../../src/core/linalg/kernelThreads';
import { luFactor } from '../../../src/core/linalg/luFactor';
import { luFactor32 } from '../../../src/core/linalg/luFactor32';
import { matmul } from '../../../src/core/linalg/matmul';
import { solveRowsUnchecked } from '../../../src/core/linalg/solveWithFactors';
import { createRng } from '../../../src/core/random/rng';
import { wellConditioned, randomImages } from '../analysis/builders';
import { randomMatrix } from './linalgFixtures';

const bits = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Everything the kernel threads compute, once on one thread and once on two. */
function computeAll() {
  const rng = createRng(11);
  const n = 96;
  const w = randomMatrix(rng, n, n);
  for (let i = 0; i < n; i++) w[i * n + i] += 4;
  const y = randomMatrix(rng, 301, n);
  const { architecture, params } = wellConditioned(64, 3, true, 7);
  const net = invertibleNetwork(architecture, params);
  const x = randomImages(333, 64, createRng(3));
  const z = forwardRows(net, x.images, x.count, 'float32');
  const stages: Float32Array[] = [];
  return {
    solve64: solveRowsUnchecked(luFactor(w, n), y, 301),
    solve32: solveRowsUnchecked(luFactor32(w, n), Float32Array.from(y), 301),
    product: matmul(y, w, 301, n, n),
    forward32: z,
    forward64: forwardRows(net, x.images, x.count, 'float64'),
    inverse32: invertRows(
      net,
      factorLayers(net).map((f) => f.float32),
      z,
      x.count,
      (_, v) => stages.push((v as Float32Array).slice()),
    ),
    stage0: stages[0],
    sigma: linalgBatch([
      { kind: 'singularValues', w, n },
      { kind: 'lu', w, n },
    ])[0] as Float64Array,
  };
}

describe('kernel threads', { timeout: 120_000 }, () => {
  after(() => startKernelThreads(1));

  it('give the same numbers, bit for bit, on one thread and on two', async () => {
    await startKernelThreads(1);
    assert.equal(kernelThreadCount(), 1);
    const one = computeAll();
    await startKernelThreads(2);
    assert.equal(kernelThreadCount(), 2);
    const two = computeAll();
    for (const key of Object.keys(one) as (keyof typeof one)[]) {
      assert.ok(bits(one[key]).equals(bits(two[key])), `${key} differs between one and two threads`);
    }
  });

  it('solve a row alone and in a batch of any size to the same bits', async () => {
    await startKernelThreads(1);
    const n = 70;
    const rng = createRng(5);
    const w = randomMatrix(rng, n, n);
    const y = randomMatrix(rng, 9, n);
    for (const factors of [luFactor(w, n), luFactor32(w, n)]) {
      const batch = solveRowsUnchecked(factors, factors.precision === 'float32' ? Float32Array.from(y) : y, 9);
      for (let r = 0; r < 9; r++) {
        const row = y.subarray(r * n, (r + 1) * n);
        const alone = solveRowsUnchecked(factors, factors.precision === 'float32' ? Float32Array.from(row) : row, 1);
        assert.ok(bits(alone).equals(bits(batch.subarray(r * n, (r + 1) * n))), `${factors.precision} row ${r}`);
      }
    }
  });

  it('give the same numbers for factorizations run beside other kernels, on one thread and on two', async () => {
    const rng = createRng(8);
    const n = 120;
    const w = randomMatrix(rng, n, n);
    const v = randomMatrix(rng, n, n);
    const alone = linalgBatch([
      { kind: 'singularValues', w, n },
      { kind: 'lu', w: v, n },
    ]);
    const product = matmul(v, w, n, n, n);
    for (const threads of [1, 2]) {
      await startKernelThreads(threads);
      // The calling thread runs kernels of its own (a product split into groups) while the helper factors.
      const { results, value } = linalgBatchAlongside(
        [
          { kind: 'singularValues', w, n },
          { kind: 'lu', w: v, n },
        ],
        () => matmul(v, w, n, n, n),
      );
      assert.ok(bits(results[0] as Float64Array).equals(bits(alone[0] as Float64Array)), `σ on ${threads} threads`);
      const lu = (f: unknown) => (f as { lu: Float64Array }).lu;
      assert.ok(bits(lu(results[1])).equals(bits(lu(alone[1]))), `LU on ${threads} threads`);
      assert.ok(bits(value).equals(bits(product)), `the product beside them on ${threads} threads`);
    }
  });

  it('finish background kernels before passing on an error beside them, and refuse what they cannot run', async () => {
    await startKernelThreads(2);
    const w = randomMatrix(createRng(4), 64, 64);
    assert.throws(
      () =>
        linalgBatchAlongside([{ kind: 'singularValues', w, n: 64 }], () => {
          throw new Error('beside');
        }),
      /beside/,
    );
    assert.throws(
      () => runKernelGroupsAlongside([[{ kernel: 'zero_bytes', args: [WORK, 8] }]], () => 0),
      /cannot use WORK/,
    );
    assert.throws(
      () => runKernelGroupsAlongside([[{ kernel: 'zero_bytes', args: [2 ** 31 - 4096, 1024] }]], () => 0),
      'a background kernel that traps is reported',
    );
    // And the threads still work, beside and alone.
    const again = linalgBatchAlongside([{ kind: 'singularValues', w, n: 64 }], () => 1);
    assert.deepEqual(again.results, linalgBatch([{ kind: 'singularValues', w, n: 64 }]));
  });

  it('run factorizations asked for beside others that are running after what they run beside, with the same numbers', async () => {
    await startKernelThreads(2);
    const rng = createRng(9);
    const [a, b] = [randomMatrix(rng, 80, 80), randomMatrix(rng, 80, 80)];
    const alone = linalgBatch([
      { kind: 'singularValues', w: a, n: 80 },
      { kind: 'singularValues', w: b, n: 80 },
    ]);
    const order: string[] = [];
    const outer = await linalgBatchAlongsideAsync([{ kind: 'singularValues', w: a, n: 80 }], async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const inner = linalgBatchAlongside([{ kind: 'singularValues', w: b, n: 80 }], () => {
        order.push('beside');
        return 7;
      });
      order.push('after');
      return inner;
    });
    assert.deepEqual(order, ['beside', 'after']);
    assert.equal(outer.value.value, 7);
    assert.deepEqual(outer.results[0], alone[0]);
    assert.deepEqual(outer.value.results[0], alone[1]);
  });

  it('run a forward pass on idle moments beside awaiting work with kernels of its own, to the bits of forwardRows', async () => {
    const { architecture, params } = wellConditioned(64, 3, true, 5);
    const net = invertibleNetwork(architecture, params);
    const x = randomImages(203, 64, createRng(6));
    const alone = forwardRows(net, x.images, x.count, 'float32');
    const rng = createRng(7);
    const [a, b] = [randomMatrix(rng, 90, 64), randomMatrix(rng, 64, 70)];
    const product = matmul(a, b, 90, 64, 70);
    for (const threads of [1, 2]) {
      await startKernelThreads(threads);
      const { rows, value } = await forwardRowsBeside(net, x.images, x.count, async () => {
        const first = matmul(a, b, 90, 64, 70);
        await new Promise((resolve) => setImmediate(resolve));
        return [first, forwardRows(net, x.images, x.count, 'float64')] as const;
      });
      assert.ok(bits(rows).equals(bits(alone)), `the pass on ${threads} threads`);
      assert.ok(bits(value[0]).equals(bits(product)), `the product beside it on ${threads} threads`);
      assert.ok(bits(value[1]).equals(bits(forwardRows(net, x.images, x.count, 'float64'))));
    }
    // A diagonal layer (a flow's kink layer) is multiplied in JavaScript: the pass then runs after what it was beside.
    const kinked = {
      ...params,
      weights: params.weights.map((w, l) => (l === 1 ? w.map((v, k) => (k % 65 === 0 ? v : 0)) : w)),
    };
    const kinkedNet = invertibleNetwork(architecture, kinked);
    assert.ok(kinkedNet.layers[1].diagonal);
    const beside = await forwardRowsBeside(kinkedNet, x.images, x.count, async () => 1);
    assert.ok(bits(beside.rows).equals(bits(forwardRows(kinkedNet, x.images, x.count, 'float32'))));
    await assert.rejects(
      forwardRowsBeside(net, x.images, x.count, () => Promise.reject(new Error('beside'))),
      /beside/,
      'an error beside the pass is passed on once the pass is done',
    );
    await assert.rejects(
      runKernelGroupsAlongsideAsync([[{ kernel: 'zero_bytes', args: [2 ** 31 - 4096, 1024] }]], async () => 0, 'idle'),
      'a kernel of idle moments that traps is reported',
    );
  });

  it('report a kernel that fails on any thread, and keep working after it', async () => {
    await startKernelThreads(2);
    // Past the end of the memory: the kernel traps, on whichever thread runs it.
    const outside = 2 ** 31 - 4096;
    const failing = Array.from({ length: 6 }, () => [{ kernel: 'zero_bytes' as const, args: [outside, 1024] }]);
    assert.throws(() => runKernelGroups(failing, 1024));
    const w = randomMatrix(createRng(2), 8, 8);
    assert.deepEqual(matmul(w, w, 8, 8, 8), matmul(w, w, 8, 8, 8));
  });
});
