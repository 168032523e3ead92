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
export type { FlowAnalysisInput, NetworkAnalysisInput, ReadyClassifier } from './analyzeNetwork';
export type { AnalysisOptions } from './options';
export {
  progressTracker,
  type AnalysisProgress,
  type AnalysisProgressListener,
  type AnalysisStage,
  type ProgressTracker,
  type Tick,
} from './progress';
export type { InvertibleNetwork, NetworkLayer } from './network';
export type { InverseStage } from './inverse';
export type { AnalysedLayer } from './layerSpectra';
export { RECOGNIZABLE_PSNR, RECOGNIZABLE_ACCURACY_SHARE } from '../../shared/thresholds';
export { checkpointRun, type AnalysisData, type CheckpointRun } from './checkpointData';
export type { CachedClassifier, ClassifierSource } from './classifier/classifierCache';
export { CLASSIFIER_SETTINGS, type ClassifierSettings, type DigitClassifier } from './classifier/digitClassifier';
export type { LayerFactors } from './layerFactors';
export { reconstruct, type Reconstruction } from './reconstructionReport';
export { generationReport, type GenerationInput } from './generationReport';
export type { DensityInput } from './densityReport';
export type { FlowOfCheckpoint } from './flowOfCheckpoint';
export { openCheckpoint, type OpenedCheckpoint } from './openCheckpoint';
export type { ClassifierFolders } from './defaultClassifier';
export { classifierDataFor, type ClassifierData } from './classifier/classifierData';
export * from './trajectoryTypes';
export type { LightAnalysisInput, LightAnalysisOptions, LightProgress, LightStage } from './lightAnalysis';
export {
  lightAnalyzeCheckpoint,
  type ClassifierIdentity,
  type LightCheckpointRequest,
  type LightCheckpointResult,
} from './lightCheckpoint';
export type {
  RunTrajectoryHooks,
  RunTrajectoryRequest,
  RunTrajectoryResult,
  TrajectoryPointEvent,
  TrajectoryProgress,
} from './runTrajectory';
