/**
 * The vocabulary shared by the calling thread and the helper threads of
 * kernelThreads: which kernel a call names, how calls and groups are laid out
 * in the shared memory, and the control block's slots.
 */

/** The kernels a call may name, as [module, export]; an index into this list is a call's function. */
export const KERNEL_FUNCTIONS = [
  ['linalg', 'lu_f64'],
  ['linalg', 'lu_f32'],
  ['linalg', 'bidiag_f64'],
  ['linalg', 'bidiag_singular_values_f64'],
  ['linalg', 'bidiag_extreme_singular_values_f64'],
  ['linalg', 'solve_rows_f64'],
  ['linalg', 'solve_rows_f32'],
  ['linalg', 'gemm_f64'],
  ['linalg', 'transpose_f64'],
  ['linalg', 'transpose_f32'],
  ['linalg', 'add_bias_f32'],
  ['linalg', 'add_bias_f64'],
  ['linalg', 'leaky_f32'],
  ['linalg', 'leaky_f64'],
  ['linalg', 'nan_rows_f32'],
  ['linalg', 'nan_rows_f64'],
  ['linalg', 'zero_bytes'],
  ['dense', 'sgemmPackB'],
  ['dense', 'sgemmPacked'],
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

/**
 * The control block. A dispatch is published as one 64-bit claim word (its
 * sequence number, group count and next group), so a thread claims a group
 * with one compare-and-swap that fails if the dispatch changed under it: a
 * helper that wakes late can never run a group of a dispatch that is over.
 */
export const CONTROL = {
  /** Int32 index (byte 0): bumped by the caller to wake the helpers. */
  generation: 0,
  /** Int32 index (byte 64): groups of the current dispatch finished. */
  finished: 16,
  /** Int32 index (byte 128): STATE_* flags. */
  state: 32,
  /** BigInt64 index (byte 192): the claim word. */
  claim: 24,
  /** Int32 index (byte 256): groups of the background dispatch finished. */
  backgroundFinished: 64,
  /** BigInt64 index (byte 320): the background dispatch's claim word. */
  backgroundClaim: 40,
} as const;
export const CONTROL_BYTES = 1024;
export const STATE_STOP = 1;
export const STATE_FAILED = 2;
/** A group of the background dispatch failed. */
export const STATE_BACKGROUND_FAILED = 4;
/**
 * The background dispatch yields to ordinary ones: a helper takes one of its
 * groups at a time, and only when the current dispatch has none left.
 */
export const STATE_BACKGROUND_YIELDS = 8;

const SEQUENCE_BITS = 20n;
const COUNT_BITS = 22n;
const INDEX_BITS = 22n;
/** Groups one dispatch may hold. */
export const MAX_GROUPS = 2 ** Number(COUNT_BITS) - 1;

/** The claim word of dispatch `sequence` with `count` groups, `next` of them claimed. */
export function claimWord(sequence: number, count: number, next: number): bigint {
  return (
    ((BigInt(sequence) & ((1n << SEQUENCE_BITS) - 1n)) << (COUNT_BITS + INDEX_BITS)) |
    (BigInt(count) << INDEX_BITS) |
    BigInt(next)
  );
}

/** The parts of a claim word. */
export function claimParts(word: bigint): { sequence: number; count: number; next: number } {
  return {
    sequence: Number(word >> (COUNT_BITS + INDEX_BITS)),
    count: Number((word >> INDEX_BITS) & ((1n << COUNT_BITS) - 1n)),
    next: Number(word & ((1n << INDEX_BITS) - 1n)),
  };
}

/** Threads the control block can describe (the calling thread and helpers). */
export const MAX_THREADS = 32;

/** Float64 slots at byte 512 of the control block. */
export const SLOTS = {
  /** Byte offset of dispatch s's table (start, end call index per group, then the calls) at table + s % 2. */
  table: 0,
  /** Byte offset of thread t's work area at workAreas + t. */
  workAreas: 2,
  /** Byte offset of the background dispatch's table (laid out as a dispatch's). */
  backgroundTable: 2 + MAX_THREADS,
} as const;
export const SLOT_BYTE_OFFSET = 512;
