import type { Rng } from '../../random/rng';
import { flowInverse } from './flowInverse';
import type { FlowModel } from './flowModel';
import { drawPriorLatent } from './flowPrior';

export interface FlowSamples {
  /** count × n latents z ~ N(μ_a, T²·Σ_a), Σ_a = diag σ_a² (+ F_aᵀF_a for a low-rank prior). */
  readonly latents: Float64Array;
  /** count × n images f⁻¹(z) on the network's input scale ([0, 1] for a flow trained on dequantized pixels), unclipped. */
  readonly images: Float64Array;
}

/**
 * Class-conditional samples: for each requested label a, a latent drawn from
 * the prior at temperature T, z = μ_a + T·(σ_a ⊙ ε + F_aᵀη) (drawPriorLatent) from `rng`,
 * pushed through the exact float64 inverse. T = 1 samples the model; T < 1
 * trades variety for typicality. The same seed and labels give the same samples.
 *
 * @example
 *   const { images } = sampleFlow(model, [3, 3, 7], 0.7, createRng(5));  // three 784-pixel rows
 */
export function sampleFlow(model: FlowModel, labels: ArrayLike<number>, temperature: number, rng: Rng): FlowSamples {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`sampleFlow: temperature must be a finite number ≥ 0, got ${temperature}`);
  }
  const n = model.architecture.width;
  const count = labels.length;
  const classes = model.prior.kind === 'class' ? model.prior.classes : Infinity;
  const latents = new Float64Array(count * n);
  for (let r = 0; r < count; r++) {
    const a = labels[r];
    if (!(Number.isInteger(a) && a >= 0 && a < classes))
      throw new RangeError(`sampleFlow: labels[${r}] = ${a} is not a class of the prior`);
    drawPriorLatent(model.prior, a, temperature, rng, latents, r * n, n);
  }
  return { latents, images: flowInverse(model, latents, count) };
}
