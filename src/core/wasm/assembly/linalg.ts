// Dense linear algebra kernels for square matrices: float64, and the same
// algorithms in float32 arithmetic (every operation rounded to float32, no
// fused multiply-add), so the analysis can show what a float32 user gets.
//
// All matrices are row-major. Every pointer is a byte offset into the imported
// memory and every leading dimension is in elements. The kernels never
// allocate: scratch space comes from the caller as `work` (sizes below).
// src/core/linalg/ is the TypeScript side that lays the buffers out. One file per
// algorithm under linalg/; this module's exports are the list below.
//
// Float64 kernels use f64x2 SIMD, float32 kernels f32x4, through the generic
// v128 operations, so each algorithm is written once for both precisions.
//
// No static data either: AssemblyScript's Math functions bring lookup tables
// as data segments at low addresses, where the TypeScript side puts its
// buffers, so only builtins (sqrt, abs, min, max) and bit manipulation are
// used here. test/unit/linalg/kernelModules.test.ts checks the binary.

export { gemm_work_bytes } from './linalg/blocking';
export { gemm_f32, gemm_f64 } from './linalg/gemm';
export { transpose_f32, transpose_f64 } from './linalg/transpose';
export { lu_f32, lu_f64 } from './linalg/lu';
export { solve_rows_f32, solve_rows_f64, solve_rows_transposed_f32, solve_rows_transposed_f64 } from './linalg/luSolveRows';
export { bidiag_f64, bidiag_work_bytes } from './linalg/householderBidiagonal';
export {
  bidiag_extreme_singular_values_f64,
  bidiag_singular_values_f64,
  bidiag_sv_work_bytes,
} from './linalg/bidiagonalSingularValues';
export { add_bias_f32, add_bias_f64, leaky_f32, leaky_f64, nan_rows_f32, nan_rows_f64 } from './linalg/networkSteps';
export { zero_bytes } from './linalg/zeroBytes';
