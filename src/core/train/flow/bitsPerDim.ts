/**
 * Bits per dimension of a density model of 8-bit images, from its negative
 * log-likelihood in nats of the dequantized image x' = (k + u)/256 on [0, 1]^d:
 *
 *   bits/dim = NLL(x') / (d·ln 2) + 8
 *
 * The + 8 is log₂ 256: the same image measured on the pixel scale [0, 256]^d
 * has density 256^−d times that on [0, 1]^d. A uniform density on [0, 1]^d has
 * NLL 0 and so scores exactly 8 (UNIFORM_BITS_PER_DIM); anything that has
 * learned about the images scores less.
 *
 * Every Jacobian between x' and the network's input counts. The flow trains on
 * x' itself (inputScale 1); a network fed s·x' + c reports NLL in its input's
 * units, NLL(x') = NLL(input) − d·ln s, which `inputScale` = s applies.
 *
 * @example
 *   bitsPerDim(0);                          // 8: the uniform density
 *   bitsPerDim(-784 * Math.log(2));         // 7: density 2 per pixel, e.g. uniform on [0, ½]^784
 *   bitsPerDim(784 * Math.log(256), 784, 256); // 8: uniform on [0, 256]^784, measured in pixel units
 */
export const UNIFORM_BITS_PER_DIM = 8;

export function bitsPerDim(nllNats: number, dims = 784, inputScale = 1): number {
  if (!(inputScale > 0)) throw new RangeError(`bitsPerDim: inputScale must be positive, got ${inputScale}`);
  if (!Number.isInteger(dims) || dims < 1)
    throw new RangeError(`bitsPerDim: dims must be a positive integer, got ${dims}`);
  const nllUnitCube = nllNats - dims * Math.log(inputScale);
  return nllUnitCube / (dims * Math.LN2) + UNIFORM_BITS_PER_DIM;
}
