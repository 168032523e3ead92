// Float32 kernels of dense-layer training (the 'seed' objective). Every function works on byte offsets into the imported
// (shared) memory and keeps no state of its own, so one instance per worker thread can
// run on the same buffers; each caller passes a disjoint range and its own workspace.
//
// Matrices are row-major; leading dimensions (ld*) and ranges count elements, not bytes.
//
// One file per algorithm under dense/; this module's exports are the list below.

export { sgemmWorkspaceBytes } from './dense/sgemmLayout';
export { packARows, packATransposed } from './dense/sgemmPacking';
export { sgemm, sgemmPackB, sgemmPacked, tilePacked } from './dense/sgemm';
export { biasAddRows, biasGradRows, leakyRelu, leakyReluBackward } from './dense/rowKernels';
export { seedLoss } from './dense/seedLoss';
export { adam } from './dense/adam';
