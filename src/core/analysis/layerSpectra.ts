import {
  linalgBatch,
  luDiagnosis,
  summarizeSpectrum,
  type LuDiagnosis,
  type LuFactors32,
  type LuFactors64,
} from '../linalg';
import { layerJob, type LayerFactors } from './layerFactors';
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
  const count = net.layers.length;
  await tick(0, `spectra and LU factors of ${count === 1 ? 'the layer' : `all ${count} layers`}`);
  // Every layer's three factorizations at once, shared among the kernel threads.
  const results = linalgBatch(
    net.layers.flatMap((layer) => [
      layerJob(net, layer, 'lu'),
      layerJob(net, layer, 'singularValues'),
      layerJob(net, layer, 'lu32'),
    ]),
  );
  const out = net.layers.map((layer, l): AnalysedLayer => {
    const s = summarizeSpectrum(
      layer.weight64,
      net.width,
      results[3 * l] as LuFactors64,
      results[3 * l + 1] as Float64Array,
    );
    const float32 = results[3 * l + 2] as LuFactors32;
    const diagnosis = { float64: s.diagnosis, float32: luDiagnosis(float32) };
    return {
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
    };
  });
  await tick(1);
  return out;
}
