// The float32 matrix product C (+)= op(A)·op(B) on packed operands.

import { ACCUMULATE, madd, MR, NR, packedAOf, packedBOf, TRANS_A, TRANS_B } from './sgemmLayout';
import { packARows, packATransposed, packB } from './sgemmPacking';

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
