/** The command slots (Float64) the simd engine writes before each pool run of the dense task. */
export const DENSE_OP = { train: 1, evaluate: 2 } as const;

export const DENSE_SLOT = {
  op: 0,
  count: 1,
  stepSize: 2,
  invBc2Sqrt: 3,
  beta1: 4,
  oneMinusBeta1: 5,
  beta2: 6,
  oneMinusBeta2: 7,
  epsilon: 8,
  nllConstant: 9,
} as const;
