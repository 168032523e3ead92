// LU factorization with partial pivoting, right-looking and blocked.

import { NB } from './blocking';
import { gemm } from './gemm';

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
