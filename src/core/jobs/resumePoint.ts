import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { InvertscopeError, isInvertscopeError } from '../errors';
import type { Architecture } from '../model/architecture';
import type { ModelParams } from '../model/params';
import { readCheckpoint, writeCheckpoint, type CheckpointFlow, type LoadedCheckpoint } from '../store/checkpoint';
import { writeFileAtomic } from '../store/atomicWrite';
import { openRegularFile } from '../files/openRegularFile';
import { parseBoundedJson } from '../store/jsonLimits';
import { lstatInStore } from '../store/runFolder';
import type { Objective } from '../train/config';
import type { OptimizerState } from '../train/engine';
import type { PartialEpoch } from '../train/trainLoop';

/**
 * The rolling point a run continues from: a checkpoint `resume/point-<hex>.safetensors`
 * (with its optimizer sidecar, and a flow's LU-factor sidecar) and
 * `resume/latest.json`, which names it and its SHA-256. It is saved before the
 * first step, after every epoch and when training is cancelled mid-epoch, so a
 * cancelled run loses no step and a crashed one at most the epoch in progress.
 * Each save writes a new point under a new name and only then switches
 * latest.json to it (one atomic rename), then removes the old one: a crash at
 * any moment leaves latest.json naming a complete point. (Points saved before
 * latest.json named its file are `resume/latest.safetensors`.)
 */
export interface ResumeInfo {
  readonly completedEpochs: number;
  readonly completedSteps: number;
  readonly partialEpoch: PartialEpoch | null;
  readonly checkpointSha256: string;
  /** The point's checkpoint, in resume/; absent in points written before it existed ("latest.safetensors"). */
  readonly file?: string;
}

const LEGACY_POINT = 'latest.safetensors';
const POINT_NAME = /^(point-[0-9a-f]{12}|latest)\.safetensors$/;

export interface ResumeState {
  readonly info: ResumeInfo;
  readonly checkpoint: LoadedCheckpoint;
  /** The point's checkpoint file. */
  readonly file: string;
}

export interface SaveResumeArgs {
  readonly runFolder: string;
  readonly architecture: Architecture;
  readonly objective: Objective;
  readonly seed: number;
  readonly params: ModelParams;
  readonly optimizer: OptimizerState;
  /** A flow's LU factors and prior: the exact trained numbers (the dense W is only their float32 product). */
  readonly flow?: CheckpointFlow | null;
  readonly completedEpochs: number;
  readonly completedSteps: number;
  readonly partialEpoch: PartialEpoch | null;
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly invertscopeVersion: string;
}

const FOLDER = 'resume';

export async function saveResumePoint(args: SaveResumeArgs): Promise<void> {
  const folder = join(args.runFolder, FOLDER);
  // Not a link (nothing is written outside the run), and created only here: the run folder exists.
  if (!(await lstatInStore(folder, 'resume folder'))) await mkdir(folder);
  const file = `point-${randomBytes(6).toString('hex')}.safetensors`;
  const written = await writeCheckpoint(join(folder, file), {
    architecture: args.architecture,
    params: args.params,
    optimizer: args.optimizer,
    flow: args.flow ?? null,
    training: {
      epoch: args.completedEpochs,
      globalStep: args.completedSteps,
      objective: args.objective,
      seed: args.seed,
      trainLoss: args.trainLoss,
      testLoss: args.testLoss,
      createdAt: new Date().toISOString(),
      invertscopeVersion: args.invertscopeVersion,
    },
  });
  const info: ResumeInfo = {
    completedEpochs: args.completedEpochs,
    completedSteps: args.completedSteps,
    partialEpoch: args.partialEpoch,
    checkpointSha256: written.sha256,
    file,
  };
  await writeFileAtomic(join(folder, 'latest.json'), `${JSON.stringify(info, null, 2)}\n`);
  await removeOtherPoints(folder, file);
}

/** Removes every point (and its sidecars) but the one latest.json names: earlier points, and any a crash left unnamed. */
async function removeOtherPoints(folder: string, keep: string): Promise<void> {
  const stem = keep.slice(0, -'.safetensors'.length);
  for (const name of await readdir(folder)) {
    const point = /^(point-[0-9a-f]{12}|latest)\.(?:[a-z]+\.)?safetensors$/.exec(name);
    if (point && point[1] !== stem) await unlink(join(folder, name)).catch(() => undefined);
  }
}

/** Whether the run has a resume point on disk (it may still fail to load). */
export async function hasResumePoint(runFolder: string): Promise<boolean> {
  return (await lstat(join(runFolder, FOLDER, 'latest.json')).catch(() => null)) !== null;
}

/** The resume point of a run, or null when it has none (it was stopped before its first step was saved). */
export async function loadResumePoint(runFolder: string): Promise<ResumeState | null> {
  const jsonFile = join(runFolder, FOLDER, 'latest.json');
  let info: ResumeInfo;
  let handle: FileHandle;
  try {
    ({ handle } = await openRegularFile(jsonFile, { noFollow: true, maxBytes: 64 * 1024, what: 'resume point' }));
  } catch (error) {
    if (isInvertscopeError(error, 'NOT_FOUND')) return null;
    throw error;
  }
  try {
    info = parseBoundedJson(await handle.readFile('utf8'), jsonFile, '(root)') as ResumeInfo;
  } catch (error) {
    if (isInvertscopeError(error)) throw error;
    throw new InvertscopeError(
      'CORRUPT',
      `${jsonFile}: unreadable resume point: ${(error as Error).message}`,
      { file: jsonFile },
      { cause: error },
    );
  } finally {
    await handle.close();
  }
  if (typeof info !== 'object' || info === null)
    throw new InvertscopeError('CORRUPT', `${jsonFile}: resume point is not a JSON object`, { file: jsonFile });
  if (
    !Number.isInteger(info.completedEpochs) ||
    !Number.isInteger(info.completedSteps) ||
    typeof info.checkpointSha256 !== 'string'
  ) {
    throw new InvertscopeError('CORRUPT', `${jsonFile}: resume point has invalid fields`, { file: jsonFile });
  }
  const name = info.file ?? LEGACY_POINT;
  if (typeof name !== 'string' || !POINT_NAME.test(name)) {
    throw new InvertscopeError(
      'CORRUPT',
      `${jsonFile}: file: must name a point in resume/ (point-<12 hex digits>.safetensors), got ${JSON.stringify(name)}`,
      { file: jsonFile, field: 'file', value: name },
    );
  }
  const file = join(runFolder, FOLDER, name);
  let checkpoint: LoadedCheckpoint;
  try {
    checkpoint = await readCheckpoint(file, { optimizer: 'require' });
  } catch (error) {
    if (isInvertscopeError(error)) throw error;
    throw new InvertscopeError('CORRUPT', `${file}: unreadable resume checkpoint`, { file }, { cause: error });
  }
  if (checkpoint.sha256 !== info.checkpointSha256) {
    throw new InvertscopeError(
      'CORRUPT',
      `${jsonFile} names checkpoint ${info.checkpointSha256.slice(0, 12)}… but ${file} is ${checkpoint.sha256.slice(0, 12)}…: the resume point was interrupted while being written`,
      { file: jsonFile, field: 'checkpointSha256' },
    );
  }
  return { info, checkpoint, file };
}
