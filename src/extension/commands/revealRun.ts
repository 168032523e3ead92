import * as vscode from 'vscode';
import type { Services } from '../services';
import { isInsideFolder } from '../util/paths';
import type { Command } from './command';
import { asRunRef } from '../common/commandArgs';
import { COMMAND_IDS } from '../common/commandIds';
import { resolveRun } from './ui/pickers';

/**
 * Shows a run's folder: in the OS file manager on a local desktop, in the
 * Explorer when the folder is in the workspace (remote and browser windows have
 * no OS file manager to open), else its path to copy.
 */
export class RevealRunCommand implements Command {
  readonly id = COMMAND_IDS.revealRun;
  readonly title = 'Reveal Run';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<string | undefined> {
    const ref = asRunRef(arg);
    const runId = ref?.runId ?? (await resolveRun(this.services, arg, 'Run to reveal'))?.id;
    if (!runId) return undefined;
    const folder = this.services.location.current.runDir(runId);
    const uri = vscode.Uri.file(folder);
    const local = vscode.env.remoteName === undefined && vscode.env.uiKind === vscode.UIKind.Desktop;
    const inWorkspace = (vscode.workspace.workspaceFolders ?? []).some(
      (f) => f.uri.scheme === 'file' && isInsideFolder(folder, f.uri.fsPath),
    );
    if (local) await vscode.commands.executeCommand('revealFileInOS', uri);
    else if (inWorkspace) await vscode.commands.executeCommand('revealInExplorer', uri);
    else {
      const choice = await vscode.window.showInformationMessage(`Run ${runId} is in ${folder}`, 'Copy Path');
      if (choice) await vscode.env.clipboard.writeText(folder);
    }
    return folder;
  }
}
