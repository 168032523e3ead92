/**
 * The vocabulary shared by the calling thread and the helper threads of
 * kernelThreads: which kernel a call names, how calls and groups are laid out
 * in the shared memory, and the control block's slots.
 */

/** The kernels a call may name, as [module, export]; an index into this list is a call's function. */
export const KERNEL_FUNCTIONS = [
  ['f64', 'lu_f64'],
  ['f64', 'lu_f32'],
  ['f64', 'bidiag_f64'],
  ['f64', 'bidiag_singular_values_f64'],
  ['f64', 'solve_rows_f64'],
  ['f64', 'solve_rows_f32'],
  ['f64', 'gemm_f64'],
  ['f64', 'transpose_f64'],
  ['f64', 'transpose_f32'],
  ['f64', 'add_bias_f32'],
  ['f64', 'add_bias_f64'],
  ['f64', 'leaky_f32'],
  ['f64', 'leaky_f64'],
  ['f64', 'nan_rows_f32'],
  ['f64', 'nan_rows_f64'],
  ['f64', 'zero_bytes'],
  ['f32', 'sgemmPackB'],
  ['f32', 'sgemmPacked'],
  ['nearest', 'nearest_keys'],
] as const;

export type KernelName = (typeof KERNEL_FUNCTIONS)[number][1];
export type KernelModuleName = (typeof KERNEL_FUNCTIONS)[number][0];

export const KERNEL_INDEX: Readonly<Record<KernelName, number>> = Object.fromEntries(
  KERNEL_FUNCTIONS.map(([, name], i) => [name, i]),
) as Record<KernelName, number>;

/** An argument that stands for the work area of whichever thread runs the call. */
export const WORK = -(2 ** 52);

/** Float64 slots per call in the table: function, argument count, up to 14 arguments. */
export const CALL_STRIDE = 16;
export const MAX_ARGS = CALL_STRIDE - 2;

/** Int32 indices into the control block (each on its own cache line). */
export const CONTROL = {
  /** Bumped by the caller to start a dispatch. */
  generation: 0,
  /** Counts helpers that have finished a dispatch (cumulative). */
  done: 16,
  /** Next group to claim in the current dispatch. */
  claim: 32,
  /** STATE_* flags. */
  state: 48,
} as const;
export const CONTROL_BYTES = 1024;
export const STATE_STOP = 1;
export const STATE_FAILED = 2;

/** Float64 slots at byte 512 of the control block. */
export const SLOTS = {
  groupCount: 0,
  /** Byte offset of the group table (start, end call index per group), then the calls. */
  table: 1,
  /** Byte offset of thread t's work area at workAreas + t. */
  workAreas: 2,
} as const;
export const SLOT_BYTE_OFFSET = 512;
/** Threads the control block can describe (the calling thread and helpers). */
export const MAX_THREADS = 32;
