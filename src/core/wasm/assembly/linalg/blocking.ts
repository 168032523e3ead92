// Block sizes shared by the matrix product, the LU factorization and the solves
// with its factors, and the work area they need.

/** Rows of the register tile of the matrix product. */
export const MR: i32 = 4;
/** Rows (depth) of a packed block of the right operand. */
export const KC: i32 = 128;
/** Columns of a packed block of the right operand (KC·NC·8 bytes = 512 KiB, in L2). */
export const NC: i32 = 512;
/** Block size of the LU factorization and of the triangular solves. */
export const NB: i32 = 64;

/** Bytes of `work` that gemm needs for elements of `elementBytes` (4 or 8). */
export function gemm_work_bytes(elementBytes: i32): i32 {
  // The packed block of B, one register tile (MR × 2 vectors), and MR rows of A packed for micro4 (a vector per value).
  return KC * NC * elementBytes + MR * 32 + KC * MR * 16;
}
