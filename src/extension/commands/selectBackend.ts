import * as vscode from 'vscode';
import type { BackendRequest } from '../../core/train/config';
import { BACKEND_CHOICES, SETTINGS_SECTION } from '../config/settings';
import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from './commandIds';

const BACKEND_DESCRIPTIONS: Record<BackendRequest, string> = {
  auto: 'the fastest that loads',
  tensorflow: 'tfjs-node: native TensorFlow (needs its download at install)',
  simd: "Invertscope's WebAssembly SIMD kernels",
  wasm: 'tfjs WebAssembly backend',
  cpu: 'tfjs plain JavaScript (slowest, always works)',
};

/** Chooses the compute path for training (the `invertscope.backend` setting). */
export class SelectBackendCommand implements Command {
  readonly id = COMMAND_IDS.selectBackend;
  readonly title = 'Select Backend';

  constructor(private readonly services: Services) {}

  async execute(): Promise<BackendRequest | undefined> {
    const current = this.services.settings.current.backend;
    const picked = await vscode.window.showQuickPick(
      BACKEND_CHOICES.map((backend) => ({ label: backend, description: BACKEND_DESCRIPTIONS[backend], detail: backend === current ? 'current' : undefined, backend })),
      { placeHolder: `Compute backend for training (now: ${current})` },
    );
    if (!picked) return undefined;
    const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // Write where the value comes from now, so a workspace setting does not silently win over the choice.
    const inspected = configuration.inspect('backend');
    const target = inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await configuration.update('backend', picked.backend, target);
    return picked.backend;
  }
}
