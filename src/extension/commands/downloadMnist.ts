import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../config/settings';
import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';
import { withCancellableProgress } from './ui/progress';

/** Downloads the official MNIST IDX files (verified by SHA-256) and offers them as the training data folder. */
export class DownloadMnistCommand implements Command {
  readonly id = COMMAND_IDS.downloadMnist;
  readonly title = 'Download MNIST';

  constructor(private readonly services: Services) {}

  async execute(): Promise<string | undefined> {
    const configured = this.services.settings.current.dataFolder;
    const suggested =
      configured !== '' ? configured : vscode.Uri.joinPath(this.services.extension.globalStorageUri, 'mnist').fsPath;
    const choice = await vscode.window.showQuickPick(
      [
        { label: `Download to ${suggested}`, folder: suggested },
        { label: 'Choose a folder…', folder: undefined },
      ],
      { placeHolder: 'Where the four MNIST files (about 11 MB) go' },
    );
    if (!choice) return undefined;
    const folder =
      choice.folder ??
      (
        await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          openLabel: 'Download Here',
        })
      )?.[0]?.fsPath;
    if (!folder) return undefined;
    const result = await withCancellableProgress('Invertscope: downloading MNIST', (report, signal) =>
      this.services.dataset.downloadMnist(
        folder,
        (p) => {
          const mb = (p.bytesDone / 1e6).toFixed(1);
          report(
            `${p.file}: ${mb} MB${p.totalBytes ? ` of ${(p.totalBytes / 1e6).toFixed(1)} MB` : ''}`,
            p.totalBytes ? p.bytesDone / p.totalBytes : null,
          );
        },
        signal,
      ),
    );
    this.services.log.info(`MNIST downloaded to ${result.folder}: ${result.files.join(', ')}`);
    if (configured === result.folder) {
      void vscode.window.showInformationMessage(`MNIST is in ${result.folder}.`);
      return result.folder;
    }
    const use = await vscode.window.showInformationMessage(
      `MNIST is in ${result.folder}. Train on it by default?`,
      'Use for Training',
    );
    if (use)
      await vscode.workspace
        .getConfiguration(SETTINGS_SECTION)
        .update('dataFolder', result.folder, vscode.ConfigurationTarget.Global);
    return result.folder;
  }
}
