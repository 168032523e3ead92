/**
 * The analysis engine: why an inverted network does or does not reconstruct
 * and generate digits. analyzeCheckpoint is the entry point (cached next to
 * the checkpoint); analyzeNetwork computes the same for parameters in memory.
 * Everything here is synchronous number crunching between awaited progress
 * ticks; run it in the analysis process (src/backend/analysisClient.ts) from
 * anything with a UI.
 */
export * from './types';
export type { PartialAnalysis, PartialAnalysisListener } from './partialAnalysis';
export {
  analyzeCheckpoint,
  readAnyCachedAnalysis,
  readCachedAnalysis,
  type AnalyzeHooks,
  type AnalyzeRequest,
  type AnalyzeResult,
} from './analyzeCheckpoint';
export {
  analyzeNetwork,
  type FlowAnalysisInput,
  type NetworkAnalysisInput,
  type ReadyClassifier,
} from './analyzeNetwork';
export { analysisCachePath, ANALYSIS_FORMAT_VERSION } from './analysisCache';
export { parseAnalysis } from './analysisJson';
export { encodeJson } from '../../shared/jsonNumbers';
export { BROKEN_MAE } from '../../shared/thresholds';
export {
  DEFAULT_ANALYSIS_OPTIONS,
  DEFAULT_NOISE_LEVELS,
  resolveAnalysisOptions,
  type AnalysisOptions,
} from './options';
export {
  progressTracker,
  type AnalysisProgress,
  type AnalysisProgressListener,
  type AnalysisStage,
  type ProgressTracker,
  type Tick,
} from './progress';
export { invertibleNetwork, type InvertibleNetwork, type NetworkLayer } from './network';
export { forwardRows } from './forward';
export { invertRows, inverseStages, type InverseStage } from './inverse';
export { analyseLayers, type AnalysedLayer } from './layerSpectra';
export { RECOGNIZABLE_PSNR, RECOGNIZABLE_ACCURACY_SHARE } from '../../shared/thresholds';
export { BROKEN_SHARE_LIMIT } from './jacobianReport';
export { checkpointRun, analysisData, type AnalysisData, type CheckpointRun } from './checkpointData';
export { loadOrTrainClassifier, type CachedClassifier, type ClassifierSource } from './classifier/classifierCache';
export {
  CLASSIFIER_SETTINGS,
  predictDigits,
  classifierAccuracy,
  trainDigitClassifier,
  type ClassifierSettings,
  type DigitClassifier,
} from './classifier/digitClassifier';
export { factorLayers, type LayerFactors } from './layerFactors';
export { reconstruct, type Reconstruction } from './reconstructionReport';
export { generationReport, type GenerationInput } from './generationReport';
export { densityReport, type DensityInput } from './densityReport';
export { flowOfCheckpoint, type FlowOfCheckpoint } from './flowOfCheckpoint';
export { openCheckpoint, type OpenedCheckpoint } from './openCheckpoint';
export { CLASSIFIER_DATA } from './classifier/classifierCache';
export { classifierFolders, defaultClassifier, type ClassifierFolders } from './defaultClassifier';
export { classifierDataFor, DEFAULT_CLASSIFIER_DATA, type ClassifierData } from './classifier/classifierData';
export { displayedPixels } from './displayedPixels';
export * from './trajectoryTypes';
export {
  lightAnalysis,
  DEFAULT_LIGHT_OPTIONS,
  QUOTED_GENERATION,
  type LightAnalysisInput,
  type LightAnalysisOptions,
  type LightProgress,
  type LightStage,
} from './lightAnalysis';
export {
  lightAnalyzeCheckpoint,
  readAnyCachedPoint,
  readCachedPoint,
  resolveLightOptions,
  pointCachePath,
  DEFAULT_CLASSIFIER,
  type ClassifierIdentity,
  type LightCheckpointRequest,
  type LightCheckpointResult,
} from './lightCheckpoint';
export {
  runTrajectory,
  type RunTrajectoryHooks,
  type RunTrajectoryRequest,
  type RunTrajectoryResult,
  type TrajectoryPointEvent,
  type TrajectoryProgress,
} from './runTrajectory';
export { pointFromAnalysis } from './pointFromAnalysis';
export { parseTrajectoryPoint } from './trajectoryJson';
export { conditionFigure, describeCondition, FLOAT64_RESOLVABLE_COND } from './jacobianCondition';
