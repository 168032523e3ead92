import { isInvertscopeError } from '../errors';
import type { Architecture } from '../model/architecture';
import { flowCheckpointArrays, flowStateFromArrays } from '../train/flow/flowCheckpoint';
import type { CheckpointFlow } from '../train/flow/flowEngineTypes';
import { hasFullCovariance, MAX_PRIOR_RANK, priorRank, validateFlowPrior } from '../train/flow/flowPrior';
import { FLOW_FORMAT, META_KEYS, formatTag, metadataJson } from './checkpointMetadata';
import { readOwnedSidecar, sidecarPath } from './ownedSidecar';
import { Fields } from './fields';
import type { Tensor } from './safetensors/dtypes';
import { encodeSafetensors, type EncodedSafetensors } from './safetensors/writeSafetensors';
import { badInput, corrupt, show } from './storeErrors';

export type { CheckpointFlow };

/**
 * The flow sidecar sits next to the checkpoint, like the optimizer's, so the
 * checkpoint stays a strict PyTorch state_dict: `epoch-0010.safetensors` has
 * `epoch-0010.flow.safetensors`. It names the checkpoint's SHA-256.
 */
export function flowSidecarPath(checkpointFile: string): string {
  return sidecarPath(checkpointFile, 'flow');
}

export function encodeFlowSidecar(
  arch: Architecture,
  flow: CheckpointFlow,
  checkpointSha256: string,
  file: string,
): EncodedSafetensors {
  if (flow.layers.length !== arch.layers.length) {
    throw badInput(
      file,
      'flow.layers',
      `the architecture has ${arch.layers.length} layers, got ${flow.layers.length} LU layers`,
      flow.layers.length,
    );
  }
  try {
    validateFlowPrior(flow.prior, arch.width, file);
  } catch (error) {
    throw badInput(file, 'flow.prior', (error as Error).message);
  }
  const tensors = new Map<string, Tensor>();
  for (const a of flowCheckpointArrays(arch, flow)) tensors.set(a.name, { dtype: 'F32', shape: a.shape, data: a.data });
  const rank = priorRank(flow.prior);
  // `rank` only when there are factors, so diagonal-prior sidecars stay byte for byte what they were.
  const description =
    flow.prior.kind === 'class'
      ? {
          prior: 'class',
          classes: flow.prior.classes,
          ...(rank > 0 ? { rank } : {}),
          ...(hasFullCovariance(flow.prior) ? { covariance: 'full' } : {}),
        }
      : { prior: 'paper' };
  const metadata = {
    [META_KEYS.format]: formatTag(FLOW_FORMAT),
    [META_KEYS.flow]: JSON.stringify(description),
    [META_KEYS.checkpointSha256]: checkpointSha256,
  };
  return encodeSafetensors(tensors, metadata, file);
}

/**
 * The flow sidecar of the checkpoint with SHA-256 `checkpointSha256`; null
 * when it is absent and not required. A sidecar of another checkpoint, a
 * missing or misshapen array, or an array the architecture has no use for is
 * refused with the file and the array named.
 */
export async function readFlowSidecar(
  file: string,
  arch: Architecture,
  checkpointSha256: string,
  required: boolean,
  noFollow = false,
): Promise<CheckpointFlow | null> {
  const contents = await readOwnedSidecar(file, FLOW_FORMAT, checkpointSha256, required, noFollow);
  if (!contents) return null;
  const f = Fields.of(metadataJson(contents.metadata, META_KEYS.flow, file), file, `__metadata__["${META_KEYS.flow}"]`);
  const prior = f.oneOf('prior', ['paper', 'class'] as const);
  const classes = prior === 'class' ? f.int('classes', 1) : 10;
  const rank = prior === 'class' && f.has('rank') ? f.int('rank', 0) : 0;
  const maxRank = Math.min(MAX_PRIOR_RANK, arch.width);
  if (rank > maxRank) f.fail('rank', `must be at most ${maxRank}`);
  const full = prior === 'class' && f.has('covariance') && f.oneOf('covariance', ['full'] as const) === 'full';
  if (full && rank > 0) f.fail('covariance', `a full covariance and rank ${rank} exclude each other`);
  const used = new Set<string>();
  const lookup = (name: string): Float32Array | undefined => {
    const tensor = contents.tensors.get(name);
    if (!tensor) return undefined;
    if (tensor.dtype !== 'F32')
      throw corrupt(file, `tensor ${show(name)}.dtype`, `must be F32, got ${tensor.dtype}`, tensor.dtype);
    used.add(name);
    return tensor.data as Float32Array;
  };
  let state;
  try {
    state = flowStateFromArrays(arch, prior, lookup, classes, rank, full);
    validateFlowPrior(state.prior, arch.width, file);
  } catch (error) {
    if (isInvertscopeError(error)) throw error;
    throw corrupt(file, 'tensors', (error as Error).message, undefined, error);
  }
  for (const name of contents.tensors.keys()) {
    if (!used.has(name))
      throw corrupt(
        file,
        `tensor ${show(name)}`,
        `is not part of a ${prior}-prior flow of ${arch.layers.length} layers`,
        name,
      );
  }
  return state;
}
