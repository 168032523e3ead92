import { customArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { createRng, type Rng } from '../../../src/core/random/rng';
import type { LuLayer } from '../../../src/core/train/flow/luLayer';

/** A narrow LU flow: the code paths of width 784 at a size a float64 reference checks in milliseconds. */
export const WIDTH = 12;

export function smallArchitecture(depth = 3, activateLast = true, negativeSlope = 0.1): Architecture {
  return customArchitecture({
    name: 'test',
    depth,
    activation: true,
    activateLast,
    width: WIDTH,
    negativeSlope,
    parametrization: 'lu',
  });
}

/** A random LU layer: L and U entries ~ U(−0.3, 0.3), log|u_ii| ~ U(−0.5, 0.5), random signs and permutation. */
export function randomLuLayer(n: number, rng: Rng): LuLayer {
  const packed = new Float32Array(n * n);
  for (let i = 0; i < n * n; i++) packed[i] = (rng.uniform() - 0.5) * 0.6;
  for (let i = 0; i < n; i++) packed[i * n + i] = rng.uniform() - 0.5;
  const sign = Float32Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
  const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  return { width: n, packed, sign, perm };
}

export function randomFlow(arch: Architecture, seed: number) {
  const rng = createRng(seed);
  const layers = arch.layers.map(() => randomLuLayer(arch.width, rng));
  const biases = arch.layers.map(() => Float32Array.from({ length: arch.width }, () => (rng.uniform() - 0.5) * 0.4));
  return { layers, biases };
}

/** Images on [0, 1] with many exact zeros (like MNIST's background) and labels 0..9. */
export function randomBatch(seed: number, count: number, n = WIDTH) {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: count * n }, () =>
    rng.uniform() < 0.5 ? 0 : Math.round(rng.uniform() * 255) / 255,
  );
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return { images, labels };
}

/** det of a dense n×n matrix by Gaussian elimination with partial pivoting (float64), as ln|det|. */
export function logAbsDetByElimination(w: ArrayLike<number>, n: number): number {
  const a = Float64Array.from(w);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
    if (p !== k)
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
    const d = a[k * n + k];
    sum += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / d;
      for (let j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return sum;
}

/** MNIST-like data: each pixel is exactly 0 with its own probability, otherwise a level that moves linearly with the label plus image noise. */
export function pileData(seed: number, count = 1000, n = WIDTH) {
  const rng = createRng(seed);
  const zeroChance = Array.from({ length: n }, (_, j) => 0.2 + (0.7 * j) / n);
  const images = new Float32Array(count * n);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const a = r % 10;
    labels[r] = a;
    const shared = rng.normal();
    for (let j = 0; j < n; j++) {
      if (rng.uniform() < zeroChance[j]) continue;
      const v = 0.3 + 0.06 * a * (0.5 + 0.5 * Math.cos(j)) + 0.1 * shared + 0.05 * rng.normal();
      images[r * n + j] = Math.round(255 * Math.min(1, Math.max(0, v))) / 255;
    }
  }
  return { images, labels, count, classes: 10 };
}
