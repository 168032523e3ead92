import { isInvertscopeError } from '../errors';
import { META_KEYS, checkFormat } from './checkpointMetadata';
import { readSafetensors, type SafetensorsContents } from './safetensors/readSafetensors';
import { corrupt, show } from './storeErrors';

/**
 * A sidecar sits next to a checkpoint (`epoch-0010.safetensors` →
 * `epoch-0010.<kind>.safetensors`) and holds what a strict PyTorch state_dict
 * cannot: optimizer moments, a flow's LU factors and prior.
 */
export function sidecarPath(checkpointFile: string, kind: string): string {
  return checkpointFile.endsWith('.safetensors')
    ? `${checkpointFile.slice(0, -'.safetensors'.length)}.${kind}.safetensors`
    : `${checkpointFile}.${kind}.safetensors`;
}

/**
 * Reads a sidecar and checks that it is of the expected format and belongs to
 * the checkpoint with SHA-256 `checkpointSha256` (a sidecar left by an earlier
 * file of the same name is refused). Null when absent and not required.
 */
export async function readOwnedSidecar(
  file: string,
  format: { kind: string; version: number },
  checkpointSha256: string,
  required: boolean,
  noFollow = false,
): Promise<SafetensorsContents | null> {
  let contents: SafetensorsContents;
  try {
    contents = await readSafetensors(file, { noFollow });
  } catch (error) {
    if (!required && isInvertscopeError(error, 'NOT_FOUND')) return null;
    throw error;
  }
  checkFormat(contents.metadata, format, file);
  const owner = contents.metadata[META_KEYS.checkpointSha256];
  if (owner !== checkpointSha256) {
    throw corrupt(
      file,
      `__metadata__["${META_KEYS.checkpointSha256}"]`,
      `belongs to a checkpoint with SHA-256 ${show(owner)}, not to this one (${checkpointSha256}); it is left over from an earlier file and can be deleted`,
      owner,
    );
  }
  return contents;
}
