// Solves with the LU factors for many right-hand sides stored as rows: forward and
// back substitution, blocked so the off-diagonal blocks are matrix products.

import { KC, NB, NC } from './blocking';
import { gemm } from './gemm';

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
