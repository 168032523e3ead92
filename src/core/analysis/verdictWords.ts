import type { JacobianReport } from './types';

/** The Jacobian verdict in words, for text that people read (the reason is in `verdictText`). */
export const VERDICT_WORDS: Readonly<Record<JacobianReport['verdict'], string>> = {
  invertible: 'invertible in float32',
  'float32-insufficient': 'float32 is not enough (float64 inverts it)',
  'non-invertible-float64': 'not invertible, even in float64',
};
