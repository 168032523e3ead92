import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADAM } from '../../../src/core/train/engine';
import { adamUpdate } from './reference';
import { createRng, gamma, KernelHarness, randomF32, U32 } from './kernelHarness';

// References are plain float64 JavaScript over the same float32 inputs. Elementwise kernels
// do one float32 operation per value, so they must equal Math.fround of the float64 result
// exactly; reductions and Adam get the bounds stated where they are checked.

const harness = new KernelHarness();
const { kernels } = harness;

function close(got: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(got - expected) <= tolerance, `${what}: got ${got}, expected ${expected} ± ${tolerance}`);
}

describe('biasAddRows', () => {
  it('adds one bias per row over the given rows only, including a ragged row end', () => {
    const rows = 7,
      cols = 11,
      ld = 13;
    const rng = createRng(1);
    const x = randomF32(rng, rows * ld),
      bias = randomF32(rng, rows);
    const px = harness.put(x);
    kernels.biasAddRows(px, ld, 2, 6, cols, harness.put(bias));
    const got = harness.f32(px, rows * ld);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < ld; j++) {
        const expected = r >= 2 && r < 6 && j < cols ? Math.fround(x[r * ld + j] + bias[r]) : x[r * ld + j];
        assert.equal(got[r * ld + j], expected, `x[${r}][${j}]`);
      }
    }
  });
});

describe('biasGradRows', () => {
  it('sums each row over the first cols columns', () => {
    const rows = 6,
      ld = 70;
    const rng = createRng(2);
    for (const cols of [1, 3, 4, 64, 67]) {
      const g = randomF32(rng, rows * ld);
      const out = harness.alloc(rows * 4);
      kernels.biasGradRows(harness.put(g), ld, 1, 5, cols, out);
      const got = harness.f32(out, rows);
      for (let r = 1; r < 5; r++) {
        let sum = 0,
          scale = 0;
        for (let j = 0; j < cols; j++) {
          sum += g[r * ld + j];
          scale += Math.abs(g[r * ld + j]);
        }
        close(got[r], sum, gamma(cols) * scale, `cols=${cols} row ${r}`);
      }
    }
  });
});

describe('leakyRelu', () => {
  it('keeps positive values and scales the rest by the slope, NaN and infinities included', () => {
    const special = [0, -0, 1e-45, -1e-45, Infinity, -Infinity, NaN, 3.5, -3.5];
    const rng = createRng(3);
    const cols = 17,
      rows = 3;
    const x = randomF32(rng, rows * cols);
    x.set(special, cols);
    const px = harness.put(x);
    kernels.leakyRelu(px, cols, 0, rows, cols, 0.01);
    const got = harness.f32(px, rows * cols);
    x.forEach((v, i) => {
      const expected = v > 0 ? v : Math.fround(v * Math.fround(0.01));
      assert.ok(
        Object.is(got[i], expected) || (Number.isNaN(got[i]) && Number.isNaN(expected)),
        `leakyRelu(${v}) = ${got[i]}, expected ${expected}`,
      );
    });
  });
});

describe('leakyReluBackward', () => {
  it('passes the gradient where the output is positive and scales it by the slope elsewhere', () => {
    const rng = createRng(4);
    const cols = 9,
      rows = 4,
      ld = 10;
    const g = randomF32(rng, rows * ld),
      y = randomF32(rng, rows * ld);
    y[0] = 0;
    y[1] = -0;
    const pg = harness.put(g);
    kernels.leakyReluBackward(pg, harness.put(y), ld, 1, rows, cols, 0.2);
    const got = harness.f32(pg, rows * ld);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < ld; j++) {
        const i = r * ld + j;
        const inside = r >= 1 && j < cols;
        const expected = !inside || y[i] > 0 ? g[i] : Math.fround(g[i] * Math.fround(0.2));
        assert.equal(got[i], expected, `g[${r}][${j}]`);
      }
    }
  });
});

describe('seedLoss', () => {
  const features = 23,
    samples = 6;
  const rng = createRng(5);
  const y = randomF32(rng, features * samples).map((v) => 3 * v + 4);
  const labels = Uint8Array.from([0, 1, 9, 4, 2, 7]);
  const nllConstant = 0.5 * features * Math.log(2 * Math.PI);

  // Float64 reference of one sample's parts and of d(scale·loss)/dy.
  function reference(s: number, scale: number) {
    const col = Array.from({ length: features }, (_, f) => y[f * samples + s]);
    const t = 2 * labels[s];
    const mean = col.reduce((a, v) => a + v, 0) / features;
    const variance = col.reduce((a, v) => a + (v - mean) ** 2, 0) / (features - 1);
    const nll = 0.5 * col.reduce((a, v) => a + (v - t) ** 2, 0) + nllConstant;
    const grad = col.map((v) => scale * (v - t + (4 * (variance - 1) * (v - mean)) / (features - 1)));
    return { nll, penalty: (variance - 1) ** 2, grad, mean, variance };
  }

  it("writes each sample's nll and variance penalty (float64 sums) for its sample range", () => {
    const parts = harness.alloc(samples * 16);
    new Float64Array(harness.memory.buffer, parts, samples * 2).fill(-1);
    kernels.seedLoss(harness.put(y), samples, features, 1, 5, harness.putBytes(labels), nllConstant, parts, 0, 1);
    const got = harness.f64(parts, samples * 2);
    assert.equal(got[0], -1);
    assert.equal(got[10], -1);
    for (let s = 1; s < 5; s++) {
      const r = reference(s, 1);
      close(got[2 * s], r.nll, 1e-12 * r.nll, `nll of sample ${s}`);
      close(got[2 * s + 1], r.penalty, 1e-12 * Math.max(1, r.penalty), `penalty of sample ${s}`);
    }
  });

  it("writes the gradient of the scaled loss in the output's layout", () => {
    const scale = 1 / samples;
    const gradOffset = harness.put(new Float32Array(features * samples));
    kernels.seedLoss(
      harness.put(y),
      samples,
      features,
      0,
      samples,
      harness.putBytes(labels),
      nllConstant,
      harness.alloc(samples * 16),
      gradOffset,
      scale,
    );
    const got = harness.f32(gradOffset, features * samples);
    for (let s = 0; s < samples; s++) {
      const r = reference(s, scale);
      for (let f = 0; f < features; f++) {
        // A handful of float32 operations on values of size |y − 2a| + |y − mean|.
        const v = y[f * samples + s];
        const size = scale * (Math.abs(v - 2 * labels[s]) + Math.abs(v - r.mean) * (1 + Math.abs(r.variance - 1)));
        close(got[f * samples + s], r.grad[f], 8 * U32 * size, `grad[${f}][${s}]`);
      }
    }
  });
});

describe('adam', () => {
  it("matches PyTorch's update over a block with a leading dimension, leaving the rest alone", () => {
    const rows = 5,
      cols = 7,
      ld = 9;
    const rng = createRng(6);
    const p = randomF32(rng, rows * ld);
    const m = randomF32(rng, rows * ld).map((v) => 0.01 * v);
    const v = randomF32(rng, rows * ld).map((x) => 1e-4 * x * x);
    const g = randomF32(rng, rows * ld).map((x) => 0.1 * x);
    g[ld + 3] = 0;
    const lr = 1e-3,
      t = 7;
    const pp = harness.put(p),
      pm = harness.put(m),
      pv = harness.put(v),
      pg = harness.put(g);
    const stepSize = lr / (1 - ADAM.beta1 ** t);
    const invBc2Sqrt = 1 / Math.sqrt(1 - ADAM.beta2 ** t);
    kernels.adam(
      pp + ld * 4,
      pm + ld * 4,
      pv + ld * 4,
      ld,
      pg + ld * 4,
      ld,
      rows - 1,
      cols,
      ADAM.beta1,
      1 - ADAM.beta1,
      ADAM.beta2,
      1 - ADAM.beta2,
      stepSize,
      invBc2Sqrt,
      ADAM.epsilon,
    );
    const [gotP, gotM, gotV] = [harness.f32(pp, rows * ld), harness.f32(pm, rows * ld), harness.f32(pv, rows * ld)];
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < ld; j++) {
        const i = r * ld + j;
        if (r === 0 || j >= cols) {
          assert.deepEqual([gotP[i], gotM[i], gotV[i]], [p[i], m[i], v[i]], `[${r}][${j}] outside the block changed`);
          continue;
        }
        const [eP, eM, eV] = adamUpdate(p[i], m[i], v[i], g[i], t, lr);
        // A few float32 roundings each: relative 4u on the moments, and on the update step.
        close(
          gotM[i],
          eM,
          4 * U32 * (Math.abs(ADAM.beta1 * m[i]) + Math.abs((1 - ADAM.beta1) * g[i])),
          `m[${r}][${j}]`,
        );
        close(gotV[i], eV, 4 * U32 * (ADAM.beta2 * v[i] + (1 - ADAM.beta2) * g[i] * g[i]), `v[${r}][${j}]`);
        close(gotP[i], eP, 2 * U32 * Math.abs(p[i]) + 8 * U32 * Math.abs(eP - p[i]), `p[${r}][${j}]`);
      }
    }
  });
});
