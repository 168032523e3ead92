import * as vscode from 'vscode';
import type { RunsLocation } from '../runsLocation';
import { Disposable } from '../util/dispose';
import { KeyedDebouncer } from '../util/keyedDebouncer';
import { changeKey, classifyRunsFolderPath, mergeChangeKeys, type ChangeBatch } from './runsFolderChanges';

/**
 * Follows the runs folder on disk, whoever writes it (this extension's trainer,
 * the CLI, another window), and reports debounced batches of changed runs.
 */
export class RunsFolderWatcher extends Disposable {
  private watcher: vscode.Disposable | undefined;
  private readonly debouncer: KeyedDebouncer<string>;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<ChangeBatch>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly location: RunsLocation, quietMs = 300, maxWaitMs = 1500) {
    super();
    this.debouncer = this._register(new KeyedDebouncer<string>(quietMs, maxWaitMs, (keys) => this.changeEmitter.fire(mergeChangeKeys(keys))));
    this.watch();
    this._register(location.onDidChange(() => this.watch()));
    this._register({ dispose: () => this.watcher?.dispose() });
  }

  private watch(): void {
    this.watcher?.dispose();
    const folder = this.location.current.runsFolder;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '**'));
    const onEvent = (uri: vscode.Uri) => {
      const change = classifyRunsFolderPath(folder, uri.fsPath);
      if (change) this.debouncer.add(changeKey(change));
    };
    watcher.onDidCreate(onEvent);
    watcher.onDidChange(onEvent);
    watcher.onDidDelete(onEvent);
    this.watcher = watcher;
  }
}
