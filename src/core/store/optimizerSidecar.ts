import type { Architecture } from '../model/architecture';
import { ADAM, type OptimizerState } from '../train/engine';
import { paramsToTensors, tensorsToParams } from './checkpointLayout';
import { META_KEYS, OPTIMIZER_FORMAT, formatTag, metadataJson } from './checkpointMetadata';
import { readOwnedSidecar, sidecarPath } from './ownedSidecar';
import { Fields } from './fields';
import { encodeSafetensors, type EncodedSafetensors } from './safetensors/writeSafetensors';
import { badInput, show } from './storeErrors';

/**
 * Adam's state lives next to the checkpoint, not in it, so the checkpoint holds
 * exactly a PyTorch state_dict (strict loading rejects extra keys). Names follow
 * torch.optim.Adam's state: `<index>.weight.exp_avg`, `<index>.weight.exp_avg_sq`, ...
 */
export function optimizerSidecarPath(checkpointFile: string): string {
  return sidecarPath(checkpointFile, 'optim');
}

export function encodeOptimizerSidecar(
  arch: Architecture,
  state: OptimizerState,
  checkpointSha256: string,
  file: string,
): EncodedSafetensors {
  if (!Number.isSafeInteger(state.step) || state.step < 0)
    throw badInput(file, 'optimizer.step', `must be an integer ≥ 0, got ${show(state.step)}`, state.step);
  const tensors = new Map([
    ...paramsToTensors(arch, state.firstMoment, file, '.exp_avg'),
    ...paramsToTensors(arch, state.secondMoment, file, '.exp_avg_sq'),
  ]);
  const metadata = {
    [META_KEYS.format]: formatTag(OPTIMIZER_FORMAT),
    [META_KEYS.optimizer]: JSON.stringify({
      algorithm: 'adam',
      step: state.step,
      beta1: ADAM.beta1,
      beta2: ADAM.beta2,
      epsilon: ADAM.epsilon,
    }),
    [META_KEYS.checkpointSha256]: checkpointSha256,
  };
  return encodeSafetensors(tensors, metadata, file);
}

/** Null when the sidecar is absent and not required. */
export async function readOptimizerSidecar(
  file: string,
  arch: Architecture,
  checkpointSha256: string,
  required: boolean,
  noFollow = false,
): Promise<OptimizerState | null> {
  const contents = await readOwnedSidecar(file, OPTIMIZER_FORMAT, checkpointSha256, required, noFollow);
  if (!contents) return null;
  const f = Fields.of(
    metadataJson(contents.metadata, META_KEYS.optimizer, file),
    file,
    `__metadata__["${META_KEYS.optimizer}"]`,
  );
  f.oneOf('algorithm', ['adam'] as const);
  const step = f.int('step');
  return {
    step,
    firstMoment: tensorsToParams(arch, withSuffix(contents.tensors, '.exp_avg'), file, '.exp_avg'),
    secondMoment: tensorsToParams(arch, withSuffix(contents.tensors, '.exp_avg_sq'), file, '.exp_avg_sq'),
  };
}

/** One moment's tensors, plus any stray names so that tensorsToParams reports them. */
function withSuffix<T>(tensors: ReadonlyMap<string, T>, suffix: string): Map<string, T> {
  const other = suffix === '.exp_avg' ? '.exp_avg_sq' : '.exp_avg';
  return new Map([...tensors].filter(([name]) => name.endsWith(suffix) || !name.endsWith(other)));
}
