/** The run store and its file formats; docs/run-store.md describes them for other tools. */
export * from './runTypes';
export {
  RunStore,
  type CreateRunOptions,
  type MetricsRead,
  type RunDataInfo,
  type RunListEntry,
  type RunPatch,
} from './runStore';
export {
  readCheckpoint,
  readCheckpointMetadata,
  writeCheckpoint,
  optimizerSidecarPath,
  flowSidecarPath,
  type CheckpointData,
  type CheckpointFlow,
  type CheckpointMetadata,
  type CheckpointTraining,
  type LoadedCheckpoint,
  type ReadCheckpointOptions,
  type WrittenCheckpoint,
} from './checkpoint';
export {
  importPytorchCheckpoint,
  inferArchitecture,
  stateDictToParams,
  type ImportOptions,
  type ImportedRun,
} from './importPytorch';
export { resolveRun, type ResolvedRun } from './resolveRun';
export { reconcileStaleRuns } from './staleRuns';
export { currentProcessInfo, processState, type ProcessState } from './processLiveness';
export { checkpointFileName, makeRunId } from './runIds';
export { writeFileAtomic } from './atomicWrite';
export {
  readSafetensors,
  readSafetensorsHeader,
  decodeSafetensors,
  MAX_HEADER_BYTES,
  type SafetensorsContents,
} from './safetensors/readSafetensors';
export { writeSafetensors, encodeSafetensors, type TensorSet } from './safetensors/writeSafetensors';
export type { SafetensorsDtype, Tensor, TensorData } from './safetensors/dtypes';
