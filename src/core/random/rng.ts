/**
 * A small, fast, seedable random number generator (sfc32) with the draws the
 * project needs. Every random choice in Invertscope (initialization, shuffling,
 * splits, noise, dequantization) comes from one of these, so a seed reproduces
 * a run bit for bit on every backend.
 *
 * @example
 *   const rng = createRng(42);
 *   rng.uniform();        // in [0, 1)
 *   rng.normal();         // standard normal
 *   rng.fork('shuffle');  // an independent stream derived from the same seed
 */
export interface Rng {
  /** A float in [0, 1) with 32 bits of randomness. */
  uniform(): number;
  /** A standard normal deviate (Box–Muller, no cached second value, so draws stay aligned). */
  normal(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A new generator whose stream depends on this seed and the label only. */
  fork(label: string): Rng;
  /** Shuffles in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T;
  readonly seed: number;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  return new Sfc32(seed >>> 0, seed);
}

/** FNV-1a over a string, used to derive independent streams from labels. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    seed32: number,
    readonly seed: number,
  ) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed32;
    // Discard the first outputs: sfc32 mixes slowly from structured seeds.
    for (let i = 0; i < 15; i++) this.next();
  }

  private next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  uniform(): number {
    return this.next() / 4294967296;
  }

  normal(): number {
    // 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  fork(label: string): Rng {
    const mixed = (Math.imul(hashString(label), 0x9e3779b1) ^ (this.seed >>> 0)) >>> 0;
    return new Sfc32(mixed, mixed);
  }

  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
