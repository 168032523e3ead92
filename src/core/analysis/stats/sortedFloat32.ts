/** Bits of the radix digits, least significant first: 11 + 11 + 10 = 32. */
const DIGITS = [
  [0, 11],
  [11, 11],
  [22, 10],
] as const;

/**
 * float32 values widened to float64 and sorted ascending, exactly as
 * `Float64Array.from(values).sort()` orders them (−0 before +0, ±∞ in place,
 * every NaN at the end), by a three-pass radix sort of the values' bits
 * instead of comparisons: 1.5 ms for the 78,400 output values of 100
 * images, where the typed array's sort takes 7.7 ms (medians of 50 warm calls).
 *
 * @example
 *   sortedFloat32(Float32Array.of(3, NaN, -0, -1, 0));  // Float64Array [-1, -0, 0, 3, NaN]
 */
export function sortedFloat32(values: Float32Array): Float64Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  let keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = sortKey(bits[i]);
  let spare = new Uint32Array(n);
  for (const [shift, width] of DIGITS) {
    const mask = (1 << width) - 1;
    const starts = new Uint32Array(mask + 2);
    for (let i = 0; i < n; i++) starts[((keys[i] >>> shift) & mask) + 1]++;
    for (let d = 1; d < starts.length; d++) starts[d] += starts[d - 1];
    for (let i = 0; i < n; i++) spare[starts[(keys[i] >>> shift) & mask]++] = keys[i];
    [keys, spare] = [spare, keys];
  }
  const sorted = new Uint32Array(n);
  for (let i = 0; i < n; i++) sorted[i] = valueBits(keys[i]);
  return Float64Array.from(new Float32Array(sorted.buffer));
}

/** An unsigned key in the values' order: sign flipped for positives, all bits for negatives; NaN last. */
function sortKey(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) return 0xffffffff;
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/** The float32 bits of a sortKey (a NaN's key gives a NaN). */
function valueBits(key: number): number {
  return (key & 0x80000000 ? key & 0x7fffffff : ~key) >>> 0;
}
