import * as vscode from 'vscode';
import { probeBackends } from '../../core/train/backendCapabilities';
import type { BackendRequest } from '../../core/train/config';
import { SETTINGS_SECTION } from '../config/settings';
import type { Services } from '../services';
import { backendChoices, backendHint, type BackendChoice } from '../training/backendChoices';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

type Item = vscode.QuickPickItem & { readonly choice?: BackendChoice };

/**
 * Chooses the compute path for training (the `invertscope.backend` setting).
 * It offers what loads in this VS Code and lists what does not, with the
 * reason; choosing one of those explains and changes nothing.
 */
export class SelectBackendCommand implements Command {
  readonly id = COMMAND_IDS.selectBackend;
  readonly title = 'Select Backend';

  constructor(private readonly services: Services) {}

  async execute(): Promise<BackendRequest | undefined> {
    const current = this.services.settings.current.backend;
    const choices = backendChoices(await probeBackends('vscode'), current);
    const item = (c: BackendChoice): Item => ({
      label: c.unavailable ? `$(circle-slash) ${c.label}` : c.label,
      description: c.description,
      // The reason's first sentence; choosing the row shows all of it.
      detail: c.unavailable?.split(/(?<=\.) /)[0] ?? (c.current ? 'current' : undefined),
      choice: c,
    });
    const blocked = choices.filter((c) => c.unavailable !== null);
    const items: Item[] = [
      ...choices.filter((c) => c.unavailable === null).map(item),
      ...(blocked.length > 0
        ? [{ label: 'Cannot load here', kind: vscode.QuickPickItemKind.Separator }, ...blocked.map(item)]
        : []),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: backendHint(choices, current),
      matchOnDescription: true,
    });
    const choice = picked?.choice;
    if (!choice) return undefined;
    if (choice.unavailable !== null) {
      void vscode.window.showWarningMessage(`The ${choice.label} backend cannot train here: ${choice.unavailable}`);
      return undefined;
    }
    const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // Write where the value comes from now, so a workspace setting does not silently win over the choice.
    const inspected = configuration.inspect('backend');
    const target =
      inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    await configuration.update('backend', choice.backend, target);
    return choice.backend;
  }
}
