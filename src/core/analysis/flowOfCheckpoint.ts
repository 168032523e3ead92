import type { LoadedCheckpoint } from '../store/checkpoint';
import { FLOW_RECIPE } from '../train/flowPresets';
import type { FlowAnalysisInput } from './analyzeNetwork';
import type { CheckpointRun } from './checkpointData';

/** What the analysis needs to treat a checkpoint as a flow, or why it cannot. */
export type FlowOfCheckpoint =
  | { readonly kind: 'seed' }
  | { readonly kind: 'flow'; readonly input: FlowAnalysisInput }
  | { readonly kind: 'unknown-prior'; readonly warning: string };

/**
 * A flow checkpoint's prior (from its flow sidecar; the paper's target needs
 * no sidecar when the run says so) and how its test images were dequantized
 * (the run's seed and batch size; without a run, the checkpoint's seed and
 * the flow recipe's batch). A learned prior whose sidecar is gone cannot be
 * recovered from the dense weights: then the analysis says so and measures
 * no density.
 *
 * @example
 *   const flow = flowOfCheckpoint(await readCheckpoint(file, { optimizer: 'skip' }), await checkpointRun(file));
 */
export function flowOfCheckpoint(checkpoint: LoadedCheckpoint, run: CheckpointRun | null): FlowOfCheckpoint {
  if (checkpoint.training.objective !== 'flow') return { kind: 'seed' };
  const config = run?.record.config;
  const seed = config?.seed ?? checkpoint.training.seed;
  const batchSize = config?.batchSize ?? FLOW_RECIPE.batchSize;
  if (checkpoint.flow) return { kind: 'flow', input: { prior: checkpoint.flow.prior, seed, batchSize } };
  if (config?.flow?.prior === 'paper') return { kind: 'flow', input: { prior: { kind: 'paper' }, seed, batchSize } };
  return {
    kind: 'unknown-prior',
    warning:
      "this flow checkpoint has no flow sidecar (<name>.flow.safetensors) and its run does not say it used the paper's prior: " +
      "its prior is unknown, so no test bits/dim is computed and generation samples the paper's target N(2a, T²)",
  };
}
