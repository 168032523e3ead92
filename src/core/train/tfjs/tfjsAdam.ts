import type { Tensor, Variable } from '@tensorflow/tfjs';
import { ADAM } from '../engine';
import type { Tfjs } from './loadTfjs';

/**
 * One step of PyTorch's Adam (torch.optim.adam, single-tensor path) on tfjs
 * variables, operation for operation, for both tfjs engines; `step` is the
 * step number after this update (1 for the first).
 */
export function applyAdam(
  tf: Tfjs,
  params: readonly Variable[],
  grads: readonly Tensor[],
  first: readonly Variable[],
  second: readonly Variable[],
  step: number,
  learningRate: number,
): void {
  const { beta1, beta2, epsilon } = ADAM;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const stepSize = learningRate / correction1;
  params.forEach((p, i) => {
    const g = grads[i];
    const m = first[i];
    const v = second[i];
    m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
    v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), epsilon);
    p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
  });
}
