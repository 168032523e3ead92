/** The two floating-point precisions every factorization and analysis is run in. */
export type Precision = 'float32' | 'float64';
