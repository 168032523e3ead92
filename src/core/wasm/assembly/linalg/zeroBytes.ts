// Clearing a work area.

/** Clears `bytes` bytes at `at` (a work area some kernels expect zeroed). */
export function zero_bytes(at: usize, bytes: i32): void {
  memory.fill(at, 0, <usize>bytes);
}
