import * as vscode from 'vscode';
import type { PresetName } from '../../core/model/architecture';
import type { Services } from '../services';
import { requireTrustToImport } from '../trust';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

/** Creates a run from a PyTorch state_dict saved as safetensors (from the Explorer, or a file the person picks). */
export class ImportCheckpointCommand implements Command {
  readonly id = COMMAND_IDS.importCheckpoint;
  readonly title = 'Import safetensors Checkpoint';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<string | undefined> {
    const file =
      arg instanceof vscode.Uri
        ? arg
        : (
            await vscode.window.showOpenDialog({
              title: 'Import safetensors Checkpoint',
              canSelectMany: false,
              openLabel: 'Import',
              filters: { 'safetensors checkpoints': ['safetensors'] },
            })
          )?.[0];
    if (!file) return undefined;
    if (file.scheme !== 'file') throw new Error(`only files on this machine can be imported, not ${file.toString()}`);
    const workspaceFolders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    requireTrustToImport(vscode.workspace.isTrusted, file.fsPath, workspaceFolders);
    const model = await vscode.window.showQuickPick<vscode.QuickPickItem & { preset: PresetName | undefined }>(
      [
        { label: 'Infer from the file', description: 'layer count from the tensor names', preset: undefined },
        { label: 'Base', description: '4 × Linear + LeakyReLU', preset: 'base' },
        { label: 'Small', description: '1 × Linear + LeakyReLU', preset: 'small' },
        { label: 'NoAct', description: '4 × Linear, no activation', preset: 'noact' },
      ],
      { placeHolder: 'Architecture of the checkpoint' },
    );
    if (!model) return undefined;
    const run = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Invertscope: importing ${file.fsPath}` },
      () => this.services.location.current.importSafetensors(file.fsPath, { preset: model.preset }),
    );
    this.services.log.info(`imported ${file.fsPath} as run ${run.id}`);
    this.services.tree.refreshAll();
    void vscode.window
      .showInformationMessage(
        `Imported ${file.path.split('/').pop() ?? file.fsPath} as run ${run.id}`,
        'Open Inspector',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand(COMMAND_IDS.openInspector, { runId: run.id });
      });
    return run.id;
  }
}
