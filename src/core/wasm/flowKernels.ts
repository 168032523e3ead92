import type { F32Kernels } from './f32Kernels';
import { compileKernelModule, instantiateKernelModule } from './kernelModule';

/**
 * The float32 kernels of LU-flow training (src/core/wasm/assembly/flow.ts) as typed
 * functions. Pointers are byte offsets into the shared memory; counts are elements.
 * Activations are in the panel layout: ceil(batch/8) panels of n rows × 8 floats.
 */
export type FlowKernels = Pick<F32Kernels, 'adam'> & {
  /** Bytes of an item's workspace for inner dimension k (a 5-row tile of the left operand). */
  flowWorkspaceBytes(k: number): number;
  /** e^x by the kernels' own arithmetic (no tables). */
  expf(x: number): number;
  /** out[i] = e^{±x[i]} for i in [from, to). */
  expInto(x: number, out: number, from: number, to: number, negate: boolean): void;
  /** Panels p0..p1 of x from batch-major images ([count][n]); lanes past count are zero. */
  toPanels(images: number, n: number, count: number, p0: number, p1: number, x: number): void;
  /** Rows i0..i1 of V = U·H; stores u_ii = sign_i·e^{s_i} of those rows in diag first. */
  luForwardU(
    packed: number,
    sign: number,
    n: number,
    diag: number,
    i0: number,
    i1: number,
    h: number,
    v: number,
    panels: number,
    work: number,
  ): void;
  /** Rows i0..i1 of L·V moved to pre-activation rows inverse[i] with their bias, and y = LeakyReLU(a) when y ≠ a. */
  luForwardL(
    packed: number,
    n: number,
    i0: number,
    i1: number,
    v: number,
    panels: number,
    inverse: number,
    bias: number,
    a: number,
    y: number,
    slope: number,
    work: number,
  ): void;
  /** Rows i0..i1 of dV = Lᵀ·dW. */
  luBackwardL(
    packed: number,
    n: number,
    i0: number,
    i1: number,
    dw: number,
    dv: number,
    panels: number,
    work: number,
  ): void;
  /** Rows j0..j1 of dH = Uᵀ·dV, through the previous layer's activation (slope 0: none) into its LU-output gradient rows perm[j]. */
  luBackwardU(
    packed: number,
    n: number,
    diag: number,
    j0: number,
    j1: number,
    dv: number,
    panels: number,
    count: number,
    aPrev: number,
    permPrev: number,
    dwPrev: number,
    slope: number,
    coef: number,
    invTau: number,
    work: number,
  ): void;
  /** Panel p's per-sample [latent, weighted negative count] (f64 pairs) and, with dwLast ≠ 0, the gradient into the last layer. */
  flowLoss(
    p: number,
    z: number,
    n: number,
    count: number,
    labels: number,
    classes: number,
    mean: number,
    logStd: number,
    invStd: number,
    nllConstant: number,
    acts: number,
    actCount: number,
    parts: number,
    dwLast: number,
    aLast: number,
    permLast: number,
    lastSlope: number,
    coef: number,
    invTau: number,
  ): void;
  /** Feature panels c0..c1 of Xᵀ (count samples) for the gradient products. */
  packSampleColumns(src: number, n: number, count: number, c0: number, c1: number, dst: number): void;
  /** L's gradient for rows i0..i1 and Adam on those entries. */
  luGradL(
    packed: number,
    m: number,
    v: number,
    n: number,
    i0: number,
    i1: number,
    dw: number,
    columns: number,
    count: number,
    chunk: number,
    ldc: number,
    work: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    stepSize: number,
    invBc2Sqrt: number,
    epsilon: number,
  ): void;
  /** U's and ln|u_ii|'s gradients for rows i0..i1 and Adam on those entries. */
  luGradU(
    packed: number,
    m: number,
    v: number,
    n: number,
    diag: number,
    i0: number,
    i1: number,
    dv: number,
    columns: number,
    count: number,
    chunk: number,
    ldc: number,
    work: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    stepSize: number,
    invBc2Sqrt: number,
    epsilon: number,
  ): void;
  /** db_i = Σ_s dW[perm[i]][s] for rows i0..i1, into grad[0 .. i1 − i0). */
  biasGradPanels(dw: number, n: number, panels: number, perm: number, i0: number, i1: number, grad: number): void;
  /** A learned prior's gradient for features j0..j1, classes × (j1 − j0) each. */
  priorGrad(
    z: number,
    n: number,
    count: number,
    labels: number,
    classes: number,
    mean: number,
    invStd: number,
    j0: number,
    j1: number,
    gMean: number,
    gLogStd: number,
  ): void;
};

export function compileFlowModule(): WebAssembly.Module {
  return compileKernelModule('flow');
}

export function loadFlowKernels(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module = compileFlowModule(),
): FlowKernels {
  return instantiateKernelModule<FlowKernels>(module, memory);
}
