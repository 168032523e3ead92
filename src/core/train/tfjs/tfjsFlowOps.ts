import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Tfjs } from './loadTfjs';

/**
 * The flow's tfjs building blocks with hand-written gradients:
 * - matMul whose gradients use explicitly transposed operands: autodiff's
 *   matMul gradients set transposeA/transposeB, which the WebAssembly backend
 *   runs about ten times slower than a transpose followed by a plain product;
 * - a column permutation whose gradient is the inverse permutation (the
 *   gather gradient needs UnsortedSegmentSum, which the WebAssembly backend lacks);
 * - the count of negative pre-activations per row, exact in value, with the
 *   boundary surrogate −(1/τ)·σ'(−a/τ) as its gradient (zero when τ = 0).
 */
export interface FlowOps {
  matMul(a: Tensor2D, b: Tensor2D): Tensor2D;
  permuteColumns(h: Tensor2D, perm: Tensor1D, inverse: Tensor1D): Tensor2D;
  negativeCount(a: Tensor2D, tau: number): Tensor1D;
}

type Save = (tensors: Tensor[]) => void;

export function createFlowOps(tf: Tfjs): FlowOps {
  const matMul = tf.customGrad((a, b, save) => {
    (save as Save)([a as Tensor, b as Tensor]);
    return {
      value: tf.matMul(a as Tensor2D, b as Tensor2D),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [
        tf.matMul(dy, tf.transpose(saved[1] as Tensor2D)),
        tf.matMul(tf.transpose(saved[0] as Tensor2D), dy),
      ],
    };
  }) as unknown as (a: Tensor2D, b: Tensor2D) => Tensor2D;

  const permuteWith = (perm: Tensor1D, inverse: Tensor1D) =>
    tf.customGrad((h, save) => {
      (save as Save)([]);
      return {
        value: tf.gather(h as Tensor2D, perm, 1),
        gradFunc: (dy: Tensor) => [tf.gather(dy as Tensor2D, inverse, 1)],
      };
    }) as unknown as (h: Tensor2D) => Tensor2D;

  const countWith = (tau: number) =>
    tf.customGrad((a, save) => {
      (save as Save)([a as Tensor]);
      return {
        value: tf.sum(tf.cast(tf.less(a as Tensor, 0), 'float32'), 1),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const pre = saved[0] as Tensor2D;
          if (tau === 0) return [tf.zerosLike(pre)];
          const s = tf.sigmoid(tf.div(tf.neg(pre), tau));
          const slope = tf.mul(tf.mul(s, tf.sub(1, s)), -1 / tau);
          return [tf.mul(slope, tf.reshape(dy, [-1, 1]))];
        },
      };
    }) as unknown as (a: Tensor2D) => Tensor1D;

  return {
    matMul,
    permuteColumns: (h, perm, inverse) => permuteWith(perm, inverse)(h),
    negativeCount: (a, tau) => countWith(tau)(a),
  };
}
