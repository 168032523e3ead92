// Matrix product C = beta·C + alpha·A·B, blocked and packed, in float64 (f64x2)
// or float32 (f32x4) arithmetic.

import { KC, MR, NC } from './blocking';

/**
 * acc(4 × 2 vectors) = A[4 rows, kc] · Bpacked[kc, 2 vectors]; the tile is
 * written to `tile` (4 rows of 32 bytes). A comes packed by packRows4, each
 * value already splat across a vector, so the loop has loads and arithmetic
 * only. Splatting a loaded scalar costs a shuffle, and on this kind of core
 * (AMD EPYC) shuffles share ports with the adds: with four per step a 784³
 * product took 65 ms on one thread, 58 ms with load-and-splat instructions,
 * and 55 ms packed (best of 5 each).
 */
// @ts-ignore: decorator
@inline function micro4<T>(kc: i32, ap: usize, bp: usize, tile: usize): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0), c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load(ap);
    c00 = v128.add<T>(c00, v128.mul<T>(s, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(s, b1));
    s = v128.load(ap, 16);
    c10 = v128.add<T>(c10, v128.mul<T>(s, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(s, b1));
    s = v128.load(ap, 32);
    c20 = v128.add<T>(c20, v128.mul<T>(s, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(s, b1));
    s = v128.load(ap, 48);
    c30 = v128.add<T>(c30, v128.mul<T>(s, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(s, b1));
    ap += 64;
    bp += 32;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
}

/**
 * A[4 rows, kc] (rows `lda` bytes apart) as micro4 reads it: for each p, the
 * four values A[r, p] each splat across a vector (64 bytes per p). Done once
 * per block of rows and read by every strip of B.
 */
// @ts-ignore: decorator
@inline function packRows4<T>(kc: i32, a: usize, lda: usize, ap: usize): void {
  let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
  for (let p = 0; p < kc; p++) {
    v128.store(ap, v128.splat<T>(load<T>(a0)));
    v128.store(ap, v128.splat<T>(load<T>(a1)), 16);
    v128.store(ap, v128.splat<T>(load<T>(a2)), 32);
    v128.store(ap, v128.splat<T>(load<T>(a3)), 48);
    a0 += sizeof<T>(); a1 += sizeof<T>(); a2 += sizeof<T>(); a3 += sizeof<T>();
    ap += 64;
  }
}

/** One row of micro4: acc(2 vectors) = A[1 row, kc] · Bpacked, written to `tile`. */
// @ts-ignore: decorator
@inline function micro1<T>(kc: i32, a: usize, bp: usize, tile: usize): void {
  let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0);
  for (let p = 0; p < kc; p++) {
    const s = v128.splat<T>(load<T>(a));
    c0 = v128.add<T>(c0, v128.mul<T>(s, v128.load(bp)));
    c1 = v128.add<T>(c1, v128.mul<T>(s, v128.load(bp, 16)));
    a += sizeof<T>();
    bp += 32;
  }
  v128.store(tile, c0); v128.store(tile, c1, 16);
}

/** C[rows, cols] += alpha · tile, where tile rows are 32 bytes apart. */
// @ts-ignore: decorator
@inline function addTile<T>(rows: i32, cols: i32, alpha: T, tile: usize, c: usize, ldc: usize): void {
  const nr = <i32>(32 / sizeof<T>());
  if (cols == nr) {
    const al = v128.splat<T>(alpha);
    for (let r = 0; r < rows; r++) {
      const cp = c + <usize>r * ldc, tp = tile + <usize>r * 32;
      v128.store(cp, v128.add<T>(v128.load(cp), v128.mul<T>(al, v128.load(tp))));
      v128.store(cp, v128.add<T>(v128.load(cp, 16), v128.mul<T>(al, v128.load(tp, 16))), 16);
    }
  } else {
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < cols; q++) {
        const cp = c + <usize>r * ldc + <usize>q * sizeof<T>();
        store<T>(cp, load<T>(cp) + alpha * load<T>(tile + <usize>r * 32 + <usize>q * sizeof<T>()));
      }
    }
  }
}

/**
 * C = beta·C + alpha·A·B with A m×k, B k×n, C m×n (row-major, leading
 * dimensions in elements), beta 0 or 1. `work`: gemm_work_bytes(sizeof T).
 */
export function gemm<T>(
  m: i32, n: i32, k: i32, alpha: T, a: usize, lda: i32, b: usize, ldb: i32,
  beta: T, c: usize, ldc: i32, work: usize,
): void {
  const S = sizeof<T>();
  const nr = 32 / <i32>S;
  const ldaB = <usize>lda * S, ldbB = <usize>ldb * S, ldcB = <usize>ldc * S;
  if (beta == 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcB, 0, <usize>n * S);
  }
  if (k <= 0 || m <= 0 || n <= 0) return;
  const tile = work + <usize>KC * NC * S;
  const packedRows = tile + <usize>MR * 32;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // Pack B[pc .. pc+kc, jc .. jc+nc] into strips of nr columns, zero-padded.
      let w = work;
      for (let js = 0; js < nc; js += nr) {
        const cols = min(nr, nc - js);
        let src = b + <usize>pc * ldbB + <usize>(jc + js) * S;
        if (cols == nr) {
          for (let p = 0; p < kc; p++) {
            v128.store(w, v128.load(src));
            v128.store(w, v128.load(src, 16), 16);
            w += 32; src += ldbB;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            v128.store(w, v128.splat<T>(0));
            v128.store(w, v128.splat<T>(0), 16);
            for (let q = 0; q < cols; q++) store<T>(w + <usize>q * S, load<T>(src + <usize>q * S));
            w += 32; src += ldbB;
          }
        }
      }
      let i = 0;
      for (; i + MR <= m; i += MR) {
        packRows4<T>(kc, a + <usize>i * ldaB + <usize>pc * S, ldaB, packedRows);
        const cp = c + <usize>i * ldcB + <usize>jc * S;
        for (let js = 0; js < nc; js += nr) {
          micro4<T>(kc, packedRows, work + <usize>js * kc * S, tile);
          addTile<T>(MR, min(nr, nc - js), alpha, tile, cp + <usize>js * S, ldcB);
        }
      }
      for (; i < m; i++) {
        const ap = a + <usize>i * ldaB + <usize>pc * S;
        const cp = c + <usize>i * ldcB + <usize>jc * S;
        for (let js = 0; js < nc; js += nr) {
          micro1<T>(kc, ap, work + <usize>js * kc * S, tile);
          addTile<T>(1, min(nr, nc - js), alpha, tile, cp + <usize>js * S, ldcB);
        }
      }
    }
  }
}

/** C = beta·C + alpha·A·B in float64; see gemm. */
export function gemm_f64(
  m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f64, c: usize, ldc: i32, work: usize,
): void {
  gemm<f64>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

/** C = beta·C + alpha·A·B in float32; see gemm. */
export function gemm_f32(
  m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f32, c: usize, ldc: i32, work: usize,
): void {
  gemm<f32>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}
