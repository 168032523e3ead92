import { ADAM } from '../engine';

/** The command slots (Float64) both simd engines write before each pool run: the operation, the batch and Adam's step. */
export const STEP_SLOT = {
  op: 0,
  count: 1,
  stepSize: 2,
  invBc2Sqrt: 3,
  beta1: 4,
  oneMinusBeta1: 5,
  beta2: 6,
  oneMinusBeta2: 7,
  epsilon: 8,
} as const;

/** What the dense task runs. */
export const DENSE_OP = { train: 1, evaluate: 2 } as const;

export const DENSE_SLOT = { ...STEP_SLOT, nllConstant: 9 } as const;

/**
 * Adam's arguments for step t (1 for the first) at learning rate `rate`: stepSize =
 * rate / (1 − β1^t) and 1/√(1 − β2^t), with 1 − β rounded from double precision as
 * PyTorch does.
 */
export function writeAdamCommand(cmd: Float64Array, rate: number, t: number): void {
  cmd[STEP_SLOT.stepSize] = rate / (1 - ADAM.beta1 ** t);
  cmd[STEP_SLOT.invBc2Sqrt] = 1 / Math.sqrt(1 - ADAM.beta2 ** t);
  cmd[STEP_SLOT.beta1] = ADAM.beta1;
  cmd[STEP_SLOT.oneMinusBeta1] = 1 - ADAM.beta1;
  cmd[STEP_SLOT.beta2] = ADAM.beta2;
  cmd[STEP_SLOT.oneMinusBeta2] = 1 - ADAM.beta2;
  cmd[STEP_SLOT.epsilon] = ADAM.epsilon;
}

/** The kernels' Adam arguments in their order: β1, 1 − β1, β2, 1 − β2, stepSize, 1/√(1 − β2^t), ε. */
export function readAdamCommand(cmd: Float64Array): number[] {
  return [
    cmd[STEP_SLOT.beta1],
    cmd[STEP_SLOT.oneMinusBeta1],
    cmd[STEP_SLOT.beta2],
    cmd[STEP_SLOT.oneMinusBeta2],
    cmd[STEP_SLOT.stepSize],
    cmd[STEP_SLOT.invBc2Sqrt],
    cmd[STEP_SLOT.epsilon],
  ];
}
