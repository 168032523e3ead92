import { formatNumber, formatPercent } from '../../shared/formatNumber';
import { moments } from './stats/moments';

/**
 * A sample accuracy as it may be quoted: with the number of samples it rests
 * on and, over several seeds, the mean ± the sample standard deviation of
 * the seeds' accuracies (in percentage points, two significant digits).
 *
 * @example
 *   quoteAccuracy(0.098, [0.098], 1000);                 // '9.8% (1000 samples)'
 *   quoteAccuracy(0.099, [0.093, 0.099, 0.105], 1000);   // '9.9% ± 0.6 pt (mean ± sd over 3 seeds × 1000 samples)'
 */
export function quoteAccuracy(
  accuracy: number,
  seedAccuracies: readonly number[] | undefined,
  samplesPerSeed: number,
): string {
  const seeds = seedAccuracies ?? [accuracy];
  if (seeds.length < 2) return `${formatPercent(accuracy)} (${samplesPerSeed} samples)`;
  return `${formatPercent(accuracy)} ± ${formatNumber(100 * moments(seeds).std, { digits: 2 })} pt (mean ± sd over ${seeds.length} seeds × ${samplesPerSeed} samples)`;
}
