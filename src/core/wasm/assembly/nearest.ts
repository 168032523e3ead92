// Nearest reference image for a block of images, in float32, exploiting that reference
// digits are mostly zero: with the references stored sparse (their nonzero pixels only),
// the products a·b for a block of 32 images and one reference cost one multiply-add per
// nonzero pixel of the reference and image, instead of one per pixel.
//
// The keys computed here only select candidates: src/core/analysis/nearestDistances.ts
// bounds their rounding error, and measures the exact distance of every reference whose
// key could be the smallest in float64.
//
// Same conventions as linalg.ts: byte offsets into the imported shared memory, no
// allocation, no static data.

/** Images per block: eight f32x4 vectors, the accumulators of the inner loop. */
const BLOCK: i32 = 32;

/**
 * For a block of BLOCK images and the references r0..r1:
 *
 * - `images`: the block transposed, pixel p's BLOCK values at images + p·128 (zero for
 *   missing images);
 * - references in compressed rows: reference r's nonzero pixels are entries
 *   start[r]..start[r+1] (int32 at `start`), each a byte offset p·128 (int32 at
 *   `offsets`) and a value (f32 at `values`); `norms` holds ‖b_r‖² (f32);
 * - key_r(s) = ‖b_r‖² − 2·a_s·b_r (the squared distance is ‖a_s‖² + key) goes to
 *   work + 128 + (r − r0)·128 + 4s, and the smallest key of each image to work
 *   (`work`: nearest_work_bytes(r1 − r0) bytes).
 *
 * Then every reference whose key is within `slack[s]` (f32 per image) of the image's
 * smallest is listed: candidate k of image s is the int32 at out + (s·capacity + k)·4,
 * their number the int32 at counts + 4s, or −1 when there were more than `capacity`
 * (the caller then measures that image against every reference).
 */
export function nearest_keys(
  images: usize, start: usize, offsets: usize, values: usize, norms: usize, r0: i32, r1: i32,
  slack: usize, out: usize, counts: usize, capacity: i32, work: usize,
): void {
  const mins = work;
  const keys = work + 128;
  const inf = f32x4.splat(<f32>Infinity);
  let m0 = inf, m1 = inf, m2 = inf, m3 = inf, m4 = inf, m5 = inf, m6 = inf, m7 = inf;
  const two = f32x4.splat(2);
  let key = keys;
  for (let r = r0; r < r1; r++) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const e0 = load<i32>(start + (<usize>r << 2));
    const e1 = load<i32>(start + (<usize>(r + 1) << 2));
    for (let e = e0; e < e1; e++) {
      const p = images + <usize>load<i32>(offsets + (<usize>e << 2));
      const v = v128.load_splat<f32>(values + (<usize>e << 2));
      a0 = f32x4.add(a0, f32x4.mul(v, v128.load(p)));
      a1 = f32x4.add(a1, f32x4.mul(v, v128.load(p, 16)));
      a2 = f32x4.add(a2, f32x4.mul(v, v128.load(p, 32)));
      a3 = f32x4.add(a3, f32x4.mul(v, v128.load(p, 48)));
      a4 = f32x4.add(a4, f32x4.mul(v, v128.load(p, 64)));
      a5 = f32x4.add(a5, f32x4.mul(v, v128.load(p, 80)));
      a6 = f32x4.add(a6, f32x4.mul(v, v128.load(p, 96)));
      a7 = f32x4.add(a7, f32x4.mul(v, v128.load(p, 112)));
    }
    const nv = v128.load_splat<f32>(norms + (<usize>r << 2));
    const k0 = f32x4.sub(nv, f32x4.mul(two, a0)), k1 = f32x4.sub(nv, f32x4.mul(two, a1));
    const k2 = f32x4.sub(nv, f32x4.mul(two, a2)), k3 = f32x4.sub(nv, f32x4.mul(two, a3));
    const k4 = f32x4.sub(nv, f32x4.mul(two, a4)), k5 = f32x4.sub(nv, f32x4.mul(two, a5));
    const k6 = f32x4.sub(nv, f32x4.mul(two, a6)), k7 = f32x4.sub(nv, f32x4.mul(two, a7));
    v128.store(key, k0); v128.store(key, k1, 16); v128.store(key, k2, 32); v128.store(key, k3, 48);
    v128.store(key, k4, 64); v128.store(key, k5, 80); v128.store(key, k6, 96); v128.store(key, k7, 112);
    m0 = f32x4.min(m0, k0); m1 = f32x4.min(m1, k1); m2 = f32x4.min(m2, k2); m3 = f32x4.min(m3, k3);
    m4 = f32x4.min(m4, k4); m5 = f32x4.min(m5, k5); m6 = f32x4.min(m6, k6); m7 = f32x4.min(m7, k7);
    key += 128;
  }
  v128.store(mins, m0); v128.store(mins, m1, 16); v128.store(mins, m2, 32); v128.store(mins, m3, 48);
  v128.store(mins, m4, 64); v128.store(mins, m5, 80); v128.store(mins, m6, 96); v128.store(mins, m7, 112);

  // Thresholds: the smallest key plus the slack, per image.
  for (let s = 0; s < BLOCK; s++) {
    store<f32>(mins + (<usize>s << 2), load<f32>(mins + (<usize>s << 2)) + load<f32>(slack + (<usize>s << 2)));
    store<i32>(counts + (<usize>s << 2), 0);
  }
  key = keys;
  for (let r = r0; r < r1; r++) {
    for (let q: usize = 0; q < 128; q += 16) {
      const below = f32x4.le(v128.load(key + q), v128.load(mins + q));
      if (!v128.any_true(below)) continue;
      for (let lane: usize = 0; lane < 4; lane++) {
        const s = (q >> 2) + lane;
        if (load<f32>(key + q + (lane << 2)) > load<f32>(mins + (s << 2))) continue;
        const c = load<i32>(counts + (s << 2));
        if (c < 0) continue;
        if (c >= capacity) {
          store<i32>(counts + (s << 2), -1);
          continue;
        }
        store<i32>(out + ((s * <usize>capacity + <usize>c) << 2), r);
        store<i32>(counts + (s << 2), c + 1);
      }
    }
    key += 128;
  }
}

/** Bytes of `work` nearest_keys needs for `references` references. */
export function nearest_work_bytes(references: i32): i32 {
  return (references + 1) * BLOCK * 4;
}
