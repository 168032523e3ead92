import { unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvertscopeError, isInvertscopeError } from '../errors';
import { validateArchitecture, type Architecture } from '../model/architecture';
import type { ModelParams } from '../model/params';
import type { OptimizerState } from '../train/engine';
import { writeFileAtomic } from './atomicWrite';
import { paramsToTensors, tensorsToParams } from './checkpointLayout';
import {
  CHECKPOINT_FORMAT,
  META_KEYS,
  checkFormat,
  decodeArchitecture,
  decodeTraining,
  encodeTraining,
  formatTag,
  type CheckpointTraining,
} from './checkpointMetadata';
import { encodeFlowSidecar, flowSidecarPath, readFlowSidecar, type CheckpointFlow } from './flowSidecar';
import { encodeOptimizerSidecar, optimizerSidecarPath, readOptimizerSidecar } from './optimizerSidecar';
import { checkpointPlace, hashMismatch } from './runFolder';
import { readSafetensors, readSafetensorsHeader } from './safetensors/readSafetensors';
import { encodeSafetensors } from './safetensors/writeSafetensors';
import { errnoCode } from './storeErrors';

export type { CheckpointTraining } from './checkpointMetadata';
export { optimizerSidecarPath } from './optimizerSidecar';
export { flowSidecarPath, type CheckpointFlow } from './flowSidecar';

export interface CheckpointData {
  readonly architecture: Architecture;
  readonly params: ModelParams;
  readonly training: CheckpointTraining;
  /** Adam's state for resuming; stored in the sidecar file, see optimizerSidecarPath. */
  readonly optimizer?: OptimizerState | null;
  /** A flow's LU factors and prior; stored in their own sidecar, see flowSidecarPath. */
  readonly flow?: CheckpointFlow | null;
}

export interface WrittenCheckpoint {
  readonly sha256: string;
  readonly byteLength: number;
  /** The sidecar's path, or null when no optimizer state was written. */
  readonly optimizerFile: string | null;
  /** The flow sidecar's path, or null when no flow state was written. */
  readonly flowFile: string | null;
}

export interface LoadedCheckpoint {
  readonly architecture: Architecture;
  readonly params: ModelParams;
  readonly training: CheckpointTraining;
  readonly optimizer: OptimizerState | null;
  /** A flow's LU factors and prior, from the flow sidecar; null when absent or not read. */
  readonly flow: CheckpointFlow | null;
  /** Hex SHA-256 of the checkpoint file (not the sidecar). */
  readonly sha256: string;
}

/**
 * Writes a checkpoint that PyTorch loads as is (`model.load_state_dict(load_file(path))`,
 * strict): only the `<index>.weight` / `<index>.bias` float32 tensors of the
 * nn.Sequential, with Invertscope's description in `__metadata__`. Adam's state,
 * and a flow's LU factors and prior, go to sidecars that name this file's SHA-256,
 * so a sidecar left over from an earlier file of the same name is never mistaken
 * for this one's.
 *
 * The sidecars are written first: a crash in between leaves either the old
 * checkpoint (whose hash the new sidecars do not match) or all new files.
 */
export async function writeCheckpoint(file: string, data: CheckpointData): Promise<WrittenCheckpoint> {
  const architecture = checkArchitecture(data.architecture, file);
  const training = encodeTraining(data.training);
  try {
    decodeTraining({ [META_KEYS.training]: training }, file);
  } catch (error) {
    throw asBadInput(error);
  }
  const metadata = {
    // safetensors' own torch helpers and Hugging Face loaders look for this key.
    format: 'pt',
    [META_KEYS.format]: formatTag(CHECKPOINT_FORMAT),
    [META_KEYS.architecture]: encodeArchitecture(architecture),
    [META_KEYS.training]: training,
  };
  const encoded = encodeSafetensors(paramsToTensors(architecture, data.params, file), metadata, file);
  const sidecar = optimizerSidecarPath(file);
  const flowFile = flowSidecarPath(file);
  if (data.optimizer) {
    const optimizer = encodeOptimizerSidecar(architecture, data.optimizer, encoded.sha256, sidecar);
    await writeFileAtomic(sidecar, optimizer.chunks);
  }
  if (data.flow) {
    await writeFileAtomic(flowFile, encodeFlowSidecar(architecture, data.flow, encoded.sha256, flowFile).chunks);
  }
  await writeFileAtomic(file, encoded.chunks);
  if (!data.optimizer) await removeIfPresent(sidecar);
  if (!data.flow) await removeIfPresent(flowFile);
  return {
    sha256: encoded.sha256,
    byteLength: encoded.byteLength,
    optimizerFile: data.optimizer ? sidecar : null,
    flowFile: data.flow ? flowFile : null,
  };
}

async function removeIfPresent(file: string): Promise<void> {
  await unlink(file).catch((error: unknown) => {
    if (errnoCode(error) !== 'ENOENT') throw error;
  });
}

export interface ReadCheckpointOptions {
  /**
   * 'auto' (default): read the sidecar when present, null when absent.
   * 'require': a missing sidecar is an error (resuming needs it).
   * 'skip': never read it (viewing and inverting need only the parameters).
   */
  readonly optimizer?: 'auto' | 'require' | 'skip';
  /** The flow sidecar, with the same choices (default 'auto'). */
  readonly flow?: 'auto' | 'require' | 'skip';
}

/**
 * Reads a checkpoint and its sidecars. A checkpoint inside a run folder must be
 * the file run.json recorded (its SHA-256, computed from the bytes read, is
 * compared), and no link in the run is followed; a loose file is read as it is.
 */
export async function readCheckpoint(file: string, options: ReadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const place = await checkpointPlace(resolve(file));
  const contents = await readSafetensors(file, { noFollow: place.inRun });
  if (place.recordedSha256 !== null && contents.sha256 !== place.recordedSha256)
    throw hashMismatch(file, contents.sha256, place.recordedSha256);
  checkFormat(contents.metadata, CHECKPOINT_FORMAT, file);
  const architecture = decodeArchitecture(contents.metadata, file);
  const training = decodeTraining(contents.metadata, file);
  const params = tensorsToParams(architecture, contents.tensors, file);
  const mode = options.optimizer ?? 'auto';
  let optimizer: OptimizerState | null = null;
  if (mode !== 'skip') {
    optimizer = await readOptimizerSidecar(
      optimizerSidecarPath(file),
      architecture,
      contents.sha256,
      mode === 'require',
      place.inRun,
    );
  }
  const flowMode = options.flow ?? 'auto';
  const flow =
    flowMode === 'skip'
      ? null
      : await readFlowSidecar(
          flowSidecarPath(file),
          architecture,
          contents.sha256,
          flowMode === 'require',
          place.inRun,
        );
  return { architecture, params, training, optimizer, flow, sha256: contents.sha256 };
}

export interface CheckpointMetadata {
  readonly architecture: Architecture;
  readonly training: CheckpointTraining;
}

/**
 * What a checkpoint's header says, with readCheckpoint's checks of it, for a
 * caller that needs no parameters: the tensors are neither read nor hashed.
 */
export async function readCheckpointMetadata(file: string): Promise<CheckpointMetadata> {
  const { metadata } = await readSafetensorsHeader(file);
  checkFormat(metadata, CHECKPOINT_FORMAT, file);
  return { architecture: decodeArchitecture(metadata, file), training: decodeTraining(metadata, file) };
}

function checkArchitecture(arch: Architecture, file: string): Architecture {
  try {
    return validateArchitecture(arch, file);
  } catch (error) {
    throw new InvertscopeError('BAD_INPUT', (error as Error).message, { file, field: 'architecture', value: arch });
  }
}

/** Fixed key order, so equal checkpoints are equal files. */
function encodeArchitecture(arch: Architecture): string {
  return JSON.stringify({
    name: arch.name,
    width: arch.width,
    layers: arch.layers.map((l) => ({ activation: l.activation })),
    negativeSlope: arch.negativeSlope,
    parametrization: arch.parametrization,
  });
}

function asBadInput(error: unknown): unknown {
  return isInvertscopeError(error, 'CORRUPT') ? new InvertscopeError('BAD_INPUT', error.message, error.detail) : error;
}
