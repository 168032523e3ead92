import { resolve } from 'node:path';
import type { LoadedCheckpoint } from '../store/checkpoint';
import { readCheckpoint } from '../store/checkpoint';
import type { FlowPrior } from '../train/flow/flowPrior';
import { analysisData, checkpointRun, type AnalysisData, type CheckpointRun } from './checkpointData';
import { flowOfCheckpoint } from './flowOfCheckpoint';
import { factorLayers, type LayerFactors } from './layerFactors';
import { invertibleNetwork, type InvertibleNetwork } from './network';

/** A checkpoint ready to be inverted: its network, LU factors, run and data. */
export interface OpenedCheckpoint {
  readonly file: string;
  readonly checkpoint: LoadedCheckpoint;
  readonly run: CheckpointRun | null;
  readonly data: AnalysisData;
  readonly net: InvertibleNetwork;
  readonly factors: LayerFactors[];
  /** A flow's prior: what its generation samples (null: the paper's target N(2a, T²), as for the paper's loss). */
  readonly prior: FlowPrior | null;
  /** Why the prior could not be read, when it could not. */
  readonly warnings: readonly string[];
}

/**
 * Reads a checkpoint (without its optimizer state; with a flow's prior), finds its run and data,
 * and factors every layer: what reconstructing or generating needs, without
 * the spectra and the rest of a full analysis.
 *
 * @example
 *   const opened = await openCheckpoint('runs/r/checkpoints/epoch-0002.safetensors');
 *   invertRows(opened.net, opened.factors.map((f) => f.float64), z, count);
 */
export async function openCheckpoint(file: string): Promise<OpenedCheckpoint> {
  const path = resolve(file);
  const checkpoint = await readCheckpoint(path, { optimizer: 'skip' });
  const run = await checkpointRun(path);
  const data = await analysisData(run);
  const net = invertibleNetwork(checkpoint.architecture, checkpoint.params);
  const flow = flowOfCheckpoint(checkpoint, run);
  return {
    file: path,
    checkpoint,
    run,
    data,
    net,
    factors: factorLayers(net),
    prior: flow.kind === 'flow' ? flow.input.prior : null,
    warnings: flow.kind === 'unknown-prior' ? [flow.warning] : [],
  };
}
