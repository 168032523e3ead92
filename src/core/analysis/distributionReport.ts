import type { Dataset } from '../data/dataset';
import { targetMean } from '../train/seedLoss';
import type { Tick } from './progress';
import { kernelDensitySorted } from './stats/kernelDensity';
import { ksStatisticSorted } from './stats/ksStatistic';
import { moments } from './stats/moments';
import { normalCdf } from './stats/normalCdf';
import { sortedFloat32 } from './stats/sortedFloat32';
import type { DistributionReport } from './types';

/** Points of each class's density curve. */
const DENSITY_POINTS = 128;

/**
 * How the network's outputs are distributed, per class, against the target
 * N(2a, 1) the loss asks every output value of a class-a image to follow
 * (the paper's Figs. 11–13): all output values of the class's images pooled,
 * their mean, standard deviation, skewness, the Kolmogorov–Smirnov statistic
 * against N(2a, 1), and a density curve.
 *
 * @example
 *   const report = await distributionReport(test, embeddings, 784, tick);
 *   report.perClass[3].ks;  // 0 would be a perfect match with N(6, 1)
 */
export async function distributionReport(
  images: Dataset,
  embeddings: ArrayLike<number>,
  n: number,
  tick: Tick,
): Promise<DistributionReport> {
  const byClass: number[][] = Array.from({ length: images.classes }, () => []);
  for (let i = 0; i < images.count; i++) byClass[images.labels[i]].push(i);
  const perClass: DistributionReport['perClass'][number][] = [];
  for (let label = 0; label < byClass.length; label++) {
    const rows = byClass[label];
    if (rows.length === 0) continue;
    await tick(label / byClass.length, `output distribution of class ${label}`);
    // Float32 outputs (every network's) are gathered as they are and sorted by their bits.
    const values =
      embeddings instanceof Float32Array ? new Float32Array(rows.length * n) : new Float64Array(rows.length * n);
    rows.forEach((r, k) => {
      for (let j = 0; j < n; j++) values[k * n + j] = embeddings[r * n + j];
    });
    const m = moments(values);
    const mu = targetMean(label);
    // One sort serves both the KS statistic and the density.
    const sorted = values instanceof Float32Array ? sortedFloat32(values) : values.slice().sort();
    perClass.push({
      label,
      count: rows.length,
      mean: m.mean,
      std: m.std,
      skew: m.skew,
      ks: ksStatisticSorted(sorted, (x) => normalCdf(x, mu, 1)),
      density: kernelDensitySorted(sorted, DENSITY_POINTS),
    });
  }
  await tick(1);
  return { perClass };
}
