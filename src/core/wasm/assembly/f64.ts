// Dense linear algebra kernels for square matrices: float64, and the same
// algorithms in float32 arithmetic (every operation rounded to float32, no
// fused multiply-add), so the analysis can show what a float32 user gets.
//
// All matrices are row-major. Every pointer is a byte offset into the imported
// memory and every leading dimension is in elements. The kernels never
// allocate: scratch space comes from the caller as `work` (sizes below).
// src/core/linalg/ is the TypeScript side that lays the buffers out.
//
// Float64 kernels use f64x2 SIMD, float32 kernels f32x4, through the generic
// v128 operations, so each algorithm is written once for both precisions.
//
// No static data either: AssemblyScript's Math functions bring lookup tables
// as data segments at low addresses, where the TypeScript side puts its
// buffers, so only builtins (sqrt, abs, min, max) and bit manipulation are
// used here. test/unit/linalg/f64Module.test.ts checks the binary.

/** Rows of the register tile of the matrix product. */
const MR: i32 = 4;
/** Rows (depth) of a packed block of the right operand. */
const KC: i32 = 128;
/** Columns of a packed block of the right operand (KC·NC·8 bytes = 512 KiB, in L2). */
const NC: i32 = 512;
/** Block size of the LU factorization and of the triangular solves. */
const NB: i32 = 64;

/** Bytes of `work` that gemm needs for elements of `elementBytes` (4 or 8). */
export function gemm_work_bytes(elementBytes: i32): i32 {
  // The packed block plus one register tile (MR × 2 vectors).
  return KC * NC * elementBytes + MR * 32;
}

// ---------------------------------------------------------------------------
// Matrix product

/**
 * acc(4 × 2 vectors) = A[4 rows, kc] · Bpacked[kc, 2 vectors]; the tile is
 * written to `tile` (4 rows of 32 bytes). A's rows are `lda` bytes apart.
 */
// @ts-ignore: decorator
@inline function micro4<T>(kc: i32, a: usize, lda: usize, bp: usize, tile: usize): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0), c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.splat<T>(load<T>(a0));
    c00 = v128.add<T>(c00, v128.mul<T>(s, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(s, b1));
    s = v128.splat<T>(load<T>(a1));
    c10 = v128.add<T>(c10, v128.mul<T>(s, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(s, b1));
    s = v128.splat<T>(load<T>(a2));
    c20 = v128.add<T>(c20, v128.mul<T>(s, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(s, b1));
    s = v128.splat<T>(load<T>(a3));
    c30 = v128.add<T>(c30, v128.mul<T>(s, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(s, b1));
    a0 += sizeof<T>(); a1 += sizeof<T>(); a2 += sizeof<T>(); a3 += sizeof<T>();
    bp += 32;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
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
function gemm<T>(
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
        const ap = a + <usize>i * ldaB + <usize>pc * S;
        const cp = c + <usize>i * ldcB + <usize>jc * S;
        for (let js = 0; js < nc; js += nr) {
          micro4<T>(kc, ap, ldaB, work + <usize>js * kc * S, tile);
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

// ---------------------------------------------------------------------------
// Transposition

function transpose<T>(rows: i32, cols: i32, src: usize, dst: usize): void {
  const S = sizeof<T>();
  for (let i0 = 0; i0 < rows; i0 += 16) {
    const i1 = min(i0 + 16, rows);
    for (let j0 = 0; j0 < cols; j0 += 16) {
      const j1 = min(j0 + 16, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<T>(dst + (<usize>j * rows + i) * S, load<T>(src + (<usize>i * cols + j) * S));
        }
      }
    }
  }
}

/** dst (cols × rows) = transpose of src (rows × cols), float64. */
export function transpose_f64(rows: i32, cols: i32, src: usize, dst: usize): void {
  transpose<f64>(rows, cols, src, dst);
}

/** dst (cols × rows) = transpose of src (rows × cols), float32. */
export function transpose_f32(rows: i32, cols: i32, src: usize, dst: usize): void {
  transpose<f32>(rows, cols, src, dst);
}

// ---------------------------------------------------------------------------
// LU factorization with partial pivoting

/** Swaps `count` elements of two rows. */
// @ts-ignore: decorator
@inline function swapRows<T>(x: usize, y: usize, count: i32): void {
  const bytes = <usize>count * sizeof<T>();
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const t = v128.load(x + o);
    v128.store(x + o, v128.load(y + o));
    v128.store(y + o, t);
  }
  for (; o < bytes; o += sizeof<T>()) {
    const t = load<T>(x + o);
    store<T>(x + o, load<T>(y + o));
    store<T>(y + o, t);
  }
}

/** y[0..count) -= s · x[0..count). */
// @ts-ignore: decorator
@inline function axpyNeg<T>(count: i32, s: T, x: usize, y: usize): void {
  const bytes = <usize>count * sizeof<T>();
  const sv = v128.splat<T>(s);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    v128.store(y + o, v128.sub<T>(v128.load(y + o), v128.mul<T>(sv, v128.load(x + o))));
    v128.store(y + o, v128.sub<T>(v128.load(y + o, 16), v128.mul<T>(sv, v128.load(x + o, 16))), 16);
  }
  for (; o < bytes; o += sizeof<T>()) store<T>(y + o, load<T>(y + o) - s * load<T>(x + o));
}

/**
 * In-place LU factorization P·A = L·U of the n×n matrix at `a`: L (unit
 * diagonal, not stored) below the diagonal, U on and above it. Row i was
 * interchanged with row piv[i] (int32, 0-based, i ≤ piv[i]), in order.
 * Right-looking and blocked: the trailing update is a matrix product.
 * A zero pivot column is left as it is (U gets a zero on its diagonal).
 */
function lu<T>(n: i32, a: usize, piv: usize, work: usize): void {
  const S = sizeof<T>();
  const ld = <usize>n * S;
  // Smallest magnitude whose reciprocal is finite (float32 or float64).
  const safeMin: T = sizeof<T>() == 4 ? <T>1.1754944e-38 : <T>2.2250738585072014e-308;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = min(n, j0 + NB);
    for (let j = j0; j < j1; j++) {
      let p = j;
      let big = abs<T>(load<T>(a + <usize>j * ld + <usize>j * S));
      for (let i = j + 1; i < n; i++) {
        const v = abs<T>(load<T>(a + <usize>i * ld + <usize>j * S));
        if (v > big) { big = v; p = i; }
      }
      store<i32>(piv + <usize>j * 4, p);
      if (p != j) swapRows<T>(a + <usize>j * ld, a + <usize>p * ld, n);
      const rowj = a + <usize>j * ld;
      const pivot = load<T>(rowj + <usize>j * S);
      if (pivot != 0) {
        if (abs<T>(pivot) >= safeMin) {
          const r = <T>1 / pivot;
          for (let i = j + 1; i < n; i++) {
            const q = a + <usize>i * ld + <usize>j * S;
            store<T>(q, load<T>(q) * r);
          }
        } else {
          for (let i = j + 1; i < n; i++) {
            const q = a + <usize>i * ld + <usize>j * S;
            store<T>(q, load<T>(q) / pivot);
          }
        }
      }
      // Rank-one update of the rest of the panel.
      const w = j1 - j - 1;
      if (w > 0) {
        for (let i = j + 1; i < n; i++) {
          const rowi = a + <usize>i * ld;
          const l = load<T>(rowi + <usize>j * S);
          if (l != 0) axpyNeg<T>(w, l, rowj + <usize>(j + 1) * S, rowi + <usize>(j + 1) * S);
        }
      }
    }
    if (j1 < n) {
      // U12 = L11⁻¹ A12 (rows j0..j1, columns j1..n).
      const rest = n - j1;
      for (let i = j0 + 1; i < j1; i++) {
        const rowi = a + <usize>i * ld;
        for (let p = j0; p < i; p++) {
          const l = load<T>(rowi + <usize>p * S);
          if (l != 0) axpyNeg<T>(rest, l, a + <usize>p * ld + <usize>j1 * S, rowi + <usize>j1 * S);
        }
      }
      // A22 -= L21 · U12.
      gemm<T>(rest, rest, j1 - j0, <T>-1, a + <usize>j1 * ld + <usize>j0 * S, n,
        a + <usize>j0 * ld + <usize>j1 * S, n, <T>1, a + <usize>j1 * ld + <usize>j1 * S, n, work);
    }
  }
}

/** Float64 LU with partial pivoting in place; `work`: gemm_work_bytes(8). */
export function lu_f64(n: i32, a: usize, piv: usize, work: usize): void {
  lu<f64>(n, a, piv, work);
}

/** Float32 LU with partial pivoting in place; `work`: gemm_work_bytes(4). */
export function lu_f32(n: i32, a: usize, piv: usize, work: usize): void {
  lu<f32>(n, a, piv, work);
}

// ---------------------------------------------------------------------------
// Solves with the LU factors, many right-hand sides stored as rows

/** Dot product of x[0..count) and y[0..count). */
// @ts-ignore: decorator
@inline function dot<T>(count: i32, x: usize, y: usize): T {
  const bytes = <usize>count * sizeof<T>();
  let acc = v128.splat<T>(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) acc = v128.add<T>(acc, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
  let s = laneSum<T>(acc);
  for (; o < bytes; o += sizeof<T>()) s += load<T>(x + o) * load<T>(y + o);
  return s;
}

/** Sum of a dot product's accumulator lanes, in the order `dot` adds them. */
// @ts-ignore: decorator
@inline function laneSum<T>(acc: v128): T {
  if (sizeof<T>() == 8) return <T>(f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
  return <T>((f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)));
}

/**
 * Four rows at once (`ld` bytes apart, from `x`): the dot product of each row's
 * x[0..count) with the shared l[0..count), computed exactly as `dot` computes it (same
 * lanes, same order), so a row gets the same bits alone or in a group. The four sums go
 * to out[0..4). Sharing the loads of l and running four independent chains is what
 * makes the diagonal blocks of the triangular solves fast.
 */
// @ts-ignore: decorator
@inline function dot4<T>(count: i32, x: usize, ld: usize, l: usize, out: usize): void {
  const bytes = <usize>count * sizeof<T>();
  const x1 = x + ld, x2 = x1 + ld, x3 = x2 + ld;
  let a0 = v128.splat<T>(0), a1 = v128.splat<T>(0), a2 = v128.splat<T>(0), a3 = v128.splat<T>(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const lv = v128.load(l + o);
    a0 = v128.add<T>(a0, v128.mul<T>(v128.load(x + o), lv));
    a1 = v128.add<T>(a1, v128.mul<T>(v128.load(x1 + o), lv));
    a2 = v128.add<T>(a2, v128.mul<T>(v128.load(x2 + o), lv));
    a3 = v128.add<T>(a3, v128.mul<T>(v128.load(x3 + o), lv));
  }
  let s0 = laneSum<T>(a0), s1 = laneSum<T>(a1), s2 = laneSum<T>(a2), s3 = laneSum<T>(a3);
  for (; o < bytes; o += sizeof<T>()) {
    const lv = load<T>(l + o);
    s0 += load<T>(x + o) * lv;
    s1 += load<T>(x1 + o) * lv;
    s2 += load<T>(x2 + o) * lv;
    s3 += load<T>(x3 + o) * lv;
  }
  store<T>(out, s0);
  store<T>(out, s1, sizeof<T>());
  store<T>(out, s2, 2 * sizeof<T>());
  store<T>(out, s3, 3 * sizeof<T>());
}

/**
 * Solves X·Wᵀ = Y in place (each row x of X solves W·x = y) for `count` rows
 * of length n at `y`, with W's factors `lu` (from lu) and `lut` (the
 * transpose of lu). `work`: gemm_work_bytes(sizeof T).
 */
function solveRows<T>(n: i32, count: i32, lu: usize, lut: usize, piv: usize, y: usize, work: usize): void {
  const S = sizeof<T>();
  const ld = <usize>n * S;
  // Four sums of dot4, in the register tile's slot of `work` (gemm is not running then).
  const sums = work + <usize>KC * NC * S;
  // Row interchanges, in order: y ← P·y for every row.
  for (let r = 0; r < count; r++) {
    const row = y + <usize>r * ld;
    for (let j = 0; j < n; j++) {
      const p = load<i32>(piv + <usize>j * 4);
      if (p != j) {
        const t = load<T>(row + <usize>j * S);
        store<T>(row + <usize>j * S, load<T>(row + <usize>p * S));
        store<T>(row + <usize>p * S, t);
      }
    }
  }
  // Forward: C·Lᵀ = Y, by blocks of columns.
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = min(n, j0 + NB);
    if (j0 > 0) {
      gemm<T>(count, j1 - j0, j0, <T>-1, y, n, lut + <usize>j0 * S, n, <T>1, y + <usize>j0 * S, n, work);
    }
    let r = 0;
    for (; r + 4 <= count; r += 4) {
      const row = y + <usize>r * ld;
      for (let j = j0 + 1; j < j1; j++) {
        dot4<T>(j - j0, row + <usize>j0 * S, ld, lu + <usize>j * ld + <usize>j0 * S, sums);
        for (let g = 0; g < 4; g++) {
          const q = row + <usize>g * ld + <usize>j * S;
          store<T>(q, load<T>(q) - load<T>(sums + <usize>g * S));
        }
      }
    }
    for (; r < count; r++) {
      const row = y + <usize>r * ld;
      for (let j = j0 + 1; j < j1; j++) {
        const q = row + <usize>j * S;
        store<T>(q, load<T>(q) - dot<T>(j - j0, row + <usize>j0 * S, lu + <usize>j * ld + <usize>j0 * S));
      }
    }
  }
  // Backward: X·Uᵀ = C, by blocks of columns from the last.
  let j1 = n;
  while (j1 > 0) {
    const j0 = j1 > NB ? j1 - NB : 0;
    if (j1 < n) {
      gemm<T>(count, j1 - j0, n - j1, <T>-1, y + <usize>j1 * S, n, lut + <usize>j1 * ld + <usize>j0 * S, n,
        <T>1, y + <usize>j0 * S, n, work);
    }
    let r = 0;
    for (; r + 4 <= count; r += 4) {
      const row = y + <usize>r * ld;
      for (let j = j1 - 1; j >= j0; j--) {
        dot4<T>(j1 - j - 1, row + <usize>(j + 1) * S, ld, lu + <usize>j * ld + <usize>(j + 1) * S, sums);
        const d = load<T>(lu + <usize>j * ld + <usize>j * S);
        for (let g = 0; g < 4; g++) {
          const q = row + <usize>g * ld + <usize>j * S;
          store<T>(q, (load<T>(q) - load<T>(sums + <usize>g * S)) / d);
        }
      }
    }
    for (; r < count; r++) {
      const row = y + <usize>r * ld;
      for (let j = j1 - 1; j >= j0; j--) {
        const q = row + <usize>j * S;
        const s = load<T>(q) - dot<T>(j1 - j - 1, row + <usize>(j + 1) * S, lu + <usize>j * ld + <usize>(j + 1) * S);
        store<T>(q, s / load<T>(lu + <usize>j * ld + <usize>j * S));
      }
    }
    j1 = j0;
  }
}

/**
 * Solves X·W = Y in place (each row x solves Wᵀ·xᵀ = yᵀ), with the same
 * factors as solveRows: X = Y·U⁻¹·L⁻¹·P.
 */
function solveRowsTransposed<T>(n: i32, count: i32, lu: usize, lut: usize, piv: usize, y: usize, work: usize): void {
  const S = sizeof<T>();
  const ld = <usize>n * S;
  // Z·U = Y, forward by blocks of columns.
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = min(n, j0 + NB);
    if (j0 > 0) gemm<T>(count, j1 - j0, j0, <T>-1, y, n, lu + <usize>j0 * S, n, <T>1, y + <usize>j0 * S, n, work);
    for (let r = 0; r < count; r++) {
      const row = y + <usize>r * ld;
      for (let j = j0; j < j1; j++) {
        const q = row + <usize>j * S;
        const s = load<T>(q) - dot<T>(j - j0, row + <usize>j0 * S, lut + <usize>j * ld + <usize>j0 * S);
        store<T>(q, s / load<T>(lut + <usize>j * ld + <usize>j * S));
      }
    }
  }
  // V·L = Z, backward by blocks of columns.
  let j1 = n;
  while (j1 > 0) {
    const j0 = j1 > NB ? j1 - NB : 0;
    if (j1 < n) {
      gemm<T>(count, j1 - j0, n - j1, <T>-1, y + <usize>j1 * S, n, lu + <usize>j1 * ld + <usize>j0 * S, n,
        <T>1, y + <usize>j0 * S, n, work);
    }
    for (let r = 0; r < count; r++) {
      const row = y + <usize>r * ld;
      for (let j = j1 - 2; j >= j0; j--) {
        const q = row + <usize>j * S;
        store<T>(q, load<T>(q) - dot<T>(j1 - j - 1, row + <usize>(j + 1) * S, lut + <usize>j * ld + <usize>(j + 1) * S));
      }
    }
    j1 = j0;
  }
  // X = V·P: the interchanges in reverse order.
  for (let r = 0; r < count; r++) {
    const row = y + <usize>r * ld;
    for (let j = n - 1; j >= 0; j--) {
      const p = load<i32>(piv + <usize>j * 4);
      if (p != j) {
        const t = load<T>(row + <usize>j * S);
        store<T>(row + <usize>j * S, load<T>(row + <usize>p * S));
        store<T>(row + <usize>p * S, t);
      }
    }
  }
}

/** Float64 X·Wᵀ = Y in place; see solveRows. */
export function solve_rows_f64(n: i32, count: i32, lu: usize, lut: usize, piv: usize, y: usize, work: usize): void {
  solveRows<f64>(n, count, lu, lut, piv, y, work);
}

/** Float32 X·Wᵀ = Y in place; see solveRows. */
export function solve_rows_f32(n: i32, count: i32, lu: usize, lut: usize, piv: usize, y: usize, work: usize): void {
  solveRows<f32>(n, count, lu, lut, piv, y, work);
}

/** Float64 X·W = Y in place; see solveRowsTransposed. */
export function solve_rows_transposed_f64(n: i32, count: i32, lu: usize, lut: usize, piv: usize, y: usize, work: usize): void {
  solveRowsTransposed<f64>(n, count, lu, lut, piv, y, work);
}

/** Float32 X·W = Y in place; see solveRowsTransposed. */
export function solve_rows_transposed_f32(n: i32, count: i32, lu: usize, lut: usize, piv: usize, y: usize, work: usize): void {
  solveRowsTransposed<f32>(n, count, lu, lut, piv, y, work);
}

// ---------------------------------------------------------------------------
// Householder bidiagonalization (float64)

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

// ---------------------------------------------------------------------------
// Singular values of a bidiagonal matrix by bisection (float64)

/** Bytes of `work` that bidiag_singular_values_f64 needs for order n. */
export function bidiag_sv_work_bytes(n: i32): i32 {
  return 2 * n * 8 + 16 + 5 * LANES * 8;
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
  const q = (work + 15) & ~<usize>15;
  const f = q + <usize>n * 8;
  const lanes = <usize>LANES;
  const loArr = f + <usize>n * 8, hiArr = loArr + lanes * 8, tArr = hiArr + lanes * 8, cArr = tArr + lanes * 8;
  const sArr = cArr + lanes * 8;
  if (n <= 0) return 0;
  // Scale by a power of two so the largest entry is in [0.5, 1).
  let big: f64 = 0;
  for (let i = 0; i < n; i++) big = max(big, abs(load<f64>(d + <usize>i * 8)));
  for (let i = 0; i < n - 1; i++) big = max(big, abs(load<f64>(e + <usize>i * 8)));
  if (big == 0) {
    for (let i = 0; i < n; i++) store<f64>(out + <usize>i * 8, 0);
    return 0;
  }
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
  const top = bound * bound * (1 + 1e-12) + 1e-300;
  const pivmin: f64 = 2.2250738585072014e-308 * 4;
  // Values whose square is below `floor` are reported as 0.
  const floor: f64 = 1e-300;
  for (let l: usize = 0; l < lanes; l++) store<f64>(tArr + l * 8, floor);
  countGuarded(n, q, f, pivmin, tArr, sArr, cArr);
  const zeros = <i32>load<i64>(cArr);
  let sweeps = 0;
  let previous: f64 = floor;
  // Ascending index j: the (j+1)-th smallest eigenvalue λ_j lies in (lo, hi] with count(lo) ≤ j < count(hi).
  for (let j0 = 0; j0 < n; j0 += LANES) {
    for (let l: usize = 0; l < lanes; l++) {
      store<f64>(loArr + l * 8, max(previous, floor));
      store<f64>(hiArr + l * 8, top);
    }
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
      if (!countFast(n, q, f, tArr, cArr)) countGuarded(n, q, f, pivmin, tArr, sArr, cArr);
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
    // A zero pivot counts as negative, so count(t) = #{λ ≤ t}: the eigenvalue lies
    // in (lo, hi], and hi is the next float after lo.
    const valid = min(LANES, n - j0);
    for (let l = 0; l < valid; l++) {
      const j = j0 + l;
      const lambda = load<f64>(hiArr + <usize>l * 8);
      store<f64>(out + <usize>(n - 1 - j) * 8, j < zeros ? 0 : sqrt<f64>(lambda) / scale);
      // The next values are at least this one; lo keeps count(lo) ≤ j even for repeated values.
      if (j >= zeros) previous = load<f64>(loArr + <usize>l * 8);
    }
  }
  return sweeps;
}

// ---------------------------------------------------------------------------
// Elementwise steps of the network's forward pass and its inverse, on rows of
// n values, in the elements' precision (float32 rounds every result to float32,
// as a float32 network does).

/** x[r][j] += sign·b[j] for `rows` rows of n; b holds n float32 values (widened for float64 rows). */
function addBias<T>(x: usize, rows: i32, n: i32, b: usize, sign: T): void {
  const S = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * <usize>n * S;
    for (let j = 0; j < n; j++) {
      const q = row + <usize>j * S;
      store<T>(q, load<T>(q) + sign * <T>load<f32>(b + <usize>j * 4));
    }
  }
}

/** Float32 rows: x + b (sign 1) or x − b (sign −1), rounded to float32. */
export function add_bias_f32(x: usize, rows: i32, n: i32, b: usize, sign: f32): void {
  addBias<f32>(x, rows, n, b, sign);
}

/** Float64 rows: x + b or x − b with b's float32 values widened. */
export function add_bias_f64(x: usize, rows: i32, n: i32, b: usize, sign: f64): void {
  addBias<f64>(x, rows, n, b, sign);
}

/** LeakyReLU (v < 0 becomes v·slope) over `count` values, or its inverse (v / slope) when `inverse` is set. */
function leaky<T>(x: usize, count: i32, slope: T, inverse: bool): void {
  const S = sizeof<T>();
  const bytes = <usize>count * S;
  const zero = v128.splat<T>(0);
  const sv = v128.splat<T>(slope);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const v = v128.load(x + o);
    const t = inverse ? v128.div<T>(v, sv) : v128.mul<T>(v, sv);
    v128.store(x + o, v128.bitselect(t, v, v128.lt<T>(v, zero)));
  }
  for (; o < bytes; o += S) {
    const v = load<T>(x + o);
    if (v < 0) store<T>(x + o, inverse ? v / slope : v * slope);
  }
}

/** Float32 LeakyReLU in place (`inverse` non-zero: its inverse), every result rounded to float32. */
export function leaky_f32(x: usize, count: i32, slope: f32, inverse: i32): void {
  leaky<f32>(x, count, slope, inverse != 0);
}

/** Float64 LeakyReLU in place (`inverse` non-zero: its inverse). */
export function leaky_f64(x: usize, count: i32, slope: f64, inverse: i32): void {
  leaky<f64>(x, count, slope, inverse != 0);
}

/** Every row of n values that holds a NaN or an infinity becomes all NaN (an overflowed solve). */
function markNonFiniteRows<T>(x: usize, rows: i32, n: i32): void {
  const S = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * <usize>n * S;
    let finite = true;
    for (let j = 0; j < n; j++) {
      const v = load<T>(row + <usize>j * S);
      // v − v is 0 exactly when v is finite.
      if (v - v != 0) { finite = false; break; }
    }
    if (!finite) for (let j = 0; j < n; j++) store<T>(row + <usize>j * S, <T>NaN);
  }
}

export function nan_rows_f32(x: usize, rows: i32, n: i32): void {
  markNonFiniteRows<f32>(x, rows, n);
}

export function nan_rows_f64(x: usize, rows: i32, n: i32): void {
  markNonFiniteRows<f64>(x, rows, n);
}

/** Clears `bytes` bytes at `at` (a work area some kernels expect zeroed). */
export function zero_bytes(at: usize, bytes: i32): void {
  memory.fill(at, 0, <usize>bytes);
}
