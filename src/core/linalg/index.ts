/**
 * Dense float64 (and float32-emulating) linear algebra for the analysis:
 * LU with partial pivoting, solves for batches of samples, log-determinants,
 * all singular values, the smallest singular triplet, matrix products. The
 * heavy kernels run in WebAssembly (src/core/wasm/assembly/linalg/) on the
 * calling thread, synchronously; spectralSummaries spreads several matrices
 * over worker threads.
 */
export { chainJacobian } from './chainJacobian';
export type { NumericArray } from './checks';
export { conditionNumber } from './conditionNumber';
export { luDiagnosis, type LuDiagnosis } from './luDiagnosis';
export { luFactor } from './luFactor';
export { luFactor32 } from './luFactor32';
export { solveRowsUnchecked } from './solveWithFactors';
export { UNIT_ROUNDOFF, type LuFactors, type LuFactors32, type LuFactors64, type LuOptions } from './luTypes';
export { matmul } from './matmul';
export { singularValues, type SingularValueOptions } from './singularValues';
export { smallestSingularTriplet, type SingularTriplet, type SmallestTripletOptions } from './smallestSingularTriplet';
export type { SpectralJob, SpectralSummariesOptions } from './spectralSummaries';
export { summarizeSpectrum, type SpectralSummary } from './spectralSummary';
export { linalgBatch, type LinalgJob, type LinalgResult } from './linalgBatch';
export { vectorNorm } from './vectorNorm';
