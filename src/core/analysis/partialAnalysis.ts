import type { CheckpointAnalysis } from './types';

/**
 * What an analysis in progress already knows, sent as soon as it is known so
 * a view can show it while the rest is computed: first the layers' spectra
 * and κ (a fraction of the whole), then the reconstruction and the Jacobian
 * with its verdict. Never cached: only a whole analysis is.
 */
export type PartialAnalysis = Pick<CheckpointAnalysis, 'checkpointSha256' | 'architectureName' | 'epoch' | 'layers'> &
  Partial<Pick<CheckpointAnalysis, 'reconstruction' | 'jacobian'>>;

export type PartialAnalysisListener = (partial: PartialAnalysis) => void;
