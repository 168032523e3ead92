/** The run store and its file formats; docs/run-store.md describes them for other tools. */
export * from './runTypes';
export type { CreateRunOptions, MetricsRead, RunDataInfo, RunListEntry, RunPatch } from './runStore';
export type {
  CheckpointData,
  CheckpointFlow,
  CheckpointMetadata,
  CheckpointTraining,
  LoadedCheckpoint,
  ReadCheckpointOptions,
  WrittenCheckpoint,
} from './checkpoint';
export type { ImportOptions, ImportedRun } from './importPytorch';
export type { ResolvedRun } from './resolveRun';
export type { ProcessState } from './processLiveness';
export type { SafetensorsContents } from './safetensors/readSafetensors';
export type { TensorSet } from './safetensors/writeSafetensors';
export type { SafetensorsDtype, Tensor, TensorData } from './safetensors/dtypes';
