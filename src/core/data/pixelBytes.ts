/** byte → byte / 255 as float32, looked up rather than divided per pixel. */
const UNIT_FLOATS = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * Converts 8-bit pixel intensities to float32 values in [0, 1] (byte / 255,
 * rounded once to float32), the scale every Invertscope dataset uses.
 *
 * @example
 *   unitFloatsFromBytes(Uint8Array.of(0, 51, 255)); // Float32Array [0, 0.2, 1]
 */
export function unitFloatsFromBytes(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = UNIT_FLOATS[bytes[i]];
  return out;
}
