// Packing of the float32 matrix product's operands into the layout its tile reads.

import { MR, NR } from './sgemmLayout';

// Copies columns j0..j1 of op(B) (k rows) into 8-wide panels: for each row p, 8
// consecutive floats. Missing columns of the last panel are zero, so the kernels never
// branch on width. With TRANS_B, op(B)[p][j] = b[j*ldb + p] and 4×4 blocks are
// transposed in registers.
export function packB(trans: bool, k: i32, b: usize, ldb: i32, j0: i32, j1: i32, dst: usize): void {
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
