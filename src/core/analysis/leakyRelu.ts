import type { Precision } from './types';

/**
 * LeakyReLU in place: v < 0 becomes v·slope. In float32 the slope is the
 * float32 number nearest to it and every product is rounded, as PyTorch's
 * float32 LeakyReLU computes.
 *
 * @example
 *   leakyReluInPlace(Float64Array.of(-2, 3), 0.01, 'float64');  // [-0.02, 3]
 */
export function leakyReluInPlace(values: Float64Array | Float32Array, slope: number, precision: Precision): void {
  if (precision === 'float32') {
    const s = Math.fround(slope);
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = Math.fround(values[i] * s);
  } else {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] *= slope;
  }
}

/**
 * The inverse of LeakyReLU in place: v < 0 becomes v / slope (a factor of
 * 1/slope = 100 for the default slope, which is why every inverse LeakyReLU
 * can amplify an error a hundredfold). In float32 the quotient is rounded to
 * float32, by a float32 slope.
 *
 * @example
 *   inverseLeakyReluInPlace(Float64Array.of(-0.02, 3), 0.01, 'float64');  // [-2, 3]
 */
export function inverseLeakyReluInPlace(
  values: Float64Array | Float32Array,
  slope: number,
  precision: Precision,
): void {
  if (precision === 'float32') {
    const s = Math.fround(slope);
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = Math.fround(values[i] / s);
  } else {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] /= slope;
  }
}
