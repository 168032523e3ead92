// Float32 training kernels. Every function works on byte offsets into the imported
// (shared) memory and keeps no state of its own, so one instance per worker thread can
// run on the same buffers; each caller passes a disjoint range and its own workspace.
//
// Matrices are row-major; leading dimensions (ld*) and ranges count elements, not bytes.

// sgemm flags
const TRANS_A: i32 = 1;
const TRANS_B: i32 = 2;
const ACCUMULATE: i32 = 4;

// The register tile: 5 rows of A (splat-loaded) times 8 columns of B (two f32x4). Ten
// accumulators, two B vectors and one splat fit V8's 15 allocatable xmm registers; a 6×8
// tile spills and a 4×8 tile ran about 10% slower here.
const MR: i32 = 5;
const NR: i32 = 8;

@inline function align64(bytes: usize): usize {
  return (bytes + 63) & ~(63 as usize);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// An sgemm workspace: a scratch tile for ragged edges, then the packed rows of op(A) (one
// 5-row tile), then the packed op(B) panels.
const SCRATCH_BYTES: usize = 256;

@inline function packedAOf(work: usize): usize {
  return work + SCRATCH_BYTES;
}

@inline function packedBOf(work: usize, k: i32): usize {
  return work + SCRATCH_BYTES + align64((MR * k * 4) as usize);
}

/** Bytes of workspace one sgemm call needs for inner dimension k and `cols` output columns. */
export function sgemmWorkspaceBytes(k: i32, cols: i32): i32 {
  const panels = (cols + NR - 1) / NR;
  return (packedBOf(0, max(k, 0)) as i32) + panels * max(k, 0) * NR * 4;
}

// Copies columns j0..j1 of op(B) (k rows) into 8-wide panels: for each row p, 8
// consecutive floats. Missing columns of the last panel are zero, so the kernels never
// branch on width. With TRANS_B, op(B)[p][j] = b[j*ldb + p] and 4×4 blocks are
// transposed in registers.
function packB(trans: bool, k: i32, b: usize, ldb: i32, j0: i32, j1: i32, dst: usize): void {
  const ld = (ldb as usize) << 2;
  for (let j = j0; j < j1; j += NR) {
    const w = min(NR, j1 - j);
    if (!trans) {
      let src = b + ((j as usize) << 2);
      if (w == NR) {
        for (let p = 0; p < k; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += ld;
          dst += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          v128.store(dst, f32x4.splat(0));
          v128.store(dst, f32x4.splat(0), 16);
          for (let q = 0; q < w; q++) store<f32>(dst + ((q as usize) << 2), load<f32>(src + ((q as usize) << 2)));
          src += ld;
          dst += 32;
        }
      }
    } else {
      const r0 = b + (j as usize) * ld;
      if (w == NR) {
        const r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld, r5 = r4 + ld, r6 = r5 + ld, r7 = r6 + ld;
        let p = 0;
        for (; p + 4 <= k; p += 4) {
          const o = (p as usize) << 2;
          transpose4Store(v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), dst);
          transpose4Store(v128.load(r4 + o), v128.load(r5 + o), v128.load(r6 + o), v128.load(r7 + o), dst + 16);
          dst += 128;
        }
        for (; p < k; p++) {
          const o = (p as usize) << 2;
          store<f32>(dst, load<f32>(r0 + o));
          store<f32>(dst, load<f32>(r1 + o), 4);
          store<f32>(dst, load<f32>(r2 + o), 8);
          store<f32>(dst, load<f32>(r3 + o), 12);
          store<f32>(dst, load<f32>(r4 + o), 16);
          store<f32>(dst, load<f32>(r5 + o), 20);
          store<f32>(dst, load<f32>(r6 + o), 24);
          store<f32>(dst, load<f32>(r7 + o), 28);
          dst += 32;
        }
      } else {
        for (let p = 0; p < k; p++) {
          v128.store(dst, f32x4.splat(0));
          v128.store(dst, f32x4.splat(0), 16);
          const o = (p as usize) << 2;
          for (let q = 0; q < w; q++) store<f32>(dst + ((q as usize) << 2), load<f32>(r0 + (q as usize) * ld + o));
          dst += 32;
        }
      }
    }
  }
}

// Rows x0..x3 (4 floats each) become columns: dst + 32q gets (x0[q], x1[q], x2[q], x3[q]).
@inline function transpose4Store(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
}

// Packs rows i..i+rows of op(A) = Aᵀ (a[p*lda + i + r]) as MR interleaved rows: for each p,
// MR consecutive floats, zero beyond `rows`. Zero rows make a ragged last tile cost what a
// full one does, with no branches in the kernel. (Exported for flow.ts, which packs the plain
// runs of its triangles with it.)
export function packATransposed(a: usize, lda: i32, i: i32, rows: i32, k: i32, dst: usize): void {
  let src = a + ((i as usize) << 2);
  const ld = (lda as usize) << 2;
  if (rows == MR) {
    for (let p = 0; p < k; p++) {
      v128.store(dst, v128.load(src));
      store<f32>(dst, load<f32>(src, 16), 16);
      src += ld;
      dst += 20;
    }
  } else {
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < MR; r++) {
        store<f32>(dst + ((r as usize) << 2), r < rows ? load<f32>(src + ((r as usize) << 2)) : 0);
      }
      src += ld;
      dst += 20;
    }
  }
}

// Packs rows i..i+rows of op(A) = A (row r at a + (i+r)*lda, k contiguous) the same way.
// Four k steps at a time: rows 0–3 are transposed in registers, row 4 goes lane by lane.
// (Exported for flow.ts too.)
export function packARows(a: usize, lda: i32, i: i32, rows: i32, k: i32, dst: usize): void {
  const ld = (lda as usize) << 2;
  const r0 = a + (i as usize) * ld;
  if (rows == MR) {
    const r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const o = (p as usize) << 2;
      const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
      const x4 = v128.load(r4 + o);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store32_lane(dst, x4, 0, 16);
      v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 20);
      v128.store32_lane(dst, x4, 1, 36);
      v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 40);
      v128.store32_lane(dst, x4, 2, 56);
      v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 60);
      v128.store32_lane(dst, x4, 3, 76);
      dst += 80;
    }
    for (; p < k; p++) {
      const o = (p as usize) << 2;
      store<f32>(dst, load<f32>(r0 + o));
      store<f32>(dst, load<f32>(r1 + o), 4);
      store<f32>(dst, load<f32>(r2 + o), 8);
      store<f32>(dst, load<f32>(r3 + o), 12);
      store<f32>(dst, load<f32>(r4 + o), 16);
      dst += 20;
    }
  } else {
    for (let p = 0; p < k; p++) {
      const o = (p as usize) << 2;
      for (let r = 0; r < MR; r++) {
        store<f32>(dst + ((r as usize) << 2), r < rows ? load<f32>(r0 + (r as usize) * ld + o) : 0);
      }
      dst += 20;
    }
  }
}

// One 5×8 tile: c[r][0..8] = Σ_p A[r][p]·panel[p][0..8], with A's 5 rows packed by
// packARows/packATransposed (20 bytes per k step) and the B panel at b; stores all 40 values
// at c (row stride ldc bytes).
//
// Exported only so that the optimizer keeps it a function of its own: inlined into its
// single caller, V8 hoisted the five splat loads and spilled two accumulators, which
// halved the speed. Alone, the ten accumulators, two B vectors and the splat stay in
// registers. Packing A per tile, even when its rows are contiguous, measured ~10% faster
// than splat-loading five rows in place: one pointer instead of five in the inner loop,
// and the packing is reused by every panel.
export function tilePacked(a: usize, b: usize, k: i32, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(c00, x, b0); c01 = madd(c01, x, b1);
    x = v128.load32_splat(a, 4);
    c10 = madd(c10, x, b0); c11 = madd(c11, x, b1);
    x = v128.load32_splat(a, 8);
    c20 = madd(c20, x, b0); c21 = madd(c21, x, b1);
    x = v128.load32_splat(a, 12);
    c30 = madd(c30, x, b0); c31 = madd(c31, x, b1);
    x = v128.load32_splat(a, 16);
    c40 = madd(c40, x, b0); c41 = madd(c41, x, b1);
    a += 20;
    b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16); c += ldc;
  v128.store(c, c10); v128.store(c, c11, 16); c += ldc;
  v128.store(c, c20); v128.store(c, c21, 16); c += ldc;
  v128.store(c, c30); v128.store(c, c31, 16); c += ldc;
  v128.store(c, c40); v128.store(c, c41, 16);
}

// Copies (or adds) the valid rows × cols of a tile computed into scratch (32-byte rows) to C.
function mergeTile(scratch: usize, c: usize, ldc: usize, rows: i32, cols: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    const src = scratch + ((r as usize) << 5);
    const dst = c + (r as usize) * ldc;
    if (cols == NR) {
      let x0 = v128.load(src), x1 = v128.load(src, 16);
      if (accumulate) {
        x0 = f32x4.add(v128.load(dst), x0);
        x1 = f32x4.add(v128.load(dst, 16), x1);
      }
      v128.store(dst, x0);
      v128.store(dst, x1, 16);
    } else {
      for (let q = 0; q < cols; q++) {
        const o = (q as usize) << 2;
        let v = load<f32>(src + o);
        if (accumulate) v = load<f32>(dst + o) + v;
        store<f32>(dst + o, v);
      }
    }
  }
}

/**
 * C[i0:i1, j0:j1] = (or +=, with ACCUMULATE) op(A)·op(B) over inner dimension k, where
 * op(A)[i][p] is a[i*lda + p], or a[p*lda + i] with TRANS_A, and op(B)[p][j] is
 * b[p*ldb + j], or b[j*ldb + p] with TRANS_B. Threads split the work by giving each call a
 * disjoint block of C and its own `work` region (sgemmWorkspaceBytes(k, j1 - j0) bytes,
 * 16-byte aligned).
 *
 * op(B)'s columns are packed once per call into 8-wide panels and op(A) 5 rows at a time,
 * so the transposes cost one pass over each operand and none in the inner loop.
 */
export function sgemm(
  flags: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize,
): void {
  if (i0 >= i1 || j0 >= j1) return;
  sgemmPackB(flags, k, b, ldb, j0, j1, work);
  sgemmPacked(flags, k, a, lda, c, ldc, i0, i1, j0, j1, work);
}

/**
 * The first half of sgemm: packs columns j0..j1 of op(B) into `work`. One packing then
 * serves any number of sgemmPacked calls over different row blocks, so threads that take
 * row blocks of the same product one at a time pack B once.
 */
export function sgemmPackB(flags: i32, k: i32, b: usize, ldb: i32, j0: i32, j1: i32, work: usize): void {
  if (j0 >= j1 || k <= 0) return;
  packB((flags & TRANS_B) != 0, k, b, ldb, j0, j1, packedBOf(work, k));
}

/** The second half of sgemm: rows i0..i1 of C from the op(B) panels sgemmPackB left in `work` for the same j0..j1. */
export function sgemmPacked(
  flags: i32, k: i32, a: usize, lda: i32, c: usize, ldc: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize,
): void {
  if (i0 >= i1 || j0 >= j1) return;
  const accumulate = (flags & ACCUMULATE) != 0;
  const ldcBytes = (ldc as usize) << 2;
  if (k <= 0) {
    if (!accumulate) {
      for (let i = i0; i < i1; i++) memory.fill(c + ((i as usize) * ldcBytes) + ((j0 as usize) << 2), 0, ((j1 - j0) as usize) << 2);
    }
    return;
  }
  const scratch = work;
  const packedA = packedAOf(work);
  const packedB = packedBOf(work, k);
  const transA = (flags & TRANS_A) != 0;
  const panels = (j1 - j0 + NR - 1) / NR;
  const panelBytes = (k as usize) << 5;
  for (let i = i0; i < i1; i += MR) {
    const rows = min(MR, i1 - i);
    if (transA) packATransposed(a, lda, i, rows, k, packedA);
    else packARows(a, lda, i, rows, k, packedA);
    const cRow = c + (i as usize) * ldcBytes + ((j0 as usize) << 2);
    for (let p = 0; p < panels; p++) {
      const cols = min(NR, j1 - j0 - p * NR);
      const bp = packedB + (p as usize) * panelBytes;
      const cp = cRow + ((p * NR) as usize << 2);
      const direct = rows == MR && cols == NR && !accumulate;
      const out = direct ? cp : scratch;
      const ldOut = direct ? ldcBytes : 32;
      tilePacked(packedA, bp, k, out, ldOut);
      if (!direct) mergeTile(scratch, cp, ldcBytes, rows, cols, accumulate);
    }
  }
}

/** x[r][j] += bias[r] for rows r0..r1 and columns 0..cols (one bias per row: per feature). */
export function biasAddRows(x: usize, ldx: i32, r0: i32, r1: i32, cols: i32, bias: usize): void {
  for (let r = r0; r < r1; r++) {
    const row = x + (((r as usize) * (ldx as usize)) << 2);
    const s = v128.load32_splat(bias + ((r as usize) << 2));
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = row + ((j as usize) << 2);
      v128.store(p, f32x4.add(v128.load(p), s));
    }
    const sb = load<f32>(bias + ((r as usize) << 2));
    for (; j < cols; j++) {
      const p = row + ((j as usize) << 2);
      store<f32>(p, load<f32>(p) + sb);
    }
  }
}

/** grad[r] = Σ_j g[r][j] for rows r0..r1 (the bias gradient when rows are features). */
export function biasGradRows(g: usize, ldg: i32, r0: i32, r1: i32, cols: i32, grad: usize): void {
  for (let r = r0; r < r1; r++) {
    const row = g + (((r as usize) * (ldg as usize)) << 2);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) acc = f32x4.add(acc, v128.load(row + ((j as usize) << 2)));
    let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    for (; j < cols; j++) s += load<f32>(row + ((j as usize) << 2));
    store<f32>(grad + ((r as usize) << 2), s);
  }
}

/** In place: x = x > 0 ? x : slope·x over rows r0..r1, columns 0..cols. */
export function leakyRelu(x: usize, ldx: i32, r0: i32, r1: i32, cols: i32, slope: f32): void {
  const s = f32x4.splat(slope);
  const zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const row = x + (((r as usize) * (ldx as usize)) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = row + ((j as usize) << 2);
      const v = v128.load(p);
      v128.store(p, v128.bitselect(v, f32x4.mul(v, s), f32x4.gt(v, zero)));
    }
    for (; j < cols; j++) {
      const p = row + ((j as usize) << 2);
      const v = load<f32>(p);
      store<f32>(p, v > 0 ? v : v * slope);
    }
  }
}

/**
 * In place: g *= (y > 0 ? 1 : slope), where y is the activation's output. For a positive
 * slope y > 0 exactly when the input was, so the output alone carries the derivative.
 */
export function leakyReluBackward(g: usize, y: usize, ld: i32, r0: i32, r1: i32, cols: i32, slope: f32): void {
  const s = f32x4.splat(slope);
  const zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const offset = ((r as usize) * (ld as usize)) << 2;
    const gRow = g + offset;
    const yRow = y + offset;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = (j as usize) << 2;
      const gv = v128.load(gRow + o);
      v128.store(gRow + o, v128.bitselect(gv, f32x4.mul(gv, s), f32x4.gt(v128.load(yRow + o), zero)));
    }
    for (; j < cols; j++) {
      const o = (j as usize) << 2;
      const gv = load<f32>(gRow + o);
      store<f32>(gRow + o, load<f32>(yRow + o) > 0 ? gv : gv * slope);
    }
  }
}

/**
 * The paper's per-sample loss on a feature-major output y ([features][ldy], one sample per
 * column), for samples s0..s1 with labels a (one byte each):
 *   nll = ½ Σ_f (y_f − 2a)² + nllConstant,  penalty = (Var(y) − 1)²  (unbiased variance),
 * written as two f64 per sample to parts. Sums run in f64. When grad is nonzero it also
 * writes d(scale·(nll + penalty))/dy into grad (same layout as y):
 *   scale·((y_f − 2a) + 4(Var − 1)(y_f − mean)/(features − 1)).
 */
export function seedLoss(
  y: usize, ldy: i32, features: i32, s0: i32, s1: i32, labels: usize,
  nllConstant: f64, parts: usize, grad: usize, scale: f32,
): void {
  let s = s0;
  // Four samples are four adjacent floats of every feature row: one vector per row.
  for (; s + 4 <= s1; s += 4) seedLoss4(y, ldy, features, s, labels, nllConstant, parts, grad, scale);
  for (; s < s1; s++) seedLoss1(y, ldy, features, s, labels, nllConstant, parts, grad, scale);
}

@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

function seedLoss4(
  y: usize, ldy: i32, features: i32, s: i32, labels: usize,
  nllConstant: f64, parts: usize, grad: usize, scale: f32,
): void {
  const ld = (ldy as usize) << 2;
  const col = (s as usize) << 2;
  const label = labels + (s as usize);
  const tLo = f64x2(2 * (load<u8>(label) as f64), 2 * (load<u8>(label, 1) as f64));
  const tHi = f64x2(2 * (load<u8>(label, 2) as f64), 2 * (load<u8>(label, 3) as f64));
  let sumLo = f64x2.splat(0), sumHi = f64x2.splat(0), sqLo = f64x2.splat(0), sqHi = f64x2.splat(0);
  let p = y + col;
  for (let f = 0; f < features; f++) {
    const v = v128.load(p);
    const lo = f64x2.promote_low_f32x4(v), hi = high(v);
    sumLo = f64x2.add(sumLo, lo);
    sumHi = f64x2.add(sumHi, hi);
    const dLo = f64x2.sub(lo, tLo), dHi = f64x2.sub(hi, tHi);
    sqLo = f64x2.add(sqLo, f64x2.mul(dLo, dLo));
    sqHi = f64x2.add(sqHi, f64x2.mul(dHi, dHi));
    p += ld;
  }
  const n = f64x2.splat(features as f64);
  const meanLo = f64x2.div(sumLo, n), meanHi = f64x2.div(sumHi, n);
  let ssLo = f64x2.splat(0), ssHi = f64x2.splat(0);
  p = y + col;
  for (let f = 0; f < features; f++) {
    const v = v128.load(p);
    const dLo = f64x2.sub(f64x2.promote_low_f32x4(v), meanLo), dHi = f64x2.sub(high(v), meanHi);
    ssLo = f64x2.add(ssLo, f64x2.mul(dLo, dLo));
    ssHi = f64x2.add(ssHi, f64x2.mul(dHi, dHi));
    p += ld;
  }
  const n1 = f64x2.splat((features - 1) as f64);
  const one = f64x2.splat(1);
  const excessLo = f64x2.sub(f64x2.div(ssLo, n1), one), excessHi = f64x2.sub(f64x2.div(ssHi, n1), one);
  const half = f64x2.splat(0.5), constant = f64x2.splat(nllConstant);
  const nllLo = f64x2.add(f64x2.mul(half, sqLo), constant), nllHi = f64x2.add(f64x2.mul(half, sqHi), constant);
  const penLo = f64x2.mul(excessLo, excessLo), penHi = f64x2.mul(excessHi, excessHi);
  // parts holds [nll, penalty] per sample: interleave the two vectors.
  const out = parts + ((s as usize) << 4);
  v128.store(out, v128.shuffle<f64>(nllLo, penLo, 0, 2));
  v128.store(out, v128.shuffle<f64>(nllLo, penLo, 1, 3), 16);
  v128.store(out, v128.shuffle<f64>(nllHi, penHi, 0, 2), 32);
  v128.store(out, v128.shuffle<f64>(nllHi, penHi, 1, 3), 48);
  if (grad == 0) return;
  // d/dy of scale·(nll + penalty) = scale·((y − t) + c·(y − mean)), c = 4(Var − 1)/(features − 1).
  const four = f64x2.splat(4);
  const c = f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(four, excessLo), n1));
  const cv = v128.shuffle<f32>(c, f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(four, excessHi), n1)), 0, 1, 4, 5);
  const tv = v128.shuffle<f32>(f32x4.demote_f64x2_zero(tLo), f32x4.demote_f64x2_zero(tHi), 0, 1, 4, 5);
  const mv = v128.shuffle<f32>(f32x4.demote_f64x2_zero(meanLo), f32x4.demote_f64x2_zero(meanHi), 0, 1, 4, 5);
  const sv = f32x4.splat(scale);
  p = y + col;
  let q = grad + col;
  for (let f = 0; f < features; f++) {
    const v = v128.load(p);
    v128.store(q, f32x4.mul(sv, f32x4.add(f32x4.sub(v, tv), f32x4.mul(cv, f32x4.sub(v, mv)))));
    p += ld;
    q += ld;
  }
}

function seedLoss1(
  y: usize, ldy: i32, features: i32, s: i32, labels: usize,
  nllConstant: f64, parts: usize, grad: usize, scale: f32,
): void {
  const ld = (ldy as usize) << 2;
  const n = features as f64;
  const col = (s as usize) << 2;
  const target = 2 * (load<u8>(labels + (s as usize)) as f64);
  let sum: f64 = 0, sq: f64 = 0;
  let p = y + col;
  for (let f = 0; f < features; f++) {
    const v = load<f32>(p) as f64;
    sum += v;
    const d = v - target;
    sq += d * d;
    p += ld;
  }
  const mean = sum / n;
  let ss: f64 = 0;
  p = y + col;
  for (let f = 0; f < features; f++) {
    const d = (load<f32>(p) as f64) - mean;
    ss += d * d;
    p += ld;
  }
  const excess = ss / (n - 1) - 1;
  const out = parts + ((s as usize) << 4);
  store<f64>(out, 0.5 * sq + nllConstant);
  store<f64>(out, excess * excess, 8);
  if (grad == 0) return;
  const c = (4 * excess / (n - 1)) as f32;
  const t = target as f32;
  const m = mean as f32;
  p = y + col;
  let q = grad + col;
  for (let f = 0; f < features; f++) {
    const v = load<f32>(p);
    store<f32>(q, scale * ((v - t) + c * (v - m)));
    p += ld;
    q += ld;
  }
}

/**
 * Adam (PyTorch's update, without weight decay or AMSGrad) on a block of rows × cols whose
 * parameter and moments share the leading dimension ld (the gradient's is ldg):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − stepSize · m / (√v · invBc2Sqrt + ε)
 * with stepSize = lr / (1 − β1^t) and invBc2Sqrt = 1 / √(1 − β2^t). The caller rounds
 * 1 − β from double precision, as PyTorch does, rather than subtracting in float32.
 */
export function adam(
  p: usize, m: usize, v: usize, ld: i32, g: usize, ldg: i32, rows: i32, cols: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  stepSize: f32, invBc2Sqrt: f32, epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const ss = f32x4.splat(stepSize), ib = f32x4.splat(invBc2Sqrt), eps = f32x4.splat(epsilon);
  for (let r = 0; r < rows; r++) {
    const base = ((r as usize) * (ld as usize)) << 2;
    const gRow = g + (((r as usize) * (ldg as usize)) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = base + ((j as usize) << 2);
      const gv = v128.load(gRow + ((j as usize) << 2));
      const mv = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gv, c1));
      const vv = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gv, gv), c2));
      const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), ib), eps);
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mv, denom), ss)));
    }
    for (; j < cols; j++) {
      const o = base + ((j as usize) << 2);
      const gs = load<f32>(gRow + ((j as usize) << 2));
      const ms = load<f32>(m + o) * beta1 + gs * oneMinusBeta1;
      const vs = load<f32>(v + o) * beta2 + (gs * gs) * oneMinusBeta2;
      store<f32>(m + o, ms);
      store<f32>(v + o, vs);
      store<f32>(p + o, load<f32>(p + o) - (ms / (sqrt<f32>(vs) * invBc2Sqrt + epsilon)) * stepSize);
    }
  }
}
