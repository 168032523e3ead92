// The float32 matrix product's flags, register tile and workspace layout.

// sgemm flags
export const TRANS_A: i32 = 1;
export const TRANS_B: i32 = 2;
export const ACCUMULATE: i32 = 4;

// The register tile: 5 rows of A (splat-loaded) times 8 columns of B (two f32x4). Ten
// accumulators, two B vectors and one splat fit V8's 15 allocatable xmm registers; a 6×8
// tile spills and a 4×8 tile ran about 10% slower here.
export const MR: i32 = 5;
export const NR: i32 = 8;

@inline function align64(bytes: usize): usize {
  return (bytes + 63) & ~(63 as usize);
}

@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// An sgemm workspace: a scratch tile for ragged edges, then the packed rows of op(A) (one
// 5-row tile), then the packed op(B) panels.
const SCRATCH_BYTES: usize = 256;

@inline export function packedAOf(work: usize): usize {
  return work + SCRATCH_BYTES;
}

@inline export function packedBOf(work: usize, k: i32): usize {
  return work + SCRATCH_BYTES + align64((MR * k * 4) as usize);
}

/** Bytes of workspace one sgemm call needs for inner dimension k and `cols` output columns. */
export function sgemmWorkspaceBytes(k: i32, cols: i32): i32 {
  const panels = (cols + NR - 1) / NR;
  return (packedBOf(0, max(k, 0)) as i32) + panels * max(k, 0) * NR * 4;
}
