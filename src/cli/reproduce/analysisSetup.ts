import { QUOTED_GENERATION } from '../../core/analysis/lightAnalysis';
import { lightAnalyzeCheckpoint } from '../../core/analysis/lightCheckpoint';
import type { AnalysisSetup, LightAnalyzer } from '../../core/reproduce/analyseRun';

/**
 * How `reproduce` and `report` analyse: every checkpoint by the light analysis,
 * measured the same way at every epoch (never taken from a full analysis,
 * whose generation score uses fewer samples), with the generation score at the
 * settings for a quoted figure (3 seeds of 1,000 samples); the full analyses
 * with the inspector's settings, so they share its cache.
 */
export function cliAnalysisSetup(): AnalysisSetup {
  const light: LightAnalyzer = async (checkpoint, hooks) => {
    const result = await lightAnalyzeCheckpoint(
      { checkpoint, options: QUOTED_GENERATION, useFullAnalysis: false },
      (p) => hooks.onProgress(p.fraction, p.message),
      hooks.signal,
    );
    return {
      point: result.point,
      dataDescription: result.point.dataDescription ?? '',
      fromCache: result.fromCache !== null,
    };
  };
  return { light };
}
