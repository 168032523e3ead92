import { luDiagnosis, luFactor32, spectralSummary, type LuDiagnosis } from '../linalg';
import type { LayerFactors } from './layerFactors';
import type { InvertibleNetwork } from './network';
import type { Tick } from './progress';
import type { LayerSpectrum, Precision } from './types';

/** A layer's spectrum with the LU factors every later stage solves with. */
export interface AnalysedLayer {
  readonly spectrum: LayerSpectrum;
  readonly factors: LayerFactors;
  readonly diagnosis: Record<Precision, LuDiagnosis>;
}

/**
 * Per layer: all singular values, σmax, σmin, κ₂, log|det W|, ‖W‖_F and the
 * stable rank (float64, via spectralSummary), plus the float64 and float32 LU
 * factors and whether each can be solved with. The float32 factors come from
 * the stored float32 weights factored in float32 arithmetic, as a float32 user
 * would invert the layer.
 *
 * @example
 *   const layers = await analyseLayers(net, tick);
 *   layers[0].spectrum.cond;  // κ₂ of layer 1
 */
export async function analyseLayers(net: InvertibleNetwork, tick: Tick): Promise<AnalysedLayer[]> {
  const out: AnalysedLayer[] = [];
  const count = net.layers.length;
  for (const layer of net.layers) {
    await tick(layer.index / count, `spectrum of ${layer.name}, ${layer.index + 1} of ${count}`);
    const s = spectralSummary(layer.weight64, net.width, { name: layer.name });
    const float32 = luFactor32(layer.weight, net.width, { name: layer.name });
    const diagnosis = { float64: s.diagnosis, float32: luDiagnosis(float32) };
    out.push({
      spectrum: {
        index: layer.index,
        sequentialIndex: layer.sequentialIndex,
        sigmaMax: s.sigmaMax,
        sigmaMin: s.sigmaMin,
        cond: s.cond,
        logAbsDet: s.logAbsDet,
        frobenius: s.frobenius,
        stableRank: s.stableRank,
        singularValues: Array.from(s.singularValues),
        activation: layer.activation,
        solvable: { float64: diagnosis.float64.status, float32: diagnosis.float32.status },
      },
      factors: { float64: s.factors, float32 },
      diagnosis,
    });
  }
  await tick(1);
  return out;
}
