import { kernelMemory } from '../linalg/linalgKernels';
import { WORK } from '../linalg/kernelCalls';
import { runKernelGroups, type KernelGroup } from '../linalg/kernelThreads';

/** Images per kernel block (nearest.ts BLOCK). */
const BLOCK = 32;
/** Candidates kept per image; an image with more is measured against every reference. */
const CAPACITY = 32;
/** float32 unit roundoff. */
const U32 = 2 ** -24;

interface SparseReference {
  readonly source: Float32Array;
  readonly count: number;
  readonly n: number;
  /** Byte offsets in the kernel memory: row starts (int32, count + 1), pixel offsets (int32), values (f32), ‖b‖² (f32). */
  readonly start: number;
  readonly offsets: number;
  readonly values: number;
  readonly norms: number;
  /** max ‖b_r‖ and the most nonzero pixels of a reference. */
  readonly maxNorm: number;
  readonly maxNonzero: number;
}

/** The references of the last call, kept in kernel memory: an analysis asks about the same ones for every generated set. */
let cached: SparseReference | undefined;

/**
 * For each of `count` images (rows of `images`, n values), the Euclidean
 * distance to the nearest of `referenceCount` reference images, computed in
 * float64 as √Σ(a_j − b_j)².
 *
 * Which reference is nearest is decided in two steps. A WebAssembly kernel
 * computes the key ‖b‖² − 2a·b of every pair in float32 over the references'
 * nonzero pixels only (digits are mostly background, so this is a fraction
 * of a dense product), and keeps, per image, every reference whose key is
 * within the keys' rounding-error bound of the smallest; the exact float64
 * distance of each of those decides. The result is the float64 distance to
 * the truly nearest reference, whatever the rounding of the keys (an image
 * with too many candidates, or a non-finite value, is measured against every
 * reference directly).
 *
 * @example
 *   nearestDistances(Float32Array.of(0, 0), 1, Float32Array.of(3, 4, 1, 1), 2, 2);  // [√2]
 */
export function nearestDistances(
  images: Float32Array,
  count: number,
  reference: Float32Array,
  referenceCount: number,
  n: number,
): Float64Array {
  if (images.length !== count * n)
    throw new RangeError(`nearestDistances: images must hold ${count}×${n} numbers, got ${images.length}`);
  if (reference.length !== referenceCount * n)
    throw new RangeError(
      `nearestDistances: reference must hold ${referenceCount}×${n} numbers, got ${reference.length}`,
    );
  const out = new Float64Array(count).fill(Number.NaN);
  if (referenceCount === 0 || count === 0) return out;
  const ref = sparseReference(reference, referenceCount, n);
  const { heap, memory } = kernelMemory();
  const blocks = Math.ceil(count / BLOCK);
  const imageBytes = n * BLOCK * 4;
  const listBytes = BLOCK * (CAPACITY + 1) * 4;
  const slackBytes = BLOCK * 4;
  const perBlock = imageBytes + listBytes + slackBytes;
  const region = heap.alloc(blocks * perBlock);
  try {
    const f32 = new Float32Array(memory.buffer);
    const norms = new Float64Array(count);
    const groups: KernelGroup[] = [];
    for (let b = 0; b < blocks; b++) {
      const base = region + b * perBlock;
      const packed = base / 4;
      f32.fill(0, packed, packed + n * BLOCK);
      const slack = (base + imageBytes + listBytes) / 4;
      for (let s = 0; s < BLOCK; s++) {
        const i = b * BLOCK + s;
        if (i >= count) {
          f32[slack + s] = 0;
          continue;
        }
        let norm = 0;
        for (let p = 0; p < n; p++) {
          const v = images[i * n + p];
          f32[packed + p * BLOCK + s] = v;
          norm += v * v;
        }
        norms[i] = norm;
        f32[slack + s] = keySlack(Math.sqrt(norm), ref);
      }
      groups.push([
        {
          kernel: 'nearest_keys',
          args: [
            base,
            ref.start,
            ref.offsets,
            ref.values,
            ref.norms,
            0,
            referenceCount,
            base + imageBytes + listBytes,
            base + imageBytes + BLOCK * 4,
            base + imageBytes,
            CAPACITY,
            WORK,
          ],
        },
      ]);
    }
    runKernelGroups(groups, (referenceCount + 1) * BLOCK * 4);
    const i32 = new Int32Array(memory.buffer);
    for (let b = 0; b < blocks; b++) {
      const counts = (region + b * perBlock + imageBytes) / 4;
      const lists = counts + BLOCK;
      for (let s = 0; s < BLOCK; s++) {
        const i = b * BLOCK + s;
        if (i >= count) break;
        const candidates = i32[counts + s];
        if (!Number.isFinite(norms[i])) continue;
        let best = Number.POSITIVE_INFINITY;
        if (candidates <= 0) {
          for (let r = 0; r < referenceCount; r++) best = Math.min(best, squaredDistance(images, i, reference, r, n));
        } else {
          for (let k = 0; k < candidates; k++)
            best = Math.min(best, squaredDistance(images, i, reference, i32[lists + s * CAPACITY + k], n));
        }
        out[i] = Math.sqrt(best);
      }
    }
  } finally {
    heap.release(region);
  }
  return out;
}

/**
 * How far a float32 key ‖b‖² − 2a·b can be from its exact value, for an image
 * of norm ‖a‖, doubled (the smallest key and a candidate's both err) with room
 * to spare: the sum over k ≤ n products errs by at most γ_k·Σ|a_j b_j| ≤
 * γ_k·‖a‖·‖b‖, and rounding ‖b‖² and the difference adds a few u·‖b‖(‖a‖ + ‖b‖).
 */
function keySlack(imageNorm: number, ref: SparseReference): number {
  const k = ref.maxNonzero;
  const gamma = (k * U32) / (1 - k * U32);
  const bound = 2 * gamma * imageNorm * ref.maxNorm + 4 * U32 * ref.maxNorm * (ref.maxNorm + imageNorm);
  return 4 * bound + Number.MIN_VALUE;
}

/** Σ(a_j − b_j)² in float64, pixels in order. */
function squaredDistance(images: Float32Array, i: number, reference: Float32Array, r: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) {
    const d = images[i * n + j] - reference[r * n + j];
    s += d * d;
  }
  return s;
}

/** The references as compressed rows of their nonzero pixels in kernel memory, reusing the last call's when they are the same array. */
function sparseReference(reference: Float32Array, count: number, n: number): SparseReference {
  if (cached && cached.source === reference && cached.count === count && cached.n === n) return cached;
  const { heap, memory } = kernelMemory();
  if (cached) {
    for (const offset of [cached.start, cached.offsets, cached.values, cached.norms]) heap.release(offset);
    cached = undefined;
  }
  let nonzero = 0;
  for (let i = 0; i < reference.length; i++) if (reference[i] !== 0) nonzero++;
  const start = heap.alloc((count + 1) * 4);
  const offsets = heap.alloc(Math.max(1, nonzero) * 4);
  const values = heap.alloc(Math.max(1, nonzero) * 4);
  const norms = heap.alloc(count * 4);
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  let e = 0;
  let maxNorm = 0;
  let maxNonzero = 0;
  for (let r = 0; r < count; r++) {
    i32[start / 4 + r] = e;
    let norm = 0;
    const first = e;
    for (let p = 0; p < n; p++) {
      const v = reference[r * n + p];
      if (v === 0) continue;
      i32[offsets / 4 + e] = p * BLOCK * 4;
      f32[values / 4 + e] = v;
      norm += v * v;
      e++;
    }
    f32[norms / 4 + r] = norm;
    maxNorm = Math.max(maxNorm, Math.sqrt(norm));
    maxNonzero = Math.max(maxNonzero, e - first);
  }
  i32[start / 4 + count] = e;
  cached = { source: reference, count, n, start, offsets, values, norms, maxNorm, maxNonzero };
  return cached;
}
