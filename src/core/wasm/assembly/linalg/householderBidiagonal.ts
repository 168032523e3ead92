// Householder bidiagonalization (float64), as LAPACK's dgebd2.

/**
 * Householder reflector (as LAPACK's dlarfg) for x[0..m) (contiguous): finds
 * tau and v (v[0] = 1) with (I − tau·v·vᵀ)·x = beta·e₁. Writes beta to x[0]
 * and v[1..m) over x[1..m); returns tau (0 when x[1..m) is zero).
 */
function house(m: i32, x: usize): f64 {
  if (m <= 1) return 0;
  const alpha = load<f64>(x);
  const bytes = <usize>m * 8;
  // Scaled 2-norm of x[1..m): the largest magnitude first, so squares neither overflow nor underflow.
  let big = f64x2.splat(0);
  let o: usize = 8;
  for (; o + 16 <= bytes; o += 16) big = f64x2.max(big, f64x2.abs(v128.load(x + o)));
  let amax = max(f64x2.extract_lane(big, 0), f64x2.extract_lane(big, 1));
  for (; o < bytes; o += 8) amax = max(amax, abs(load<f64>(x + o)));
  if (amax == 0) return 0;
  const inv = f64x2.splat(1 / amax);
  let acc = f64x2.splat(0);
  o = 8;
  for (; o + 16 <= bytes; o += 16) {
    const t = f64x2.mul(v128.load(x + o), inv);
    acc = f64x2.add(acc, f64x2.mul(t, t));
  }
  let ss = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; o < bytes; o += 8) {
    const t = load<f64>(x + o) / amax;
    ss += t * t;
  }
  const xnorm = amax * sqrt(ss);
  const scale = max(abs(alpha), xnorm);
  const r1 = alpha / scale, r2 = xnorm / scale;
  let beta = scale * sqrt(r1 * r1 + r2 * r2);
  if (alpha >= 0) beta = -beta;
  const tau = (beta - alpha) / beta;
  const sv = f64x2.splat(1 / (alpha - beta));
  o = 8;
  for (; o + 16 <= bytes; o += 16) v128.store(x + o, f64x2.mul(v128.load(x + o), sv));
  const s = 1 / (alpha - beta);
  for (; o < bytes; o += 8) store<f64>(x + o, load<f64>(x + o) * s);
  store<f64>(x, beta);
  return tau;
}

/** Bytes of `work` that bidiag_f64 needs for order n. */
export function bidiag_work_bytes(n: i32): i32 {
  return 4 * n * 8 + 32 + 16;
}

/**
 * Reduces the n×n matrix at `a` (overwritten) to upper bidiagonal form
 * Qᵀ·A·P = B by Householder reflectors from both sides, as LAPACK's dgebd2:
 * d[0..n) the diagonal, e[0..n−1) the superdiagonal; the reflectors' vectors
 * are left below the diagonal (Q, scales in tauq) and right of the
 * superdiagonal (P, scales in taup).
 *
 * Each step applies the left reflector and forms the product with the next
 * right reflector in one pass over the trailing rows, then applies the right
 * reflector and accumulates the product with the next left reflector in a
 * second pass, so the trailing matrix is streamed twice per step instead of
 * four times. Rows go four at a time so the shared vectors are loaded once
 * per four rows. The work is 8n³/3 flops at about 12 GFLOP/s: without fused
 * multiply-add in WebAssembly SIMD, the adds and multiplies themselves are
 * the limit.
 */
export function bidiag_f64(n: i32, a: usize, d: usize, e: usize, tauq: usize, taup: usize, work: usize): void {
  const ld: usize = <usize>n * 8;
  // Vectors of length n, indexed by absolute row or column.
  const u = (work + 15) & ~<usize>15;
  const w = u + ld, z = w + ld, v = z + ld, scal = v + ld;
  if (n == 1) {
    store<f64>(d, load<f64>(a));
    store<f64>(tauq, 0);
    store<f64>(taup, 0);
    return;
  }
  // Left reflector of column 0.
  for (let i = 0; i < n; i++) store<f64>(u + <usize>i * 8, load<f64>(a + <usize>i * ld));
  let tq = house(n, u);
  store<f64>(d, load<f64>(u));
  store<f64>(tauq, tq);
  store<f64>(u, 1.0);
  for (let i = 1; i < n; i++) store<f64>(a + <usize>i * ld, load<f64>(u + <usize>i * 8));
  // w = A[:, 1..n)ᵀ·u.
  memory.fill(w, 0, ld);
  for (let i = 0; i < n; i++) {
    accumulateRow(n - 1, load<f64>(u + <usize>i * 8), a + <usize>i * ld + 8, w + 8);
  }
  for (let k = 0; k < n - 1; k++) {
    const k1 = k + 1;
    const m = n - k1;
    const rowk = a + <usize>k * ld;
    const off = <usize>k1 * 8;
    // Row k after the left reflector, then the right reflector that zeroes it beyond k+1.
    for (let j = k1; j < n; j++) {
      store<f64>(v + <usize>j * 8, load<f64>(rowk + <usize>j * 8) - tq * load<f64>(w + <usize>j * 8));
    }
    const tp = house(m, v + off);
    store<f64>(e + <usize>k * 8, load<f64>(v + off));
    store<f64>(taup + <usize>k * 8, tp);
    store<f64>(v + off, 1.0);
    for (let j = k1 + 1; j < n; j++) store<f64>(rowk + <usize>j * 8, load<f64>(v + <usize>j * 8));
    // Pass A: A ← A − tq·u·wᵀ on the trailing rows, and z = A·v.
    let i = k1;
    for (; i + 4 <= n; i += 4) {
      for (let r = 0; r < 4; r++) store<f64>(scal + <usize>r * 8, tq * load<f64>(u + <usize>(i + r) * 8));
      updateDot4(m, scal, a + <usize>i * ld + off, ld, w + off, v + off, z + <usize>i * 8);
    }
    for (; i + 2 <= n; i += 2) {
      const r0 = a + <usize>i * ld + off;
      const zz = updateDot2(m, tq * load<f64>(u + <usize>i * 8), tq * load<f64>(u + <usize>(i + 1) * 8), r0, r0 + ld, w + off, v + off);
      store<f64>(z + <usize>i * 8, f64x2.extract_lane(zz, 0));
      store<f64>(z + <usize>(i + 1) * 8, f64x2.extract_lane(zz, 1));
    }
    for (; i < n; i++) {
      store<f64>(z + <usize>i * 8, updateDot1(m, tq * load<f64>(u + <usize>i * 8), a + <usize>i * ld + off, w + off, v + off));
    }
    // Column k+1 after the right reflector gives the next left reflector.
    for (let r = k1; r < n; r++) {
      store<f64>(u + <usize>r * 8, load<f64>(a + <usize>r * ld + off) - tp * load<f64>(z + <usize>r * 8));
    }
    tq = house(m, u + off);
    store<f64>(d + off, load<f64>(u + off));
    store<f64>(tauq + off, tq);
    store<f64>(u + off, 1.0);
    // Pass B: A ← A − tp·z·vᵀ on the trailing rows, and w = Aᵀ·u for the next step.
    memory.fill(w + off, 0, <usize>m * 8);
    i = k1;
    for (; i + 4 <= n; i += 4) {
      for (let r = 0; r < 4; r++) store<f64>(scal + <usize>r * 8, tp * load<f64>(z + <usize>(i + r) * 8));
      updateAccumulate4(m, scal, u + <usize>i * 8, a + <usize>i * ld + off, ld, v + off, w + off);
    }
    for (; i + 2 <= n; i += 2) {
      const r0 = a + <usize>i * ld + off;
      updateAccumulate2(m, tp * load<f64>(z + <usize>i * 8), tp * load<f64>(z + <usize>(i + 1) * 8),
        load<f64>(u + <usize>i * 8), load<f64>(u + <usize>(i + 1) * 8), r0, r0 + ld, v + off, w + off);
    }
    for (; i < n; i++) {
      updateAccumulate1(m, tp * load<f64>(z + <usize>i * 8), load<f64>(u + <usize>i * 8), a + <usize>i * ld + off, v + off, w + off);
    }
    for (let r = k1 + 1; r < n; r++) store<f64>(a + <usize>r * ld + off, load<f64>(u + <usize>r * 8));
  }
  store<f64>(taup + <usize>(n - 1) * 8, 0);
}

/** w[0..m) += s·row[0..m). */
// @ts-ignore: decorator
@inline function accumulateRow(m: i32, s: f64, row: usize, w: usize): void {
  const sv = f64x2.splat(s);
  const bytes = <usize>m * 8;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(w + o, f64x2.add(v128.load(w + o), f64x2.mul(sv, v128.load(row + o))));
  for (; o < bytes; o += 8) store<f64>(w + o, load<f64>(w + o) + s * load<f64>(row + o));
}

/** row ← row − s·w over [0, m), and returns row·v. */
// @ts-ignore: decorator
@inline function updateDot1(m: i32, s: f64, row: usize, w: usize, v: usize): f64 {
  const sv = f64x2.splat(s);
  const bytes = <usize>m * 8;
  let acc = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const r = f64x2.sub(v128.load(row + o), f64x2.mul(sv, v128.load(w + o)));
    v128.store(row + o, r);
    acc = f64x2.add(acc, f64x2.mul(r, v128.load(v + o)));
  }
  let t = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; o < bytes; o += 8) {
    const r = load<f64>(row + o) - s * load<f64>(w + o);
    store<f64>(row + o, r);
    t += r * load<f64>(v + o);
  }
  return t;
}

/** updateDot1 on two rows at once; returns both dot products as the lanes of a vector. */
// @ts-ignore: decorator
@inline function updateDot2(m: i32, s0: f64, s1: f64, row0: usize, row1: usize, w: usize, v: usize): v128 {
  const sv0 = f64x2.splat(s0), sv1 = f64x2.splat(s1);
  const bytes = <usize>m * 8;
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const wv = v128.load(w + o), vv = v128.load(v + o);
    const r0 = f64x2.sub(v128.load(row0 + o), f64x2.mul(sv0, wv));
    const r1 = f64x2.sub(v128.load(row1 + o), f64x2.mul(sv1, wv));
    v128.store(row0 + o, r0);
    v128.store(row1 + o, r1);
    acc0 = f64x2.add(acc0, f64x2.mul(r0, vv));
    acc1 = f64x2.add(acc1, f64x2.mul(r1, vv));
  }
  let t0 = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  let t1 = f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  for (; o < bytes; o += 8) {
    const wv = load<f64>(w + o), vv = load<f64>(v + o);
    const r0 = load<f64>(row0 + o) - s0 * wv;
    const r1 = load<f64>(row1 + o) - s1 * wv;
    store<f64>(row0 + o, r0);
    store<f64>(row1 + o, r1);
    t0 += r0 * vv;
    t1 += r1 * vv;
  }
  return f64x2.replace_lane(f64x2.splat(t0), 1, t1);
}

/** row ← row − s·v over [0, m), then w += c·row. */
// @ts-ignore: decorator
@inline function updateAccumulate1(m: i32, s: f64, c: f64, row: usize, v: usize, w: usize): void {
  const sv = f64x2.splat(s), cv = f64x2.splat(c);
  const bytes = <usize>m * 8;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const r = f64x2.sub(v128.load(row + o), f64x2.mul(sv, v128.load(v + o)));
    v128.store(row + o, r);
    v128.store(w + o, f64x2.add(v128.load(w + o), f64x2.mul(cv, r)));
  }
  for (; o < bytes; o += 8) {
    const r = load<f64>(row + o) - s * load<f64>(v + o);
    store<f64>(row + o, r);
    store<f64>(w + o, load<f64>(w + o) + c * r);
  }
}

/** updateAccumulate1 on two rows at once (w += c0·row0 + c1·row1). */
// @ts-ignore: decorator
@inline function updateAccumulate2(m: i32, s0: f64, s1: f64, c0: f64, c1: f64, row0: usize, row1: usize, v: usize, w: usize): void {
  const sv0 = f64x2.splat(s0), sv1 = f64x2.splat(s1), cv0 = f64x2.splat(c0), cv1 = f64x2.splat(c1);
  const bytes = <usize>m * 8;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const vv = v128.load(v + o);
    const r0 = f64x2.sub(v128.load(row0 + o), f64x2.mul(sv0, vv));
    const r1 = f64x2.sub(v128.load(row1 + o), f64x2.mul(sv1, vv));
    v128.store(row0 + o, r0);
    v128.store(row1 + o, r1);
    v128.store(w + o, f64x2.add(v128.load(w + o), f64x2.add(f64x2.mul(cv0, r0), f64x2.mul(cv1, r1))));
  }
  for (; o < bytes; o += 8) {
    const vv = load<f64>(v + o);
    const r0 = load<f64>(row0 + o) - s0 * vv;
    const r1 = load<f64>(row1 + o) - s1 * vv;
    store<f64>(row0 + o, r0);
    store<f64>(row1 + o, r1);
    store<f64>(w + o, load<f64>(w + o) + (c0 * r0 + c1 * r1));
  }
}

/** updateDot1 on four rows at once (rows `ld` bytes apart); the dot products go to z[0..4). */
// @ts-ignore: decorator
@inline function updateDot4(m: i32, s: usize, row: usize, ld: usize, w: usize, v: usize, z: usize): void {
  const sv0 = v128.load_splat<f64>(s), sv1 = v128.load_splat<f64>(s, 8), sv2 = v128.load_splat<f64>(s, 16), sv3 = v128.load_splat<f64>(s, 24);
  const row0 = row, row1 = row + ld, row2 = row + 2 * ld, row3 = row + 3 * ld;
  const bytes = <usize>m * 8;
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0), acc2 = f64x2.splat(0), acc3 = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const wv = v128.load(w + o), vv = v128.load(v + o);
    const r0 = f64x2.sub(v128.load(row0 + o), f64x2.mul(sv0, wv));
    const r1 = f64x2.sub(v128.load(row1 + o), f64x2.mul(sv1, wv));
    const r2 = f64x2.sub(v128.load(row2 + o), f64x2.mul(sv2, wv));
    const r3 = f64x2.sub(v128.load(row3 + o), f64x2.mul(sv3, wv));
    v128.store(row0 + o, r0);
    v128.store(row1 + o, r1);
    v128.store(row2 + o, r2);
    v128.store(row3 + o, r3);
    acc0 = f64x2.add(acc0, f64x2.mul(r0, vv));
    acc1 = f64x2.add(acc1, f64x2.mul(r1, vv));
    acc2 = f64x2.add(acc2, f64x2.mul(r2, vv));
    acc3 = f64x2.add(acc3, f64x2.mul(r3, vv));
  }
  let t0 = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  let t1 = f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  let t2 = f64x2.extract_lane(acc2, 0) + f64x2.extract_lane(acc2, 1);
  let t3 = f64x2.extract_lane(acc3, 0) + f64x2.extract_lane(acc3, 1);
  const s0 = load<f64>(s), s1 = load<f64>(s, 8), s2 = load<f64>(s, 16), s3 = load<f64>(s, 24);
  for (; o < bytes; o += 8) {
    const wv = load<f64>(w + o), vv = load<f64>(v + o);
    const r0 = load<f64>(row0 + o) - s0 * wv;
    const r1 = load<f64>(row1 + o) - s1 * wv;
    const r2 = load<f64>(row2 + o) - s2 * wv;
    const r3 = load<f64>(row3 + o) - s3 * wv;
    store<f64>(row0 + o, r0);
    store<f64>(row1 + o, r1);
    store<f64>(row2 + o, r2);
    store<f64>(row3 + o, r3);
    t0 += r0 * vv;
    t1 += r1 * vv;
    t2 += r2 * vv;
    t3 += r3 * vv;
  }
  store<f64>(z, t0);
  store<f64>(z, t1, 8);
  store<f64>(z, t2, 16);
  store<f64>(z, t3, 24);
}

/** updateAccumulate1 on four rows at once: row_r ← row_r − s_r·v, then w += Σ c_r·row_r. */
// @ts-ignore: decorator
@inline function updateAccumulate4(m: i32, s: usize, c: usize, row: usize, ld: usize, v: usize, w: usize): void {
  const sv0 = v128.load_splat<f64>(s), sv1 = v128.load_splat<f64>(s, 8), sv2 = v128.load_splat<f64>(s, 16), sv3 = v128.load_splat<f64>(s, 24);
  const cv0 = v128.load_splat<f64>(c), cv1 = v128.load_splat<f64>(c, 8), cv2 = v128.load_splat<f64>(c, 16), cv3 = v128.load_splat<f64>(c, 24);
  const row0 = row, row1 = row + ld, row2 = row + 2 * ld, row3 = row + 3 * ld;
  const bytes = <usize>m * 8;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const vv = v128.load(v + o);
    const r0 = f64x2.sub(v128.load(row0 + o), f64x2.mul(sv0, vv));
    const r1 = f64x2.sub(v128.load(row1 + o), f64x2.mul(sv1, vv));
    const r2 = f64x2.sub(v128.load(row2 + o), f64x2.mul(sv2, vv));
    const r3 = f64x2.sub(v128.load(row3 + o), f64x2.mul(sv3, vv));
    v128.store(row0 + o, r0);
    v128.store(row1 + o, r1);
    v128.store(row2 + o, r2);
    v128.store(row3 + o, r3);
    const sum = f64x2.add(f64x2.add(f64x2.mul(cv0, r0), f64x2.mul(cv1, r1)), f64x2.add(f64x2.mul(cv2, r2), f64x2.mul(cv3, r3)));
    v128.store(w + o, f64x2.add(v128.load(w + o), sum));
  }
  const s0 = load<f64>(s), s1 = load<f64>(s, 8), s2 = load<f64>(s, 16), s3 = load<f64>(s, 24);
  const c0 = load<f64>(c), c1 = load<f64>(c, 8), c2 = load<f64>(c, 16), c3 = load<f64>(c, 24);
  for (; o < bytes; o += 8) {
    const vv = load<f64>(v + o);
    const r0 = load<f64>(row0 + o) - s0 * vv;
    const r1 = load<f64>(row1 + o) - s1 * vv;
    const r2 = load<f64>(row2 + o) - s2 * vv;
    const r3 = load<f64>(row3 + o) - s3 * vv;
    store<f64>(row0 + o, r0);
    store<f64>(row1 + o, r1);
    store<f64>(row2 + o, r2);
    store<f64>(row3 + o, r3);
    store<f64>(w + o, load<f64>(w + o) + ((c0 * r0 + c1 * r1) + (c2 * r2 + c3 * r3)));
  }
}
