import type { TrainConfig } from '../core/train/config';

/**
 * The flow settings of a configuration in one line, e.g. "paper prior, analytic
 * init (3 kink layers, ridge 0.1), warm-up 200, cosine decay, τ 0.1,
 * dequantized": what every number of the run was produced with.
 */
export function describeFlowOptions(config: Pick<TrainConfig, 'flow' | 'dequantize'>): string {
  const f = config.flow;
  if (!f) return config.dequantize ? 'dequantized' : '';
  const init =
    f.init === 'default'
      ? "PyTorch's default init"
      : `${f.init === 'analytic' ? 'analytic' : 'Gaussianizing'} init (${f.kinkLayers} kink layer${f.kinkLayers === 1 ? '' : 's'}, ridge ${f.ridge}${f.pixelPseudoCount !== undefined ? `, pixel pseudo-count ${f.pixelPseudoCount}` : ''}${f.denseAfterWhitening ? ', dense layers after the whitening' : ''})`;
  return [
    `${f.prior} prior${f.priorRank ? ` (rank ${f.priorRank} + diagonal)` : ''}${f.fullPrior ? ` (full covariance per class, ${f.fullPrior.draws} draws, shrinkage ${f.fullPrior.shrinkage})` : ''}`,
    init,
    f.warmupSteps > 0 ? `warm-up ${f.warmupSteps}` : 'no warm-up',
    f.cosineDecay ? 'cosine decay' : 'constant rate',
    `τ ${f.boundarySurrogate}`,
    config.dequantize ? 'dequantized' : 'not dequantized',
  ].join(', ');
}
