import type { Dataset } from '../data/dataset';
import { matmul } from '../linalg';
import { multiplyColumns } from '../linalg/diagonalColumns';
import { bitsPerDim } from '../train/flow/bitsPerDim';
import { dequantizeInto, evaluationNoise } from '../train/flow/dequantize';
import { flowLatentNll, leakyReluNegLogDet } from '../train/flow/flowLoss';
import type { FlowPrior } from '../train/flow/flowPrior';
import type { InvertibleNetwork } from './network';
import type { Tick } from './progress';
import type { DensityReport } from './types';

export interface DensityInput {
  readonly net: InvertibleNetwork;
  /** log|det W| of each layer (natural log), from the spectra. */
  readonly logAbsDets: readonly number[];
  readonly prior: FlowPrior;
  readonly test: Dataset;
  /** The run's seed and batch size: the test images are dequantized batch by batch as the trainer evaluated them. */
  readonly seed: number;
  readonly batchSize: number;
}

/**
 * The flow's exact negative log-likelihood of the whole test split, in
 * float64 from the checkpoint's dense layers: each test batch dequantized
 * with evaluationNoise (the noise the trainer's test loss used, so the two
 * agree up to float32 against float64 arithmetic), then per image the latent
 * term under the prior plus −Σ log|det W_l| − ln α per negative
 * pre-activation. Bits/dim as bitsPerDim defines them.
 *
 * @example
 *   const density = await densityReport({ net, logAbsDets, prior, test, seed: 0, batchSize: 128 }, tick);
 *   density.testBitsPerDim;  // e.g. 6.88
 */
export async function densityReport(input: DensityInput, tick: Tick): Promise<DensityReport> {
  const { net, test, prior } = input;
  const n = net.width;
  const batch = Math.max(1, input.batchSize);
  const logDetSum = input.logAbsDets.reduce((a, b) => a + b, 0);
  let latent = 0;
  let negLogDet = 0;
  const x = new Float32Array(batch * n);
  for (let start = 0; start < test.count; start += batch) {
    await tick(
      start / test.count,
      `the test split's likelihood, images ${start + 1}–${Math.min(test.count, start + batch)} of ${test.count}`,
    );
    const count = Math.min(batch, test.count - start);
    const images = test.images.subarray(start * n, (start + count) * n);
    const labels = test.labels.subarray(start, start + count);
    dequantizeInto(images, count, n, evaluationNoise(input.seed, images, labels, count, n), x);
    const negatives = new Float64Array(count);
    let h: Float64Array = Float64Array.from(x.subarray(0, count * n));
    for (const layer of net.layers) {
      const diagonal = layer.diagonal;
      h = diagonal ? multiplyColumns(h, diagonal) : matmul(h, layer.weightT64, count, n, n);
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < n; j++) {
          const k = r * n + j;
          h[k] += layer.bias[j];
          // A pre-activation of exactly 0 takes slope 1, as LeakyReLU does.
          if (layer.activation && h[k] < 0) {
            negatives[r] += 1;
            h[k] *= net.slope;
          }
        }
      }
    }
    for (let r = 0; r < count; r++) {
      latent += flowLatentNll(h, labels[r], prior, r * n, n);
      negLogDet += leakyReluNegLogDet(net.slope, negatives[r]) - logDetSum;
    }
  }
  await tick(1);
  const count = Math.max(1, test.count);
  const nll = (latent + negLogDet) / count;
  return {
    prior: prior.kind,
    imageCount: test.count,
    nll,
    latentNll: latent / count,
    negLogDet: negLogDet / count,
    testBitsPerDim: bitsPerDim(nll, n),
    description: `all ${test.count} test images, dequantized as the trainer evaluates them (seed ${input.seed}, batches of ${batch})`,
  };
}

/**
 * densityReport of a flow checkpoint (its prior and dequantization in
 * `flow`), with log|det W| from its analysed layers; null when `flow` is
 * absent (the paper's loss, or a flow whose prior is unknown).
 *
 * @example
 *   const density = await flowDensity(net, layers.map((l) => l.spectrum.logAbsDet), split.test, input.flow, tick);
 */
export async function flowDensity(
  net: InvertibleNetwork,
  logAbsDets: readonly number[],
  test: Dataset,
  flow: { readonly prior: FlowPrior; readonly seed: number; readonly batchSize: number } | null | undefined,
  tick: Tick,
): Promise<DensityReport | null> {
  return flow
    ? densityReport({ net, logAbsDets, prior: flow.prior, test, seed: flow.seed, batchSize: flow.batchSize }, tick)
    : null;
}
