import { compileKernelModule, instantiateKernelModule } from './kernelModule';

/**
 * The float32 training kernels (src/core/wasm/assembly/dense.ts) as typed functions.
 * Pointers are byte offsets into the shared memory; leading dimensions and ranges count
 * elements. Each thread instantiates the module once on the same memory.
 */
export type F32Kernels = {
  /**
   * C[i0:i1, j0:j1] = (or += with SGEMM.ACCUMULATE) op(A)·op(B); op(A)[i][p] = a[i*lda + p]
   * (a[p*lda + i] with TRANS_A), op(B)[p][j] = b[p*ldb + j] (b[j*ldb + p] with TRANS_B).
   * `work` must hold sgemmWorkspaceBytes(k, j1 - j0) bytes owned by the calling thread.
   */
  sgemm(
    flags: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    work: number,
  ): void;
  /** Packs op(B)'s columns j0..j1 into `work`, for sgemmPacked calls with the same j0..j1. */
  sgemmPackB(flags: number, k: number, b: number, ldb: number, j0: number, j1: number, work: number): void;
  /** Rows i0..i1 of sgemm, using the op(B) panels in `work`. */
  sgemmPacked(
    flags: number,
    k: number,
    a: number,
    lda: number,
    c: number,
    ldc: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    work: number,
  ): void;
  sgemmWorkspaceBytes(k: number, cols: number): number;
  /** x[r][j] += bias[r], rows r0..r1, columns 0..cols. */
  biasAddRows(x: number, ldx: number, r0: number, r1: number, cols: number, bias: number): void;
  /** grad[r] = Σ_j g[r][j], rows r0..r1, columns 0..cols. */
  biasGradRows(g: number, ldg: number, r0: number, r1: number, cols: number, grad: number): void;
  leakyRelu(x: number, ldx: number, r0: number, r1: number, cols: number, slope: number): void;
  /** g *= (y > 0 ? 1 : slope) where y is the activation's output. */
  leakyReluBackward(g: number, y: number, ld: number, r0: number, r1: number, cols: number, slope: number): void;
  /** Per-sample [nll, variance penalty] (f64 pairs) of a feature-major output, and optionally its gradient. */
  seedLoss(
    y: number,
    ldy: number,
    features: number,
    s0: number,
    s1: number,
    labels: number,
    nllConstant: number,
    parts: number,
    grad: number,
    scale: number,
  ): void;
  /** Adam over rows × cols; parameter and moments share leading dimension ld, the gradient has ldg. */
  adam(
    p: number,
    m: number,
    v: number,
    ld: number,
    g: number,
    ldg: number,
    rows: number,
    cols: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    stepSize: number,
    invBc2Sqrt: number,
    epsilon: number,
  ): void;
};

/** sgemm flag bits (must match dense/sgemmLayout.ts). */
export const SGEMM = { TRANS_A: 1, TRANS_B: 2, ACCUMULATE: 4 } as const;

export function compileF32Module(): WebAssembly.Module {
  return compileKernelModule('dense');
}

export function loadF32Kernels(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module = compileF32Module(),
): F32Kernels {
  return instantiateKernelModule<F32Kernels>(module, memory);
}
