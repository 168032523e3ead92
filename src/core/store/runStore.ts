import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvertscopeError, isErrorCode, isInvertscopeError } from '../errors';
import type { TrainConfig } from '../train/config';
import { fileSystemError } from '../files/fsError';
import { makeFolder } from '../files/makeFolder';
import { syncDirectory, writeFileAtomic } from './atomicWrite';
import {
  readCheckpoint,
  writeCheckpoint,
  type CheckpointData,
  type LoadedCheckpoint,
  type ReadCheckpointOptions,
} from './checkpoint';
import { Fields } from './fields';
import { appendJsonLines, readJsonLines, type JsonLinesRead, type JsonLinesReadOptions } from './jsonLines';
import { prettyJson } from './jsonText';
import { invertscopeVersion } from './packageVersion';
import { currentProcessInfo } from './processLiveness';
import { checkRunId, checkpointFileName, isRunIdShape, makeRunId } from './runIds';
import { serialize } from './runLocks';
import { requireUnlocked } from './trainerLock';
import {
  RUN_FORMAT_VERSION,
  type BackendInfo,
  type CheckpointEntry,
  type MetricRecord,
  type RunProcessInfo,
  type RunRecord,
  type RunStatus,
} from './runTypes';
import { hashMismatch, lstatInStore, METRICS_FILE, readRunFile, requireRunFolder, RUN_FILE } from './runFolder';
import { readCheckpointEntry, validateMetricRecord, validateRunRecord } from './runValidation';
import { errnoCode, show } from './storeErrors';

export type RunDataInfo = RunRecord['data'];

/** Fields of run.json a caller may change; id and formatVersion are refused. */
export type RunPatch = { -readonly [K in keyof RunRecord]?: RunRecord[K] };

export interface CreateRunOptions {
  /** Default 'running'. */
  readonly status?: RunStatus;
  /** Default: the calling process for a running run, null otherwise. */
  readonly process?: RunProcessInfo | null;
  readonly importedFrom?: string;
  readonly versions?: Partial<RunRecord['versions']>;
  readonly now?: Date;
  /**
   * Fills the new run's folder (a staging folder until the run appears) and
   * returns fields for run.json, e.g. the checkpoint of an import. The run only
   * becomes visible once this has finished.
   */
  readonly prepare?: (folder: string) => Promise<Pick<RunPatch, 'checkpoints' | 'epochsCompleted'>>;
}

export type RunListEntry =
  | { readonly kind: 'run'; readonly id: string; readonly folder: string; readonly record: RunRecord }
  | { readonly kind: 'damaged'; readonly id: string; readonly folder: string; readonly error: InvertscopeError };

export type MetricsRead = JsonLinesRead<MetricRecord>;

/**
 * The runs folder: one folder per run holding run.json, metrics.jsonl and
 * checkpoints/. docs/run-store.md is the reference for every file. Each method
 * reads from disk, so several processes (trainer, extension, CLI) can share a
 * folder; every write is atomic or append-only.
 */
export class RunStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  folderOf(id: string): string {
    return join(this.root, checkRunId(id));
  }

  runFile(id: string): string {
    return join(this.folderOf(id), RUN_FILE);
  }

  metricsFile(id: string): string {
    return join(this.folderOf(id), METRICS_FILE);
  }

  checkpointPath(id: string, epoch: number): string {
    return join(this.folderOf(id), checkpointFileName(epoch));
  }

  /** Creates a run folder complete with run.json, metrics.jsonl and checkpoints/, and returns its new id. */
  async createRun(
    config: TrainConfig,
    data: RunDataInfo,
    backend: BackendInfo | null,
    options: CreateRunOptions = {},
  ): Promise<string> {
    const now = (options.now ?? new Date()).toISOString();
    const status = options.status ?? 'running';
    const base = {
      formatVersion: RUN_FORMAT_VERSION,
      id: '',
      createdAt: now,
      updatedAt: now,
      status,
      config,
      backend,
      versions: {
        invertscope: options.versions?.invertscope ?? invertscopeVersion(),
        node: options.versions?.node ?? process.versions.node,
        tfjs: options.versions?.tfjs ?? null,
      },
      timings: { startedAt: now, endedAt: status === 'running' ? null : now, trainSeconds: 0 },
      data,
      epochsCompleted: 0,
      checkpoints: [] as CheckpointEntry[],
      error: null,
      ...(options.importedFrom === undefined ? {} : { importedFrom: options.importedFrom }),
      process: options.process !== undefined ? options.process : status === 'running' ? currentProcessInfo() : null,
    };
    checkAsInput({ ...base, id: 'x' }, 'new run');

    await this.ensureRoot();
    const staging = join(this.root, `.staging-${randomBytes(6).toString('hex')}`);
    await mkdir(staging).catch((error: unknown) => {
      throw fileSystemError(error, staging, 'creating a new run');
    });
    await mkdir(join(staging, 'checkpoints'));
    try {
      await writeFileAtomic(join(staging, METRICS_FILE), '');
      const prepared = options.prepare ? await options.prepare(staging) : {};
      for (let attempt = 0; attempt < 50; attempt++) {
        const id = makeRunId(config.architecture.name, options.now ?? new Date(now));
        const target = join(this.root, id);
        if (await exists(target)) continue;
        const record = { ...base, ...prepared, id };
        checkAsInput(record, id);
        await writeFileAtomic(join(staging, RUN_FILE), prettyJson(record));
        try {
          await rename(staging, target);
        } catch (error) {
          const code = errnoCode(error);
          if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') continue;
          throw error;
        }
        await syncDirectory(this.root);
        return id;
      }
      throw new InvertscopeError('INTERNAL', `no free run id in ${this.root} after 50 tries`, { file: this.root });
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  /** Creates the runs folder (and any missing parent) unless it exists; a failure names the folder. Returns the folders created. */
  async ensureRoot(): Promise<string[]> {
    return makeFolder(this.root);
  }

  /** Every run, newest first. A run whose run.json cannot be read is listed as damaged, with the reason. */
  async listRuns(): Promise<RunListEntry[]> {
    const names = await this.runFolderNames();
    const entries = await Promise.all(
      names.map(async (id): Promise<{ entry: RunListEntry; time: number }> => {
        const folder = join(this.root, id);
        try {
          const record = await this.readRun(id);
          return { entry: { kind: 'run', id, folder, record }, time: Date.parse(record.createdAt) };
        } catch (error) {
          const time = (await stat(folder).catch(() => null))?.mtimeMs ?? 0;
          return { entry: { kind: 'damaged', id, folder, error: asStoreError(error, join(folder, RUN_FILE)) }, time };
        }
      }),
    );
    entries.sort((a, b) => b.time - a.time || (a.entry.id < b.entry.id ? 1 : a.entry.id > b.entry.id ? -1 : 0));
    return entries.map((e) => e.entry);
  }

  async readRun(id: string): Promise<RunRecord> {
    return (await this.readRaw(id)).record;
  }

  /** Changes fields of run.json atomically and returns the new record. `updatedAt` is set to now. */
  async updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    if (patch.error && !isErrorCode(patch.error.code)) {
      throw new InvertscopeError(
        'BAD_INPUT',
        `${this.runFile(id)}: error.code ${show(patch.error.code)} is not an Invertscope error code (docs/run-store.md lists them)`,
        {
          file: this.runFile(id),
          field: 'error.code',
          value: patch.error.code,
        },
      );
    }
    return this.modify(id, (current) => {
      for (const key of ['id', 'formatVersion'] as const) {
        if (patch[key] !== undefined && patch[key] !== current[key]) {
          throw new InvertscopeError(
            'BAD_INPUT',
            `${this.runFile(id)}: ${key} cannot be changed (from ${show(current[key])} to ${show(patch[key])})`,
            {
              file: this.runFile(id),
              field: key,
              value: patch[key],
            },
          );
        }
      }
      return patch;
    });
  }

  /** Records a checkpoint in run.json, replacing an earlier entry for the same epoch. */
  async addCheckpoint(id: string, entry: CheckpointEntry): Promise<RunRecord> {
    const checked = checkEntry(entry, this.runFile(id));
    return this.modify(id, (current) => ({
      checkpoints: [...current.checkpoints.filter((c) => c.epoch !== checked.epoch), checked].sort(
        (a, b) => a.epoch - b.epoch,
      ),
    }));
  }

  /** Writes checkpoints/epoch-NNNN.safetensors (and its optimizer sidecar) and records it. */
  async saveCheckpoint(id: string, data: CheckpointData): Promise<CheckpointEntry> {
    await this.readRun(id);
    const epoch = data.training.epoch;
    const relative = checkpointFileName(epoch);
    await this.subfolder(id, 'checkpoints');
    const written = await writeCheckpoint(join(this.folderOf(id), relative), data);
    const entry: CheckpointEntry = {
      epoch,
      file: relative,
      trainLoss: data.training.trainLoss,
      testLoss: data.training.testLoss,
      writtenAt: new Date().toISOString(),
      sha256: written.sha256,
    };
    await this.addCheckpoint(id, entry);
    return entry;
  }

  /** Reads a recorded checkpoint (the latest when no epoch is given) and checks it is the file that was recorded. */
  async loadCheckpoint(id: string, epoch?: number, options?: ReadCheckpointOptions): Promise<LoadedCheckpoint> {
    const record = await this.readRun(id);
    const entry =
      epoch === undefined
        ? record.checkpoints[record.checkpoints.length - 1]
        : record.checkpoints.find((c) => c.epoch === epoch);
    if (!entry) {
      throw new InvertscopeError(
        'NOT_FOUND',
        `run ${id} has no checkpoint${epoch === undefined ? '' : ` for epoch ${epoch}`}`,
        { file: this.runFile(id), field: 'checkpoints' },
      );
    }
    const file = join(this.folderOf(id), entry.file);
    const loaded = await readCheckpoint(file, options);
    if (loaded.sha256 !== entry.sha256) throw hashMismatch(file, loaded.sha256, entry.sha256);
    return loaded;
  }

  /** Appends records to metrics.jsonl (validated first, one JSON object a line). */
  async appendMetrics(id: string, records: readonly MetricRecord[]): Promise<void> {
    const file = this.metricsFile(id);
    records.forEach((r, i) => {
      try {
        validateMetricRecord(JSON.parse(JSON.stringify(r)) as unknown, file, `records[${i}]`);
      } catch (error) {
        throw asBadInput(error);
      }
    });
    await this.requireFolder(id);
    const isRecord = (text: string): boolean => {
      try {
        validateMetricRecord(JSON.parse(text) as unknown, file, 'tail');
        return true;
      } catch {
        return false;
      }
    };
    await serialize(file, () => appendJsonLines(file, records, isRecord));
  }

  /**
   * Reads metrics.jsonl. An incomplete last line (a crash, or an append in
   * progress) is reported by `truncatedLastLine`, other bad lines in `badLines`
   * with their line number; neither stops the other records from being read.
   */
  async readMetrics(id: string, options: JsonLinesReadOptions = {}): Promise<MetricsRead> {
    const file = this.metricsFile(id);
    try {
      return await readJsonLines(file, (value, where) => validateMetricRecord(value, file, where), options);
    } catch (error) {
      if (!isInvertscopeError(error, 'NOT_FOUND')) throw error;
      await this.requireFolder(id);
      return { records: [], badLines: [], truncatedLastLine: false, nextOffset: 0, nextLine: 1 };
    }
  }

  /** Removes a run. It leaves the listing at once (a rename), then its files are deleted. */
  async deleteRun(id: string): Promise<void> {
    const folder = await this.requireFolder(id);
    await requireUnlocked(folder, id);
    const doomed = join(this.root, `.deleting-${id}-${randomBytes(4).toString('hex')}`);
    await rename(folder, doomed);
    await rm(doomed, { recursive: true, force: true });
  }

  /** The names of the folders that look like runs (run.json not checked). */
  async runFolderNames(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw fileSystemError(error, this.root, 'listing the runs folder');
    }
    return entries.filter((e) => e.isDirectory() && isRunIdShape(e.name)).map((e) => e.name);
  }

  private async requireFolder(id: string): Promise<string> {
    const folder = this.folderOf(id);
    await requireRunFolder(folder);
    return folder;
  }

  /**
   * A folder of the run (checkpoints/, resume/), created when missing; one
   * that is a link or a file is refused, so nothing is written outside the run.
   */
  async subfolder(id: string, name: 'checkpoints' | 'resume'): Promise<string> {
    const folder = join(await this.requireFolder(id), name);
    const info = await lstatInStore(folder, `${name} folder`);
    if (info && !info.isDirectory())
      throw new InvertscopeError('BAD_INPUT', `${folder}: the ${name} folder is a file, not a folder`, {
        file: folder,
        field: name,
      });
    if (!info)
      await mkdir(folder).catch((error: unknown) => {
        throw fileSystemError(error, folder, `creating the ${name} folder`);
      });
    return folder;
  }

  /**
   * Checks what a trainer is about to write: the run folder, checkpoints/ and
   * resume/ real folders, metrics.jsonl a regular file. A resume checks this
   * before training, so a damaged run fails with a named error and unchanged.
   */
  async checkWritable(id: string): Promise<void> {
    await this.requireFolder(id);
    await this.subfolder(id, 'checkpoints');
    await this.subfolder(id, 'resume');
    const metrics = this.metricsFile(id);
    const info = await lstatInStore(metrics, METRICS_FILE);
    if (info && !info.isFile())
      throw new InvertscopeError('BAD_INPUT', `${metrics}: ${METRICS_FILE} is a folder, not a regular file`, {
        file: metrics,
        field: METRICS_FILE,
      });
  }

  private async readRaw(id: string): Promise<{ raw: Record<string, unknown>; record: RunRecord }> {
    return readRunFile(this.folderOf(id));
  }

  /**
   * Read, change, check, write — one at a time per run within this process.
   * Fields this version does not know are kept as they were. A change that
   * returns null leaves the record as it is (a compare-and-set).
   */
  modify(id: string, change: (current: RunRecord) => RunPatch | null): Promise<RunRecord> {
    const file = this.runFile(id);
    return serialize(file, async () => {
      const { raw, record } = await this.readRaw(id);
      const patch = change(record);
      if (patch === null) return record;
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const next = { ...raw, ...given, updatedAt: new Date().toISOString() };
      const checked = checkAsInput(next, file);
      await writeFileAtomic(file, prettyJson(next));
      return checked;
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw fileSystemError(error, path, 'examining');
  }
}

/** Validates a record about to be written, as it will read back (NaN → null → NaN). */
function checkAsInput(record: unknown, where: string): RunRecord {
  try {
    return validateRunRecord(JSON.parse(JSON.stringify(record)) as unknown, where);
  } catch (error) {
    throw asBadInput(error);
  }
}

function checkEntry(entry: CheckpointEntry, where: string): CheckpointEntry {
  try {
    return readCheckpointEntry(Fields.of(JSON.parse(JSON.stringify(entry)) as unknown, where, 'checkpoint'));
  } catch (error) {
    throw asBadInput(error);
  }
}

/** A value the caller built failed the same checks a stored file gets: that is bad input, not a corrupt file. */
function asBadInput(error: unknown): unknown {
  return isInvertscopeError(error, 'CORRUPT')
    ? new InvertscopeError('BAD_INPUT', error.message, error.detail, { cause: error })
    : error;
}

function asStoreError(error: unknown, file: string): InvertscopeError {
  if (error instanceof InvertscopeError) return error;
  return new InvertscopeError(
    'CORRUPT',
    `${file}: ${error instanceof Error ? error.message : String(error)}`,
    { file },
    { cause: error },
  );
}
