// Float32 kernels of LU-flow training: triangular products that apply W = P·L·U factor by
// factor without ever forming W, the masked outer products that give L's and U's gradients
// directly, the flow loss with its log-determinant count, and the surrogate of that count's
// gradient. Like dense.ts, every function works on byte offsets into the imported (shared)
// memory and keeps no state, so one instance per worker thread runs on the same buffers.
//
// Activations use the panel layout: ceil(batch/8) panels, panel p holding n rows (features)
// of 8 floats (samples 8p..8p+7). A panel is exactly the packed right operand of the 5×8
// register tile, so products read activations in place: no packing of the batch at all.
// Lanes past the batch's count hold finite values that never reach a gradient (masked).
//
// No static data and no Math library functions (their lookup tables would be data segments
// at low addresses, where the TypeScript side puts its buffers): exp is written out here.
import { adam } from './dense/adam';
import { tilePacked } from './dense/sgemm';
import { packARows, packATransposed } from './dense/sgemmPacking';

// Re-exported so that the optimizer keeps the register tile a function of its own (see dense/sgemm.ts).
export { adam, tilePacked };

const MR: i32 = 5;
const NR: i32 = 8;
/** Bytes of one panel row: 8 floats. */
const ROW: usize = 32;

/** The four operands a packed LU factor provides (packed = L below the diagonal, log|u_ii| on it, U above). */
const TRI_U: i32 = 0;
const TRI_L: i32 = 1;
const TRI_LT: i32 = 2;
const TRI_UT: i32 = 3;

// An item's workspace: a 5×8 scratch tile, then the packed rows of one 5-row tile of op(A).
const SCRATCH_BYTES: usize = 256;

/** Bytes of workspace a triangular or gradient product needs for inner dimension k. */
export function flowWorkspaceBytes(k: i32): i32 {
  return (SCRATCH_BYTES as i32) + ((MR * max(k, 1) * 4 + 63) & ~63);
}

// ---------------------------------------------------------------------------
// exp without tables

/**
 * e^x lane by lane for x in [−87, 88] (clamped there): x = k·ln 2 + r with |r| ≤ ln 2/2
 * (ln 2 split in two for an exact k·ln 2), e^r by Cephes' expf polynomial, 2^k built in
 * the exponent bits. Within 2 ulp of the correctly rounded value.
 */
// @ts-ignore: decorator
@inline function expf4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const k = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

/** e^x for one value, by the same arithmetic as the vector lanes. */
export function expf(x: f32): f32 {
  return f32x4.extract_lane(expf4(f32x4.splat(x)), 0);
}

/** out[i] = e^x[i], i in [from, to): the same arithmetic on every path, so any caller gets the same bits. */
export function expInto(x: usize, out: usize, from: i32, to: i32, negate: bool): void {
  for (let i = from; i < to; i++) {
    const v = load<f32>(x + ((i as usize) << 2));
    store<f32>(out + ((i as usize) << 2), expf(negate ? -v : v));
  }
}

// ---------------------------------------------------------------------------
// Layout conversion

/**
 * Panels p0..p1 of the panel-layout x from batch-major images ([count][n]); lanes of
 * samples ≥ count are zero.
 */
export function toPanels(images: usize, n: i32, count: i32, p0: i32, p1: i32, x: usize): void {
  const panelBytes = (n as usize) * ROW;
  for (let p = p0; p < p1; p++) {
    const panel = x + (p as usize) * panelBytes;
    memory.fill(panel, 0, panelBytes);
    const valid = min(NR, count - p * NR);
    for (let q = 0; q < valid; q++) {
      let src = images + (((p * NR + q) as usize) * (n as usize) << 2);
      let dst = panel + ((q as usize) << 2);
      for (let f = 0; f < n; f++) {
        store<f32>(dst, load<f32>(src));
        src += 4;
        dst += ROW;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Packing one 5-row tile of a triangular operand

/** The value of op(A)[i][p] for one of the four operands of a packed factor. */
// @ts-ignore: decorator
@inline function triValue(kind: i32, packed: usize, n: i32, diag: usize, i: i32, p: i32): f32 {
  const rowMajor = packed + (((i as usize) * (n as usize) + (p as usize)) << 2);
  const colMajor = packed + (((p as usize) * (n as usize) + (i as usize)) << 2);
  if (p == i) return kind == TRI_U || kind == TRI_UT ? load<f32>(diag + ((i as usize) << 2)) : 1;
  if (kind == TRI_U) return p > i ? load<f32>(rowMajor) : 0;
  if (kind == TRI_L) return p < i ? load<f32>(rowMajor) : 0;
  if (kind == TRI_LT) return p > i ? load<f32>(colMajor) : 0;
  return p < i ? load<f32>(colMajor) : 0;
}

/** The inner range [k0, k1) a tile of rows t..t+4 of op(A) can be nonzero on. */
// @ts-ignore: decorator
@inline function innerStart(kind: i32, t: i32): i32 {
  return kind == TRI_U || kind == TRI_LT ? t : 0;
}

// @ts-ignore: decorator
@inline function innerEnd(kind: i32, t: i32, n: i32): i32 {
  return kind == TRI_U || kind == TRI_LT ? n : min(n, t + MR);
}

/**
 * Packs rows t..t+rows of op(A) over k0..k1 as MR interleaved rows (5 floats per inner
 * index, zero beyond `rows`). Only the 5×5 block on the diagonal needs masking; the runs
 * on either side are plain copies, packed as dense/sgemmPacking.ts packs a matrix product's left operand:
 * columns of the packed factor for Lᵀ and Uᵀ, rows for U and L.
 */
function packTri(kind: i32, packed: usize, n: i32, diag: usize, t: i32, rows: i32, k0: i32, k1: i32, dst: usize): void {
  const transposed = kind == TRI_LT || kind == TRI_UT;
  const ld = (n as usize) << 2;
  let p = k0;
  while (p < k1) {
    if (p >= t && p < t + MR) {
      for (let r = 0; r < MR; r++) {
        store<f32>(dst + ((r as usize) << 2), r < rows ? triValue(kind, packed, n, diag, t + r, p) : 0);
      }
      dst += 20;
      p++;
      continue;
    }
    // A run of plain values up to the diagonal block or the end.
    const end = p < t ? min(t, k1) : k1;
    if (transposed) packATransposed(packed + (p as usize) * ld, n, t, rows, end - p, dst);
    else packARows(packed + ((p as usize) << 2), n, t, rows, end - p, dst);
    dst += ((end - p) * 20) as usize;
    p = end;
  }
}

// ---------------------------------------------------------------------------
// Triangular products over all panels

/**
 * V = U·H for rows i0..i1: u_ii = sign_i·e^{s_i} is computed first for these rows and kept in
 * `diag` (the backward pass reads it). `h` and `v` are panel-layout, `panels` panels.
 */
export function luForwardU(packed: usize, sign: usize, n: i32, diag: usize, i0: i32, i1: i32, h: usize, v: usize, panels: i32, work: usize): void {
  for (let i = i0; i < i1; i++) {
    const s = load<f32>(packed + (((i as usize) * (n as usize) + (i as usize)) << 2));
    store<f32>(diag + ((i as usize) << 2), load<f32>(sign + ((i as usize) << 2)) * expf(s));
  }
  triStore(TRI_U, packed, n, diag, i0, i1, h, v, panels, work);
}

/** dV = Lᵀ·dW for rows i0..i1 (panel layout). */
export function luBackwardL(packed: usize, n: i32, i0: i32, i1: i32, dw: usize, dv: usize, panels: i32, work: usize): void {
  triStore(TRI_LT, packed, n, 0, i0, i1, dw, dv, panels, work);
}

function triStore(kind: i32, packed: usize, n: i32, diag: usize, i0: i32, i1: i32, input: usize, out: usize, panels: i32, work: usize): void {
  const panelBytes = (n as usize) * ROW;
  const scratch = work;
  const packedA = work + SCRATCH_BYTES;
  for (let t = i0; t < i1; t += MR) {
    const rows = min(MR, i1 - t);
    const k0 = innerStart(kind, t), k1 = innerEnd(kind, t, n);
    packTri(kind, packed, n, diag, t, rows, k0, k1, packedA);
    const offset = (k0 as usize) * ROW;
    for (let p = 0; p < panels; p++) {
      const base = (p as usize) * panelBytes;
      const c = out + base + (t as usize) * ROW;
      if (rows == MR) {
        tilePacked(packedA, input + base + offset, k1 - k0, c, ROW);
      } else {
        tilePacked(packedA, input + base + offset, k1 - k0, scratch, ROW);
        memory.copy(c, scratch, (rows as usize) * ROW);
      }
    }
  }
}

/** Lane masks of the samples below `count` in panel p: lanes 0–3 and 4–7. */
// @ts-ignore: decorator
@inline function laneMaskLo(count: i32, p: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count - p * NR));
}

// @ts-ignore: decorator
@inline function laneMaskHi(count: i32, p: i32): v128 {
  return i32x4.lt_s(i32x4(4, 5, 6, 7), i32x4.splat(count - p * NR));
}

/**
 * The gradient through a LeakyReLU of slope α at pre-activation a, given the output's
 * gradient g: g·(a > 0 ? 1 : α), plus, when coef ≠ 0, the surrogate of the log-det
 * count's gradient coef·σ(a/τ)·(1 − σ(a/τ)) = coef·e/(1 + e)² with e = e^{−|a|/τ}
 * (symmetric, and never overflows). Lanes outside `mask` are zero.
 */
// @ts-ignore: decorator
@inline function activationGrad(g: v128, a: v128, slope: v128, coef: f32, negInvTau: v128, mask: v128): v128 {
  let d = v128.bitselect(g, f32x4.mul(g, slope), f32x4.gt(a, f32x4.splat(0)));
  if (coef != 0) {
    const e = expf4(f32x4.mul(f32x4.abs(a), negInvTau));
    const onePlus = f32x4.add(e, f32x4.splat(1));
    d = f32x4.add(d, f32x4.mul(f32x4.splat(coef), f32x4.div(e, f32x4.mul(onePlus, onePlus))));
  }
  return v128.and(d, mask);
}

/**
 * Stores one row's gradient (8 lanes as lo, hi) at dst after taking it back through a
 * LeakyReLU of `slope` whose pre-activation row is at `at` (slope 0: no activation).
 */
// @ts-ignore: decorator
@inline function storeThroughActivation(
  lo: v128, hi: v128, at: usize, slope: f32, sv: v128, coef: f32, nt: v128, maskLo: v128, maskHi: v128, dst: usize,
): void {
  if (slope > 0) {
    lo = activationGrad(lo, v128.load(at), sv, coef, nt, maskLo);
    hi = activationGrad(hi, v128.load(at, 16), sv, coef, nt, maskHi);
  } else {
    lo = v128.and(lo, maskLo);
    hi = v128.and(hi, maskHi);
  }
  v128.store(dst, lo);
  v128.store(dst, hi, 16);
}

/**
 * Rows i0..i1 of the layer's LU output W = L·V, each tile then moved to its place in the
 * layer's pre-activation: a_o = w_i + b_o for o = inverse[i] (row i of L·U is row o of
 * P·L·U), and, when slope > 0, y_o = LeakyReLU(a_o). Without an activation pass y = a (or
 * y = 0: only a is written).
 */
export function luForwardL(
  packed: usize, n: i32, i0: i32, i1: i32, v: usize, panels: i32,
  inverse: usize, bias: usize, a: usize, y: usize, slope: f32, work: usize,
): void {
  const panelBytes = (n as usize) * ROW;
  const scratch = work;
  const packedA = work + SCRATCH_BYTES;
  const s = f32x4.splat(slope);
  const zero = f32x4.splat(0);
  for (let t = i0; t < i1; t += MR) {
    const rows = min(MR, i1 - t);
    const k1 = innerEnd(TRI_L, t, n);
    packTri(TRI_L, packed, n, 0, t, rows, 0, k1, packedA);
    for (let p = 0; p < panels; p++) {
      const base = (p as usize) * panelBytes;
      tilePacked(packedA, v + base, k1, scratch, ROW);
      for (let r = 0; r < rows; r++) {
        const o = load<i32>(inverse + (((t + r) as usize) << 2));
        const b = v128.load32_splat(bias + ((o as usize) << 2));
        const lo = f32x4.add(v128.load(scratch + (r as usize) * ROW), b);
        const hi = f32x4.add(v128.load(scratch + (r as usize) * ROW, 16), b);
        const at = base + (o as usize) * ROW;
        v128.store(a + at, lo);
        v128.store(a + at, hi, 16);
        if (y != 0 && y != a) {
          v128.store(y + at, v128.bitselect(lo, f32x4.mul(lo, s), f32x4.gt(lo, zero)));
          v128.store(y + at, v128.bitselect(hi, f32x4.mul(hi, s), f32x4.gt(hi, zero)), 16);
        }
      }
    }
  }
}

/**
 * Rows j0..j1 of dH = Uᵀ·dV, the gradient wrt this layer's input, which is the previous
 * layer's output; each tile then goes back through the previous layer's activation (slope
 * 0: none) and lands at that layer's LU output row perm[j] (a_j = w_{perm[j]} + b_j):
 * dWprev[perm[j]] = activationGrad(dH[j], aPrev[j]). Lanes of samples ≥ count are zero.
 */
export function luBackwardU(
  packed: usize, n: i32, diag: usize, j0: i32, j1: i32, dv: usize, panels: i32, count: i32,
  aPrev: usize, permPrev: usize, dwPrev: usize, slope: f32, coef: f32, invTau: f32, work: usize,
): void {
  const panelBytes = (n as usize) * ROW;
  const scratch = work;
  const packedA = work + SCRATCH_BYTES;
  const sv = f32x4.splat(slope);
  const nt = f32x4.splat(-invTau);
  for (let t = j0; t < j1; t += MR) {
    const rows = min(MR, j1 - t);
    const k1 = innerEnd(TRI_UT, t, n);
    packTri(TRI_UT, packed, n, diag, t, rows, 0, k1, packedA);
    for (let p = 0; p < panels; p++) {
      const base = (p as usize) * panelBytes;
      tilePacked(packedA, dv + base, k1, scratch, ROW);
      const maskLo = laneMaskLo(count, p), maskHi = laneMaskHi(count, p);
      for (let r = 0; r < rows; r++) {
        const j = t + r;
        const dst = dwPrev + base + ((load<i32>(permPrev + ((j as usize) << 2)) as usize) * ROW);
        storeThroughActivation(v128.load(scratch + (r as usize) * ROW), v128.load(scratch + (r as usize) * ROW, 16),
          aPrev + base + (j as usize) * ROW, slope, sv, coef, nt, maskLo, maskHi, dst);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The loss, one panel (8 samples) per call

/**
 * For the samples of panel p (those below count), with z the last layer's output:
 *   latent = ½ Σ_f ((z_f − μ_af)·invStd_af)² + Σ_f ln σ_af + nllConstant
 *   counted = Σ over activation layers l of weight_l · #(a_l < 0)   (weight_l = −ln α_l)
 * written as two f64 per sample to parts (the caller adds −Σ log|det W|). classes = 0 is the
 * paper's prior (μ = 2a, σ = 1); otherwise mean, logStd and invStd are classes × n.
 * `acts` holds `actCount` pairs (i32 offset of a pre-activation buffer, f32 weight).
 *
 * With dwLast ≠ 0 it also writes the gradient of the batch mean: dz = (z − μ)·invStd²/count,
 * through the last layer's activation (lastSlope 0: none; its pre-activation is aLast) to
 * the last layer's LU output rows: dwLast[permLast[f]].
 */
export function flowLoss(
  p: i32, z: usize, n: i32, count: i32, labels: usize, classes: i32,
  mean: usize, logStd: usize, invStd: usize, nllConstant: f64,
  acts: usize, actCount: i32, parts: usize,
  dwLast: usize, aLast: usize, permLast: usize, lastSlope: f32, coef: f32, invTau: f32,
): void {
  const panelBytes = (n as usize) * ROW;
  const base = (p as usize) * panelBytes;
  const valid = min(NR, count - p * NR);
  if (valid <= 0) return;
  const label = labels + ((p * NR) as usize);
  // Each lane's class (0 for lanes past count): its row offset in the prior, and 2a.
  const a0 = labelOf(label, 0, valid), a1 = labelOf(label, 1, valid), a2 = labelOf(label, 2, valid), a3 = labelOf(label, 3, valid);
  const a4 = labelOf(label, 4, valid), a5 = labelOf(label, 5, valid), a6 = labelOf(label, 6, valid), a7 = labelOf(label, 7, valid);
  const rowLo = i32x4.mul(lanes4(a0, a1, a2, a3), i32x4.splat(n)), rowHi = i32x4.mul(lanes4(a4, a5, a6, a7), i32x4.splat(n));
  let muLo = f32x4.convert_i32x4_s(i32x4.shl(lanes4(a0, a1, a2, a3), 1));
  let muHi = f32x4.convert_i32x4_s(i32x4.shl(lanes4(a4, a5, a6, a7), 1));
  const maskLo = laneMaskLo(count, p), maskHi = laneMaskHi(count, p);
  const scale = f32x4.splat((1 as f32) / (count as f32));
  const train = dwLast != 0;
  const sv = f32x4.splat(lastSlope);
  const nt = f32x4.splat(-invTau);
  let l0 = f64x2.splat(0), l1 = f64x2.splat(0), l2 = f64x2.splat(0), l3 = f64x2.splat(0);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let zp = z + base;
  for (let f = 0; f < n; f++) {
    let isLo = f32x4.splat(1), isHi = f32x4.splat(1);
    if (classes > 0) {
      muLo = gather4(mean, rowLo, f);
      muHi = gather4(mean, rowHi, f);
      isLo = gather4(invStd, rowLo, f);
      isHi = gather4(invStd, rowHi, f);
      const lsLo = gather4(logStd, rowLo, f), lsHi = gather4(logStd, rowHi, f);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(lsLo));
      s1 = f64x2.add(s1, high(lsLo));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(lsHi));
      s3 = f64x2.add(s3, high(lsHi));
    }
    const dLo = f32x4.sub(v128.load(zp), muLo), dHi = f32x4.sub(v128.load(zp, 16), muHi);
    const eLo = f32x4.mul(dLo, isLo), eHi = f32x4.mul(dHi, isHi);
    const e0 = f64x2.promote_low_f32x4(eLo), e1 = high(eLo), e2 = f64x2.promote_low_f32x4(eHi), e3 = high(eHi);
    l0 = f64x2.add(l0, f64x2.mul(e0, e0));
    l1 = f64x2.add(l1, f64x2.mul(e1, e1));
    l2 = f64x2.add(l2, f64x2.mul(e2, e2));
    l3 = f64x2.add(l3, f64x2.mul(e3, e3));
    if (train) {
      const dst = dwLast + base + ((load<i32>(permLast + ((f as usize) << 2)) as usize) * ROW);
      storeThroughActivation(f32x4.mul(f32x4.mul(eLo, isLo), scale), f32x4.mul(f32x4.mul(eHi, isHi), scale),
        aLast + base + (f as usize) * ROW, lastSlope, sv, coef, nt, maskLo, maskHi, dst);
    }
    zp += ROW;
  }
  // Weighted negative counts over every activation layer, as f64 per lane.
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
  for (let k = 0; k < actCount; k++) {
    const entry = acts + ((k as usize) << 3);
    let ap = (load<i32>(entry) as usize) + base;
    const weight = load<f32>(entry, 4) as f64;
    let nLo = i32x4.splat(0), nHi = i32x4.splat(0);
    const zero = f32x4.splat(0);
    for (let f = 0; f < n; f++) {
      // A true comparison is all ones, −1 as an integer: subtracting it counts.
      nLo = i32x4.sub(nLo, f32x4.lt(v128.load(ap), zero));
      nHi = i32x4.sub(nHi, f32x4.lt(v128.load(ap, 16), zero));
      ap += ROW;
    }
    const w = f64x2.splat(weight);
    c0 = f64x2.add(c0, f64x2.mul(w, f64x2.convert_low_i32x4_s(nLo)));
    c1 = f64x2.add(c1, f64x2.mul(w, f64x2.convert_low_i32x4_s(i32x4.shuffle(nLo, nLo, 2, 3, 2, 3))));
    c2 = f64x2.add(c2, f64x2.mul(w, f64x2.convert_low_i32x4_s(nHi)));
    c3 = f64x2.add(c3, f64x2.mul(w, f64x2.convert_low_i32x4_s(i32x4.shuffle(nHi, nHi, 2, 3, 2, 3))));
  }
  const half = f64x2.splat(0.5), constant = f64x2.splat(nllConstant);
  storeParts(parts, p * NR, valid, 0, f64x2.add(f64x2.add(f64x2.mul(half, l0), s0), constant), c0);
  storeParts(parts, p * NR, valid, 2, f64x2.add(f64x2.add(f64x2.mul(half, l1), s1), constant), c1);
  storeParts(parts, p * NR, valid, 4, f64x2.add(f64x2.add(f64x2.mul(half, l2), s2), constant), c2);
  storeParts(parts, p * NR, valid, 6, f64x2.add(f64x2.add(f64x2.mul(half, l3), s3), constant), c3);
}

// @ts-ignore: decorator
@inline function labelOf(labels: usize, q: i32, valid: i32): i32 {
  return q < valid ? (load<u8>(labels + (q as usize)) as i32) : 0;
}

// @ts-ignore: decorator
@inline function lanes4(a: i32, b: i32, c: i32, d: i32): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(a), 1, b), 2, c), 3, d);
}

// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

/** (table[rows_q + f]) for the four lanes' row offsets (in floats). */
// @ts-ignore: decorator
@inline function gather4(table: usize, rows: v128, f: i32): v128 {
  const at = table + ((f as usize) << 2);
  let v = v128.load32_zero(at + ((i32x4.extract_lane(rows, 0) as usize) << 2));
  v = v128.load32_lane(at + ((i32x4.extract_lane(rows, 1) as usize) << 2), v, 1);
  v = v128.load32_lane(at + ((i32x4.extract_lane(rows, 2) as usize) << 2), v, 2);
  return v128.load32_lane(at + ((i32x4.extract_lane(rows, 3) as usize) << 2), v, 3);
}

/** Samples s0 + lane and s0 + lane + 1 (lane = 0, 2, 4, 6) of a panel: [latent, counted] each, if below valid. */
// @ts-ignore: decorator
@inline function storeParts(parts: usize, s0: i32, valid: i32, lane: i32, latent: v128, counted: v128): void {
  const out = parts + (((s0 + lane) as usize) << 4);
  if (lane < valid) v128.store(out, v128.shuffle<f64>(latent, counted, 0, 2));
  if (lane + 1 < valid) v128.store(out, v128.shuffle<f64>(latent, counted, 1, 3), 16);
}

// ---------------------------------------------------------------------------
// Gradients of the factors: masked outer products over the batch, then Adam

/**
 * Packs rows t..t+rows of a panel-layout buffer (n rows) over the samples 0..count as MR
 * interleaved rows: 5 floats per sample, zero beyond `rows`.
 */
function packSampleRows(src: usize, n: i32, count: i32, t: i32, rows: i32, dst: usize): void {
  const panelBytes = (n as usize) * ROW;
  for (let p = 0; p * NR < count; p++) {
    const valid = min(NR, count - p * NR);
    const row = src + (p as usize) * panelBytes + (t as usize) * ROW;
    for (let q = 0; q < valid; q++) {
      const out = dst + (((p * NR + q) * MR) as usize << 2);
      for (let r = 0; r < MR; r++) {
        store<f32>(out + ((r as usize) << 2), r < rows ? load<f32>(row + (r as usize) * ROW + ((q as usize) << 2)) : 0);
      }
    }
  }
}

/**
 * The right operand of a gradient product, Xᵀ for a panel-layout X (n rows): 8-wide panels
 * of features, panel c holding, for each sample s < count, x[8c..8c+7][s] (zero past n).
 * Panels c0..c1 are written at dst + (c − c0)·count·32.
 */
export function packSampleColumns(src: usize, n: i32, count: i32, c0: i32, c1: i32, dst: usize): void {
  const panelBytes = (n as usize) * ROW;
  for (let c = c0; c < c1; c++) {
    const out = dst + (((c - c0) * count) as usize) * ROW;
    const f0 = c * NR;
    const features = min(NR, n - f0);
    for (let p = 0; p * NR < count; p++) {
      const valid = min(NR, count - p * NR);
      const block = src + (p as usize) * panelBytes + (f0 as usize) * ROW;
      if (features == NR && valid == NR) {
        // An 8×8 block (features × samples) transposed in four 4×4 quadrants.
        transposeQuadrant(block, out + ((p * NR) as usize) * ROW);
        transposeQuadrant(block + 16, out + ((p * NR + 4) as usize) * ROW);
        transposeQuadrant(block + 4 * ROW, out + ((p * NR) as usize) * ROW + 16);
        transposeQuadrant(block + 4 * ROW + 16, out + ((p * NR + 4) as usize) * ROW + 16);
      } else {
        for (let q = 0; q < valid; q++) {
          const o = out + ((p * NR + q) as usize) * ROW;
          for (let k = 0; k < NR; k++) {
            store<f32>(o + ((k as usize) << 2), k < features ? load<f32>(block + (k as usize) * ROW + ((q as usize) << 2)) : 0);
          }
        }
      }
    }
  }
}

/** Rows 0..3 (ROW apart, 4 floats each) of src become columns: dst + q·ROW gets (x0[q], x1[q], x2[q], x3[q]). */
// @ts-ignore: decorator
@inline function transposeQuadrant(src: usize, dst: usize): void {
  const x0 = v128.load(src), x1 = v128.load(src + ROW), x2 = v128.load(src + 2 * ROW), x3 = v128.load(src + 3 * ROW);
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + ROW, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * ROW, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * ROW, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * chunk[i − i0][8c .. 8c+7] = Σ_s left[i][s]·right[8c..8c+7][s] for rows i0..i1 and column
 * panels c0..c1, with `columns` the packSampleColumns of the right operand from panel 0.
 * chunk has ldc floats per row (a multiple of 8) and room for 4 rows past i1.
 */
function sampleProduct(left: usize, n: i32, count: i32, i0: i32, i1: i32, columns: usize, c0: i32, c1: i32, chunk: usize, ldc: i32, work: usize): void {
  const packedA = work + SCRATCH_BYTES;
  const ldcBytes = (ldc as usize) << 2;
  const panelBytes = (count as usize) * ROW;
  for (let t = i0; t < i1; t += MR) {
    packSampleRows(left, n, count, t, min(MR, i1 - t), packedA);
    const c = chunk + ((t - i0) as usize) * ldcBytes;
    for (let q = c0; q < c1; q++) {
      tilePacked(packedA, columns + (q as usize) * panelBytes, count, c + (q as usize) * ROW, ldcBytes);
    }
  }
}

/**
 * L's gradient for rows i0..i1 of a layer, dL_ij = Σ_s dW_is·V_js (j < i), and Adam on those
 * entries of the packed factor and its moments. `columns` holds Vᵀ packed from panel 0.
 */
export function luGradL(
  packed: usize, m: usize, v: usize, n: i32, i0: i32, i1: i32, dw: usize, columns: usize, count: i32,
  chunk: usize, ldc: i32, work: usize,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, stepSize: f32, invBc2Sqrt: f32, epsilon: f32,
): void {
  if (i1 <= 1) return;
  sampleProduct(dw, n, count, i0, i1, columns, 0, (i1 - 1 + NR - 1) / NR, chunk, ldc, work);
  const ldcBytes = (ldc as usize) << 2;
  for (let i = max(i0, 1); i < i1; i++) {
    const row = ((i as usize) * (n as usize)) << 2;
    adam(packed + row, m + row, v + row, n, chunk + ((i - i0) as usize) * ldcBytes, ldc, 1, i,
      beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBc2Sqrt, epsilon);
  }
}

/**
 * U's gradient for rows i0..i1, dU_ij = Σ_s dV_is·H_js (j > i), and that of s_i = ln|u_ii|:
 * u_ii·Σ_s dV_is·H_is − 1 (the −1 from −log|det W| = −Σ s_i in every sample's loss), then
 * Adam on those entries. `columns` holds Hᵀ packed from panel 0.
 */
export function luGradU(
  packed: usize, m: usize, v: usize, n: i32, diag: usize, i0: i32, i1: i32, dv: usize, columns: usize, count: i32,
  chunk: usize, ldc: i32, work: usize,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, stepSize: f32, invBc2Sqrt: f32, epsilon: f32,
): void {
  const c0 = i0 / NR;
  sampleProduct(dv, n, count, i0, i1, columns, c0, (n + NR - 1) / NR, chunk, ldc, work);
  const ldcBytes = (ldc as usize) << 2;
  for (let i = i0; i < i1; i++) {
    const g = chunk + ((i - i0) as usize) * ldcBytes + ((i as usize) << 2);
    store<f32>(g, load<f32>(diag + ((i as usize) << 2)) * load<f32>(g) - 1);
    const at = ((i as usize) * (n as usize) + (i as usize)) << 2;
    adam(packed + at, m + at, v + at, n, g, ldc, 1, n - i,
      beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBc2Sqrt, epsilon);
  }
}

/**
 * The bias gradient of rows i0..i1, db_i = Σ_s dW_{perm[i], s} (lanes past the batch are
 * zero), written to grad[0 .. i1 − i0).
 */
export function biasGradPanels(dw: usize, n: i32, panels: i32, perm: usize, i0: i32, i1: i32, grad: usize): void {
  const panelBytes = (n as usize) * ROW;
  for (let i = i0; i < i1; i++) {
    const row = dw + ((load<i32>(perm + ((i as usize) << 2)) as usize) * ROW);
    let acc = f32x4.splat(0);
    for (let p = 0; p < panels; p++) {
      const at = row + (p as usize) * panelBytes;
      acc = f32x4.add(acc, f32x4.add(v128.load(at), v128.load(at, 16)));
    }
    store<f32>(grad + (((i - i0) as usize) << 2),
      (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)));
  }
}

/**
 * A learned prior's gradient for features j0..j1 (every class): with d = z − μ_a and
 * w = invStd_a², dμ_a = −Σ_{s of class a} d·w/count and d ln σ_a = Σ (1 − d²·w)/count,
 * written to gMean and gLogStd as classes × (j1 − j0).
 */
export function priorGrad(
  z: usize, n: i32, count: i32, labels: usize, classes: i32, mean: usize, invStd: usize,
  j0: i32, j1: i32, gMean: usize, gLogStd: usize,
): void {
  const width = j1 - j0;
  memory.fill(gMean, 0, ((classes * width) as usize) << 2);
  memory.fill(gLogStd, 0, ((classes * width) as usize) << 2);
  const panelBytes = (n as usize) * ROW;
  const inv: f32 = (1 as f32) / (count as f32);
  for (let s = 0; s < count; s++) {
    const a = load<u8>(labels + (s as usize)) as i32;
    const zs = z + ((s / NR) as usize) * panelBytes + (((s % NR) as usize) << 2);
    for (let j = j0; j < j1; j++) {
      const k = ((a * n + j) as usize) << 2;
      const d = load<f32>(zs + (j as usize) * ROW) - load<f32>(mean + k);
      const is = load<f32>(invStd + k);
      const w = is * is;
      const g = (((a * width + j - j0) as usize) << 2);
      store<f32>(gMean + g, load<f32>(gMean + g) - d * w * inv);
      store<f32>(gLogStd + g, load<f32>(gLogStd + g) + (1 - d * d * w) * inv);
    }
  }
}
