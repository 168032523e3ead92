// Singular values of an upper bidiagonal matrix by bisection (float64).

/** Bytes of `work` that bidiag_singular_values_f64 needs for order n. */
export function bidiag_sv_work_bytes(n: i32): i32 {
  return 2 * n * 8 + 16 + 5 * LANES * 8 + 3 * 8;
}

/** Shifts bisected together: 8 vectors of 2, enough independent divisions to keep the divider busy. */
const LANES: i32 = 16;

/**
 * Number of eigenvalues of BᵀB at or below each of the LANES shifts t[0..)
 * (f64, at `t`), as i64 at `out`, for q = squared diagonal and f = squared
 * superdiagonal of B. Uses the differential stationary qd transform
 * BᵀB − t = L₊D₊L₊ᵀ: D₊ᵢ = qᵢ + sᵢ, sᵢ₊₁ = sᵢ·fᵢ/D₊ᵢ − t, counting D₊ᵢ ≤ 0.
 * Each count is exact for a bidiagonal whose entries differ from B's by a
 * few ulps relatively (every operation perturbs one qᵢ or fᵢ by one
 * rounding), which is what gives bisection high relative accuracy.
 *
 * A zero pivot is replaced by −pivmin here; the fast version below skips that
 * guard and falls back to this one when it meets a zero or an overflow.
 */
function countGuarded(n: i32, q: usize, f: usize, pivmin: f64, t: usize, s: usize, out: usize): void {
  const pm = f64x2.splat(pivmin), npm = f64x2.splat(-pivmin), zero = f64x2.splat(0);
  const vectors = <usize>LANES / 2;
  for (let v: usize = 0; v < vectors; v++) {
    v128.store(s + v * 16, f64x2.neg(v128.load(t + v * 16)));
    v128.store(out + v * 16, i64x2.splat(0));
  }
  for (let i = 0; i < n; i++) {
    const qi = v128.load_splat<f64>(q + <usize>i * 8), fi = v128.load_splat<f64>(f + <usize>i * 8);
    for (let v: usize = 0; v < vectors; v++) {
      const sv = v128.load(s + v * 16);
      let dv = f64x2.add(qi, sv);
      dv = v128.bitselect(npm, dv, f64x2.lt(f64x2.abs(dv), pm));
      v128.store(out + v * 16, i64x2.sub(v128.load(out + v * 16), f64x2.le(dv, zero)));
      v128.store(s + v * 16, f64x2.sub(f64x2.div(f64x2.mul(sv, fi), dv), v128.load(t + v * 16)));
    }
  }
}

/**
 * countGuarded without the guard, with the eight chains in registers: per
 * step one add, one divide and one subtract in sequence (s·f runs alongside
 * the add). A zero pivot or an overflow makes s NaN or infinite, which shows
 * in the last pivot: returns false then, and the caller recounts guarded.
 */
function countFast(n: i32, q: usize, f: usize, t: usize, out: usize): bool {
  const zero = f64x2.splat(0);
  const t0 = v128.load(t), t1 = v128.load(t, 16), t2 = v128.load(t, 32), t3 = v128.load(t, 48);
  const t4 = v128.load(t, 64), t5 = v128.load(t, 80), t6 = v128.load(t, 96), t7 = v128.load(t, 112);
  let s0 = f64x2.neg(t0), s1 = f64x2.neg(t1), s2 = f64x2.neg(t2), s3 = f64x2.neg(t3);
  let s4 = f64x2.neg(t4), s5 = f64x2.neg(t5), s6 = f64x2.neg(t6), s7 = f64x2.neg(t7);
  let c0 = i64x2.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  const last = <usize>(n - 1) * 8;
  for (let o: usize = 0; o < last; o += 8) {
    const qi = v128.load_splat<f64>(q + o), fi = v128.load_splat<f64>(f + o);
    const d0 = f64x2.add(qi, s0), d1 = f64x2.add(qi, s1), d2 = f64x2.add(qi, s2), d3 = f64x2.add(qi, s3);
    const d4 = f64x2.add(qi, s4), d5 = f64x2.add(qi, s5), d6 = f64x2.add(qi, s6), d7 = f64x2.add(qi, s7);
    s0 = f64x2.sub(f64x2.div(f64x2.mul(s0, fi), d0), t0);
    s1 = f64x2.sub(f64x2.div(f64x2.mul(s1, fi), d1), t1);
    s2 = f64x2.sub(f64x2.div(f64x2.mul(s2, fi), d2), t2);
    s3 = f64x2.sub(f64x2.div(f64x2.mul(s3, fi), d3), t3);
    s4 = f64x2.sub(f64x2.div(f64x2.mul(s4, fi), d4), t4);
    s5 = f64x2.sub(f64x2.div(f64x2.mul(s5, fi), d5), t5);
    s6 = f64x2.sub(f64x2.div(f64x2.mul(s6, fi), d6), t6);
    s7 = f64x2.sub(f64x2.div(f64x2.mul(s7, fi), d7), t7);
    c0 = i64x2.sub(c0, f64x2.le(d0, zero));
    c1 = i64x2.sub(c1, f64x2.le(d1, zero));
    c2 = i64x2.sub(c2, f64x2.le(d2, zero));
    c3 = i64x2.sub(c3, f64x2.le(d3, zero));
    c4 = i64x2.sub(c4, f64x2.le(d4, zero));
    c5 = i64x2.sub(c5, f64x2.le(d5, zero));
    c6 = i64x2.sub(c6, f64x2.le(d6, zero));
    c7 = i64x2.sub(c7, f64x2.le(d7, zero));
  }
  const ql = v128.load_splat<f64>(q + last);
  const d0 = f64x2.add(ql, s0), d1 = f64x2.add(ql, s1), d2 = f64x2.add(ql, s2), d3 = f64x2.add(ql, s3);
  const d4 = f64x2.add(ql, s4), d5 = f64x2.add(ql, s5), d6 = f64x2.add(ql, s6), d7 = f64x2.add(ql, s7);
  v128.store(out, i64x2.sub(c0, f64x2.le(d0, zero)));
  v128.store(out, i64x2.sub(c1, f64x2.le(d1, zero)), 16);
  v128.store(out, i64x2.sub(c2, f64x2.le(d2, zero)), 32);
  v128.store(out, i64x2.sub(c3, f64x2.le(d3, zero)), 48);
  v128.store(out, i64x2.sub(c4, f64x2.le(d4, zero)), 64);
  v128.store(out, i64x2.sub(c5, f64x2.le(d5, zero)), 80);
  v128.store(out, i64x2.sub(c6, f64x2.le(d6, zero)), 96);
  v128.store(out, i64x2.sub(c7, f64x2.le(d7, zero)), 112);
  // d − d is 0 exactly when d is finite.
  const ok = v128.and(
    v128.and(v128.and(f64x2.eq(f64x2.sub(d0, d0), zero), f64x2.eq(f64x2.sub(d1, d1), zero)),
      v128.and(f64x2.eq(f64x2.sub(d2, d2), zero), f64x2.eq(f64x2.sub(d3, d3), zero))),
    v128.and(v128.and(f64x2.eq(f64x2.sub(d4, d4), zero), f64x2.eq(f64x2.sub(d5, d5), zero)),
      v128.and(f64x2.eq(f64x2.sub(d6, d6), zero), f64x2.eq(f64x2.sub(d7, d7), zero))));
  return i64x2.all_true(ok);
}

/** The next shift to try between lo and hi: geometric while hi > 2·lo, arithmetic after. */
// @ts-ignore: decorator
@inline function midpoint(lo: v128, hi: v128): v128 {
  const geometric = f64x2.gt(hi, f64x2.add(lo, lo));
  // sqrt(lo)·sqrt(hi): the product itself would underflow near the floor.
  return v128.bitselect(f64x2.mul(f64x2.sqrt(lo), f64x2.sqrt(hi)), f64x2.mul(f64x2.add(lo, hi), f64x2.splat(0.5)), geometric);
}

/**
 * All singular values of the n×n upper bidiagonal matrix with diagonal d and
 * superdiagonal e, in descending order into out[0..n), each to high relative
 * accuracy (within a few ulps of the exact singular values of the
 * bidiagonal), by bisection on the eigenvalues of BᵀB with the counts above,
 * sixteen values at once, each bisected until its bracket holds no float.
 * Values below about 1e-150 of the largest entry are reported as 0.
 * Returns the number of counting sweeps.
 */
export function bidiag_singular_values_f64(n: i32, d: usize, e: usize, out: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const scale = prepare(n, d, e, work);
  if (scale == 0) {
    for (let i = 0; i < n; i++) store<f64>(out + <usize>i * 8, 0);
    return 0;
  }
  let sweeps = 0;
  let previous: f64 = FLOOR;
  for (let j0 = 0; j0 < n; j0 += LANES) {
    sweeps += bisectGroup(n, j0, previous, work);
    const valid = min(LANES, n - j0);
    for (let l = 0; l < valid; l++) {
      const j = j0 + l;
      store<f64>(out + <usize>(n - 1 - j) * 8, groupValue(n, work, l, j, scale));
      // The next values are at least this one; lo keeps count(lo) ≤ j even for repeated values.
      if (j >= zerosOf(n, work)) previous = load<f64>(loArrOf(n, work) + <usize>l * 8);
    }
  }
  return sweeps;
}

/**
 * σmax and σmin of the bidiagonal alone, into out[0] and out[1]: the same
 * bisection as bidiag_singular_values_f64 for the group of the smallest
 * value and the group of the largest (two of n/16 groups). The group of the
 * largest starts its brackets at the floor, not where the group before it
 * ended; where the counts are monotone in the shift, each value is the one
 * float pair where its count crosses, whatever the starting bracket, so the
 * bits are those bidiag_singular_values_f64 gives (they are in every case the
 * tests try). Were a count not monotone somewhere, σmax could differ in its
 * last bits, each result still within a few ulps of the bidiagonal's.
 * Returns the sweeps.
 */
export function bidiag_extreme_singular_values_f64(n: i32, d: usize, e: usize, out: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const scale = prepare(n, d, e, work);
  if (scale == 0) {
    store<f64>(out, 0);
    store<f64>(out, 0, 8);
    return 0;
  }
  let sweeps = bisectGroup(n, 0, FLOOR, work);
  store<f64>(out, groupValue(n, work, 0, 0, scale), 8);
  if (n == 1) {
    store<f64>(out, load<f64>(out, 8));
    return sweeps;
  }
  const top = n - 1;
  const j0 = top < LANES ? 0 : top + 1 - LANES;
  if (j0 > 0) sweeps += bisectGroup(n, j0, FLOOR, work);
  store<f64>(out, groupValue(n, work, top - j0, top, scale));
  return sweeps;
}

/** Values whose square is below FLOOR (in the scaled matrix) are reported as 0. */
const FLOOR: f64 = 1e-300;
const PIVMIN: f64 = 2.2250738585072014e-308 * 4;

// The work area: q and f (n each), then lo, hi, t, counts and s (LANES each), then top, scale and zeros.
// @ts-ignore: decorator
@inline function qOf(work: usize): usize {
  return (work + 15) & ~<usize>15;
}
// @ts-ignore: decorator
@inline function fOf(n: i32, work: usize): usize {
  return qOf(work) + <usize>n * 8;
}
// @ts-ignore: decorator
@inline function loArrOf(n: i32, work: usize): usize {
  return fOf(n, work) + <usize>n * 8;
}
// @ts-ignore: decorator
@inline function zerosOf(n: i32, work: usize): i32 {
  return <i32>load<f64>(loArrOf(n, work) + <usize>LANES * 5 * 8, 16);
}

/**
 * Scales B by a power of two so its largest entry is in [0.5, 1), stores the
 * squared diagonal and superdiagonal (q, f), the bound on BᵀB's eigenvalues
 * and the number of zero singular values in `work`, and returns the scale
 * (0 for a zero matrix).
 */
function prepare(n: i32, d: usize, e: usize, work: usize): f64 {
  const q = qOf(work);
  const f = fOf(n, work);
  const lanes = <usize>LANES;
  const loArr = loArrOf(n, work), tArr = loArr + 2 * lanes * 8, cArr = tArr + lanes * 8, sArr = cArr + lanes * 8;
  const scalars = sArr + lanes * 8;
  let big: f64 = 0;
  for (let i = 0; i < n; i++) big = max(big, abs(load<f64>(d + <usize>i * 8)));
  for (let i = 0; i < n - 1; i++) big = max(big, abs(load<f64>(e + <usize>i * 8)));
  if (big == 0) return 0;
  // big = 1.f · 2^(b − 1023) from its bits; no Math library (its tables would be static data).
  const biased = <i32>((reinterpret<u64>(big) >> 52) & 0x7ff);
  const exponent = min(1000, max(-1000, biased - 1022));
  const scale = reinterpret<f64>(<u64>(1023 - exponent) << 52);
  let bound: f64 = 0;
  for (let i = 0; i < n; i++) {
    const di = load<f64>(d + <usize>i * 8) * scale;
    const ei = i < n - 1 ? load<f64>(e + <usize>i * 8) * scale : 0;
    const ep = i > 0 ? load<f64>(e + <usize>(i - 1) * 8) * scale : 0;
    store<f64>(q + <usize>i * 8, di * di);
    store<f64>(f + <usize>i * 8, ei * ei);
    bound = max(bound, abs(di) + max(abs(ei), abs(ep)));
  }
  // BᵀB's eigenvalues lie in [0, bound²]; keep a margin over rounding.
  store<f64>(scalars, bound * bound * (1 + 1e-12) + 1e-300);
  store<f64>(scalars, scale, 8);
  for (let l: usize = 0; l < lanes; l++) store<f64>(tArr + l * 8, FLOOR);
  countGuarded(n, q, f, PIVMIN, tArr, sArr, cArr);
  store<f64>(scalars, <f64>load<i64>(cArr), 16);
  return scale;
}

/**
 * Bisects the eigenvalues λ_j0 … λ_(j0+15) of BᵀB (ascending index j: the
 * (j+1)-th smallest lies in (lo, hi] with count(lo) ≤ j < count(hi)), every
 * bracket starting at (max(lo0, FLOOR), top], until none holds a float.
 * Returns the sweeps.
 */
function bisectGroup(n: i32, j0: i32, lo0: f64, work: usize): i32 {
  const q = qOf(work);
  const f = fOf(n, work);
  const lanes = <usize>LANES;
  const loArr = loArrOf(n, work), hiArr = loArr + lanes * 8, tArr = hiArr + lanes * 8, cArr = tArr + lanes * 8;
  const sArr = cArr + lanes * 8;
  const top = load<f64>(sArr + lanes * 8);
  for (let l: usize = 0; l < lanes; l++) {
    store<f64>(loArr + l * 8, max(lo0, FLOOR));
    store<f64>(hiArr + l * 8, top);
  }
  let sweeps = 0;
  for (let it = 0; it < 2200; it++) {
    // A lane is done when its bracket holds no float between lo and hi.
    let open = i64x2.splat(0);
    for (let o: usize = 0; o < lanes * 8; o += 16) {
      const lo = v128.load(loArr + o), hi = v128.load(hiArr + o);
      const t = midpoint(lo, hi);
      v128.store(tArr + o, t);
      open = v128.or(open, v128.and(f64x2.gt(t, lo), f64x2.lt(t, hi)));
    }
    if (!v128.any_true(open)) break;
    if (!countFast(n, q, f, tArr, cArr)) countGuarded(n, q, f, PIVMIN, tArr, sArr, cArr);
    sweeps++;
    for (let o: usize = 0; o < lanes * 8; o += 16) {
      const j = <i64>j0 + <i64>(o >> 3);
      // Lane targets: count(hi) ≥ j + 1.
      const target = i64x2.replace_lane(i64x2.splat(j + 1), 1, j + 2);
      const above = i64x2.ge_s(v128.load(cArr + o), target);
      const t = v128.load(tArr + o);
      v128.store(hiArr + o, v128.bitselect(t, v128.load(hiArr + o), above));
      v128.store(loArr + o, v128.bitselect(v128.load(loArr + o), t, above));
    }
  }
  return sweeps;
}

/**
 * σ_j from lane l of the group just bisected: a zero pivot counts as
 * negative, so count(t) = #{λ ≤ t}, the eigenvalue lies in (lo, hi], and hi
 * is the next float after lo.
 */
function groupValue(n: i32, work: usize, l: i32, j: i32, scale: f64): f64 {
  if (j < zerosOf(n, work)) return 0;
  const hiArr = loArrOf(n, work) + <usize>LANES * 8;
  return sqrt<f64>(load<f64>(hiArr + <usize>l * 8)) / scale;
}
