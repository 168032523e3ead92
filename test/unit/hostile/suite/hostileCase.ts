import { availableParallelism } from 'node:os';
import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hasStackTrace, runCli, type ChildResult } from '../harness/runCli';

export type Family = 'safetensors' | 'idx' | 'idx.gz' | 'run folder' | 'cli arguments';

/** What a case hands the CLI, and what its error must name. */
export interface BuiltCase {
  readonly args: readonly string[];
  /** Text the error must contain: the file, the field, the value. */
  readonly mentions: readonly string[];
}

/** One malformed input: built into its own folder from seeded builders, then given to the CLI in a child process. */
export interface HostileCase {
  readonly family: Family;
  readonly name: string;
  /** 2: a usage error; 3: bad or missing input. */
  readonly status: 2 | 3;
  build(folder: string): Promise<BuiltCase> | BuiltCase;
}

export interface CaseOutcome {
  readonly hostile: HostileCase;
  readonly built: BuiltCase;
  readonly result: ChildResult;
  readonly statusOk: boolean;
  readonly named: boolean;
  readonly stackTrace: boolean;
  readonly hang: boolean;
  readonly missing: readonly string[];
  /** Paths below the case's folder that the refused command created, changed or removed (none: a refusal writes nothing). */
  readonly wrote: readonly string[];
}

/**
 * Every path below `root` (links not followed) with what tells a change: its
 * kind, size and modification time. Reading a file changes none of them.
 */
export function treeState(root: string): Map<string, string> {
  const state = new Map<string, string>();
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = lstatSync(path);
      const kind = info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
      state.set(
        relative(root, path),
        `${kind} ${info.isDirectory() ? '' : info.size} ${info.isDirectory() ? '' : info.mtimeMs}`,
      );
      if (kind === 'dir') visit(path);
    }
  };
  visit(root);
  return state;
}

/** The paths whose state differs between two snapshots of one tree. */
export function changedPaths(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** Seconds a case may take before it counts as a hang (generous: CI machines are shared). */
export const CASE_TIMEOUT_MS = 20_000;

export async function runCase(hostile: HostileCase, folder: string): Promise<CaseOutcome> {
  mkdirSync(folder, { recursive: true });
  const built = await hostile.build(folder);
  const before = treeState(folder);
  const result = await runCli(built.args, { cwd: folder, timeoutMs: CASE_TIMEOUT_MS });
  const wrote = changedPaths(before, treeState(folder));
  const output = `${result.stderr}\n${result.stdout}`;
  const missing = built.mentions.filter((m) => !output.includes(m));
  return {
    hostile,
    built,
    result,
    statusOk: result.status === hostile.status,
    named: missing.length === 0 && result.stderr.trim().length > 0,
    stackTrace: hasStackTrace(output),
    hang: result.timedOut,
    missing,
    wrote,
  };
}

/** Runs every case, a few at a time (each is a process that mostly waits on its own start-up). */
export async function runAll(
  cases: readonly HostileCase[],
  root: string,
  onDone?: (o: CaseOutcome) => void,
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      outcomes[i] = await runCase(cases[i], join(root, `case-${String(i).padStart(3, '0')}`));
      onDone?.(outcomes[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(2, Math.min(4, availableParallelism() + 1)) }, worker));
  return outcomes;
}
