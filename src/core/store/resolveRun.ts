import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { InvertscopeError, isInvertscopeError } from '../errors';
import { checkRunId, isRunIdShape } from './runIds';
import { lstatInStore, RUN_FILE } from './runFolder';
import { RunStore } from './runStore';

export interface ResolvedRun {
  /** The given store, or one over the folder that holds a run given by path. */
  readonly store: RunStore;
  readonly id: string;
  readonly folder: string;
}

/**
 * Finds a run from what a user typed: an id, a unique id prefix ("20261130-05"),
 * or a path to a run folder or its run.json (anywhere; a run outside this
 * store's folder is returned with a store over its own parent folder). What the
 * CLI's commands do with a run argument.
 */
export async function resolveRun(base: RunStore, ref: string, options: { cwd?: string } = {}): Promise<ResolvedRun> {
  const text = ref.trim();
  if (text.length === 0) throw new InvertscopeError('BAD_INPUT', 'no run given', { field: 'run', value: ref });
  const looksLikePath =
    isAbsolute(text) || /[\\/]/.test(text) || text === '.' || text === '..' || text.endsWith(RUN_FILE);
  if (!looksLikePath) {
    if (isRunIdShape(text) && (await isRunFolder(join(base.root, text))))
      return { store: base, id: text, folder: join(base.root, text) };
    const matches = (await base.runFolderNames()).filter((id) => id.startsWith(text));
    if (matches.length === 1) return { store: base, id: matches[0], folder: join(base.root, matches[0]) };
    if (matches.length > 1) {
      const shown = matches.slice(0, 10).join(', ') + (matches.length > 10 ? `, and ${matches.length - 10} more` : '');
      throw new InvertscopeError('BAD_INPUT', `"${text}" matches ${matches.length} runs in ${base.root}: ${shown}`, {
        field: 'run',
        value: ref,
      });
    }
  }
  let folder = resolve(options.cwd ?? process.cwd(), text);
  if (basename(folder) === RUN_FILE) folder = dirname(folder);
  if (await isRunFolder(folder)) {
    const root = dirname(folder);
    const store = root === base.root ? base : new RunStore(root);
    return { store, id: checkRunId(basename(folder)), folder };
  }
  throw new InvertscopeError(
    'NOT_FOUND',
    `no run "${text}": not a run id or id prefix in ${base.root}, nor a folder with a run.json`,
    { field: 'run', value: ref },
  );
}

/** A folder holding a run.json; a folder (or run.json) that is a link is refused rather than followed. */
async function isRunFolder(folder: string): Promise<boolean> {
  const info = await lstatInStore(folder, 'run folder').catch((error: unknown) => {
    // A link is refused with its reason; any other path that cannot be examined (a file on the way) holds no run.
    if (isInvertscopeError(error) && error.detail?.value === 'symlink') throw error;
    return null;
  });
  if (!info?.isDirectory()) return false;
  return (await lstatInStore(join(folder, RUN_FILE), RUN_FILE)) !== null;
}
