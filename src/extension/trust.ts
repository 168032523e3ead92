import { isInsideFolder } from './util/paths';

/**
 * Why Restricted Mode refuses an action. Training forks a process that reads the
 * data folder and settings this workspace chooses; importing parses a file this
 * workspace supplies. Neither should happen before the person trusts the folder.
 */
export class UntrustedWorkspaceError extends Error {
  readonly code = 'UNTRUSTED';
  constructor(message: string) {
    super(message);
    this.name = 'UntrustedWorkspaceError';
  }
}

export function requireTrustToTrain(trusted: boolean): void {
  if (trusted) return;
  throw new UntrustedWorkspaceError(
    'Training is turned off in Restricted Mode: it starts a process that reads the data folder, runs folder and settings this workspace chooses. Trust the workspace to train.',
  );
}

/** Imports are refused only for files inside the workspace (a file the person picks elsewhere is their choice). */
export function requireTrustToImport(trusted: boolean, file: string, workspaceFolders: readonly string[]): void {
  if (trusted || !workspaceFolders.some((folder) => isInsideFolder(file, folder))) return;
  throw new UntrustedWorkspaceError(
    `Importing ${file} is turned off in Restricted Mode: the file comes from this workspace, which is not trusted yet. Trust the workspace to import it.`,
  );
}

/**
 * In Restricted Mode the extension only reads the runs folder: deleting a run,
 * like the housekeeping that marks dead runs and removes leftovers, waits until
 * the person trusts the workspace.
 */
export function requireTrustToChangeRuns(trusted: boolean, action: string): void {
  if (trusted) return;
  throw new UntrustedWorkspaceError(
    `${action} is turned off in Restricted Mode: the extension only reads this workspace's runs until it is trusted. Trust the workspace to change them.`,
  );
}
