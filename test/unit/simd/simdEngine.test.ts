import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { customArchitecture, presetArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { initParams, type ModelParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import {
  ADAM,
  type BatchLoss,
  type EngineOptions,
  type OptimizerState,
  type TrainingEngine,
} from '../../../src/core/train/engine';
import { createSimdEngine } from '../../../src/core/train/simd/simdEngine';
import { adamUpdate, referenceStep, toParams64 } from './reference';
import { U32 } from './kernelHarness';

const LR = 1e-3;

// How far a float32 gradient may be from the float64 reference, relative to the largest
// gradient of its tensor. Each gradient is a chain of float32 dot products of length ≤ 784
// through up to four layers: the worst-case bound is about K·u ≈ 5e-5 per product and the
// typical error √K·u ≈ 2e-6; measured errors here stay below 1e-6. A wrong index, a missed
// term or a race between threads is off by the size of the gradient itself.
const GRADIENT_TOLERANCE = 2e-5;

interface Batch {
  images: Float32Array;
  labels: Uint8Array;
}

function randomBatch(seed: number, count: number, width: number): Batch {
  const rng = createRng(seed);
  return {
    images: Float32Array.from({ length: count * width }, () => rng.uniform()),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
  };
}

function options(architecture: Architecture, maxBatchSize: number, seed = 1): EngineOptions {
  return {
    architecture,
    objective: 'seed',
    learningRate: LR,
    maxBatchSize,
    initialParams: initParams(architecture, createRng(seed)),
  };
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max;
}

/**
 * Checks one Adam step of one tensor against the float64 update from the same starting
 * state with the reference gradient g. The engine's gradient may be off by δ; the
 * tolerances are what that δ, plus a few float32 roundings, can change in m, v and p.
 */
function checkTensor(
  what: string,
  t: number,
  g: Float64Array,
  p0: Float32Array,
  m0: Float32Array,
  v0: Float32Array,
  p1: Float32Array,
  m1: Float32Array,
  v1: Float32Array,
): void {
  const delta = GRADIENT_TOLERANCE * maxAbs(g);
  const { beta1, beta2 } = ADAM;
  for (let i = 0; i < g.length; i++) {
    const [eP, eM, eV] = adamUpdate(p0[i], m0[i], v0[i], g[i], t, LR);
    const tolM = (1 - beta1) * delta + 4 * U32 * (Math.abs(beta1 * m0[i]) + Math.abs((1 - beta1) * g[i]));
    const tolV =
      (1 - beta2) * (2 * Math.abs(g[i]) * delta + delta * delta) +
      4 * U32 * (beta2 * v0[i] + (1 - beta2) * g[i] * g[i]);
    const low = adamUpdate(p0[i], m0[i], v0[i], g[i] - delta, t, LR)[0];
    const high = adamUpdate(p0[i], m0[i], v0[i], g[i] + delta, t, LR)[0];
    const tolP =
      2 * Math.max(Math.abs(low - eP), Math.abs(high - eP)) +
      2 * U32 * Math.abs(p0[i]) +
      8 * U32 * Math.abs(eP - p0[i]);
    if (Math.abs(m1[i] - eM) > tolM) assert.fail(`${what}: m[${i}] = ${m1[i]}, expected ${eM} ± ${tolM} (step ${t})`);
    if (Math.abs(v1[i] - eV) > tolV) assert.fail(`${what}: v[${i}] = ${v1[i]}, expected ${eV} ± ${tolV} (step ${t})`);
    if (Math.abs(p1[i] - eP) > tolP) assert.fail(`${what}: p[${i}] = ${p1[i]}, expected ${eP} ± ${tolP} (step ${t})`);
  }
}

/** One engine step checked against the float64 reference step from the engine's own state. */
async function checkedStep(
  engine: TrainingEngine,
  arch: Architecture,
  batch: Batch,
  count: number,
  label: string,
): Promise<BatchLoss> {
  const p0 = await engine.getParams();
  const s0 = await engine.getOptimizerState();
  const ref = referenceStep(arch, toParams64(p0), batch.images, batch.labels, count);
  const result = await engine.trainStep(batch.images, batch.labels, count);
  const p1 = await engine.getParams();
  const s1 = await engine.getOptimizerState();
  const t = s0.step + 1;
  assert.equal(s1.step, t);
  // The loss sums in float64 over a float32 forward pass: relative 1e-6 leaves ample room.
  const tolerance = 1e-6 * ref.loss;
  assert.ok(Math.abs(result.loss - ref.loss) <= tolerance, `${label}: loss ${result.loss}, expected ${ref.loss}`);
  assert.ok(
    Math.abs(result.parts[0] - ref.parts[0]) <= tolerance,
    `${label}: nll ${result.parts[0]}, expected ${ref.parts[0]}`,
  );
  assert.ok(
    Math.abs(result.parts[1] - ref.parts[1]) <= tolerance,
    `${label}: penalty ${result.parts[1]}, expected ${ref.parts[1]}`,
  );
  for (let l = 0; l < arch.layers.length; l++) {
    checkTensor(
      `${label} layer ${l} weight`,
      t,
      ref.gradients.weights[l],
      p0.weights[l],
      s0.firstMoment.weights[l],
      s0.secondMoment.weights[l],
      p1.weights[l],
      s1.firstMoment.weights[l],
      s1.secondMoment.weights[l],
    );
    checkTensor(
      `${label} layer ${l} bias`,
      t,
      ref.gradients.biases[l],
      p0.biases[l],
      s0.firstMoment.biases[l],
      s0.secondMoment.biases[l],
      p1.biases[l],
      s1.firstMoment.biases[l],
      s1.secondMoment.biases[l],
    );
  }
  return result;
}

interface Trace {
  losses: BatchLoss[];
  params: ModelParams;
  state: OptimizerState;
}

/** Trains a fixed sequence of batches (with the given counts) and records everything. */
async function trace(arch: Architecture, maxBatch: number, counts: number[], threads: number): Promise<Trace> {
  const engine = await createSimdEngine(options(arch, maxBatch), threads);
  try {
    const losses: BatchLoss[] = [];
    for (const [i, count] of counts.entries()) {
      const batch = randomBatch(100 + i, count, arch.width);
      losses.push(await engine.trainStep(batch.images, batch.labels, count));
    }
    return { losses, params: await engine.getParams(), state: await engine.getOptimizerState() };
  } finally {
    engine.dispose();
  }
}

describe('createSimdEngine', () => {
  const cases: { name: string; arch: Architecture; count: number; steps: number }[] = [
    { name: 'Base at batch 5', arch: presetArchitecture('base'), count: 5, steps: 3 },
    { name: 'Base at batch 64', arch: presetArchitecture('base'), count: 64, steps: 2 },
    { name: 'NoActivations at batch 64', arch: presetArchitecture('noact'), count: 64, steps: 2 },
    {
      name: 'a narrow custom network (width 13, no activation on the last layer, slope 0.2) at batch 7',
      arch: customArchitecture({ depth: 3, activation: true, activateLast: false, negativeSlope: 0.2, width: 13 }),
      count: 7,
      steps: 5,
    },
  ];
  for (const { name, arch, count, steps } of cases) {
    for (const threads of [1, 2]) {
      it(`matches a float64 reference (loss, gradients, Adam) for ${name} over ${steps} steps on ${threads} thread(s)`, async () => {
        const engine = await createSimdEngine(options(arch, count), threads);
        try {
          for (let step = 0; step < steps; step++) {
            await checkedStep(
              engine,
              arch,
              randomBatch(step + 1, count, arch.width),
              count,
              `${name}, step ${step + 1}`,
            );
          }
        } finally {
          engine.dispose();
        }
      });
    }
  }

  it('gives bit-identical losses, parameters and moments on 1, 2 and 3 threads, partial batches included', async () => {
    const arch = presetArchitecture('base');
    const counts = [64, 37, 1, 64];
    const one = await trace(arch, 64, counts, 1);
    for (const threads of [2, 3])
      assert.deepEqual(await trace(arch, 64, counts, threads), one, `${threads} threads differ from 1`);
  });

  it('trains a partial batch, down to one sample, as the reference does', async () => {
    const arch = presetArchitecture('base');
    const engine = await createSimdEngine(options(arch, 64), 2);
    try {
      for (const count of [37, 1, 6]) {
        await checkedStep(engine, arch, randomBatch(count, count, arch.width), count, `count ${count}`);
      }
    } finally {
      engine.dispose();
    }
  });

  it('brings the loss down over 30 steps of random data', async () => {
    const arch = presetArchitecture('base');
    const { losses } = await trace(
      arch,
      64,
      Array.from({ length: 30 }, () => 64),
      2,
    );
    const first = losses[0].loss;
    const lastFive = losses.slice(-5).reduce((a, l) => a + l.loss, 0) / 5;
    assert.ok(lastFive < 0.5 * first, `loss went from ${first} to ${lastFive}`);
    for (const l of losses) assert.ok(Number.isFinite(l.loss));
  });

  it('evaluates the loss trainStep reports, without changing parameters or the step count', async () => {
    const arch = customArchitecture({ depth: 2, activation: true, width: 31 });
    const engine = await createSimdEngine(options(arch, 16), 2);
    try {
      const batch = randomBatch(7, 16, arch.width);
      const before = await engine.getParams();
      const evaluated = await engine.evaluate(batch.images, batch.labels, 16);
      assert.deepEqual(await engine.getParams(), before);
      assert.equal((await engine.getOptimizerState()).step, 0);
      const trained = await engine.trainStep(batch.images, batch.labels, 16);
      assert.deepEqual(trained, evaluated);
      assert.notDeepEqual(await engine.getParams(), before);
    } finally {
      engine.dispose();
    }
  });

  it('resumes exactly from getParams and getOptimizerState', async () => {
    const arch = presetArchitecture('small');
    const batches = [1, 2, 3].map((s) => randomBatch(s, 32, arch.width));
    const straight = await createSimdEngine(options(arch, 32), 2);
    let resumed: TrainingEngine | undefined;
    try {
      await straight.trainStep(batches[0].images, batches[0].labels, 32);
      await straight.trainStep(batches[1].images, batches[1].labels, 32);
      resumed = await createSimdEngine(
        {
          ...options(arch, 32),
          initialParams: await straight.getParams(),
          initialOptimizerState: await straight.getOptimizerState(),
        },
        1,
      );
      const a = await straight.trainStep(batches[2].images, batches[2].labels, 32);
      const b = await resumed.trainStep(batches[2].images, batches[2].labels, 32);
      assert.deepEqual(b, a);
      assert.deepEqual(await resumed.getParams(), await straight.getParams());
      assert.deepEqual(await resumed.getOptimizerState(), await straight.getOptimizerState());
    } finally {
      straight.dispose();
      resumed?.dispose();
    }
  });

  it('returns copies from getParams and getOptimizerState', async () => {
    const arch = customArchitecture({ depth: 1, activation: true, width: 9 });
    const engine = await createSimdEngine(options(arch, 4), 1);
    try {
      const params = await engine.getParams();
      const state = await engine.getOptimizerState();
      params.weights[0].fill(42);
      state.firstMoment.biases[0].fill(42);
      assert.notEqual((await engine.getParams()).weights[0][0], 42);
      assert.notEqual((await engine.getOptimizerState()).firstMoment.biases[0][0], 42);
    } finally {
      engine.dispose();
    }
  });

  it('describes its backend and thread count', async () => {
    const arch = customArchitecture({ depth: 1, activation: true, width: 9 });
    for (const threads of [1, 2]) {
      const engine = await createSimdEngine(options(arch, 4), threads);
      assert.deepEqual(engine.backend, {
        name: 'simd',
        description: `Invertscope WebAssembly SIMD, ${threads} thread${threads === 1 ? '' : 's'}`,
        threads,
      });
      engine.dispose();
    }
  });

  it('rejects LU layers for the seed objective and bad arguments with errors that name them', async () => {
    const arch = customArchitecture({ depth: 1, activation: true, width: 9 });
    await assert.rejects(
      createSimdEngine(options({ ...arch, parametrization: 'lu' }, 4)),
      /'lu' parametrization trains with the 'flow' objective/,
    );
    await assert.rejects(createSimdEngine(options(arch, 4), 0), /threads must be an integer in 1\.\.64, got 0/);
    const wrong = options(customArchitecture({ depth: 2, activation: true, width: 9 }), 4);
    await assert.rejects(
      createSimdEngine({ ...options(arch, 4), initialParams: wrong.initialParams }),
      /initialParams has 2 weight/,
    );
    const engine = await createSimdEngine(options(arch, 4), 2);
    try {
      const batch = randomBatch(1, 5, 9);
      await assert.rejects(
        engine.trainStep(batch.images, batch.labels, 5),
        /count must be an integer in 1\.\.4 \(maxBatchSize\), got 5/,
      );
      await assert.rejects(engine.trainStep(batch.images, batch.labels, 0), /got 0/);
      await assert.rejects(
        engine.evaluate(batch.images.subarray(0, 10), batch.labels, 2),
        /images holds 10 values, expected at least 2 × 9/,
      );
      await engine.trainStep(batch.images, batch.labels, 4);
    } finally {
      engine.dispose();
    }
    await assert.rejects(engine.trainStep(randomBatch(1, 4, 9).images, new Uint8Array(4), 4), /used after dispose/);
  });

  it(
    'ends its worker threads on dispose, so the process exits',
    { skip: !existsSync('/proc/self/task') && 'needs /proc/self/task' },
    () => {
      // A separate process, so that this file's own threads do not blur the count.
      const script = `
      const { readdirSync } = require('node:fs');
      const { createSimdEngine } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'core', 'train', 'simd', 'simdEngine.js'))});
      const { customArchitecture } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'core', 'model', 'architecture.js'))});
      const { initParams } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'core', 'model', 'params.js'))});
      const { createRng } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'core', 'random', 'rng.js'))});
      const threads = () => readdirSync('/proc/self/task').length;
      (async () => {
        const architecture = customArchitecture({ depth: 2, activation: true, width: 16 });
        const base = threads();
        const engine = await createSimdEngine({ architecture, objective: 'seed', learningRate: 1e-3, maxBatchSize: 4,
          initialParams: initParams(architecture, createRng(1)) }, 2);
        await engine.trainStep(new Float32Array(64), new Uint8Array(4), 4);
        const running = threads();
        engine.dispose();
        let after = threads();
        for (let i = 0; i < 200 && after > base; i++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          after = threads();
        }
        console.log(JSON.stringify({ base, running, after }));
      })();
    `;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(child.status, 0, `child failed: ${child.stderr}`);
      const { base, running, after } = JSON.parse(child.stdout.trim()) as {
        base: number;
        running: number;
        after: number;
      };
      assert.ok(running >= base + 2, `expected two worker threads while training (${base} → ${running})`);
      assert.ok(after <= base, `threads left after dispose: ${after} (before the engine: ${base})`);
    },
  );
});
