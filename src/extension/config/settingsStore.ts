import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../util/dispose';
import {
  affectsOurSettings,
  readSettings,
  resolveRunsFolder,
  SETTINGS_SECTION,
  type InvertscopeSettings,
} from './settings';

/** The current settings snapshot; replaced (never mutated) when one of our keys changes. */
export class SettingsStore extends Disposable {
  private snapshot: InvertscopeSettings;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<InvertscopeSettings>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly globalStorage: vscode.Uri) {
    super();
    this.snapshot = SettingsStore.read();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsOurSettings((section) => event.affectsConfiguration(section))) return;
        this.snapshot = SettingsStore.read();
        this.changeEmitter.fire(this.snapshot);
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.changeEmitter.fire(this.snapshot)));
  }

  get current(): InvertscopeSettings {
    return this.snapshot;
  }

  /** The absolute runs folder for the current settings and workspace. */
  runsFolder(): string {
    const folders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    return resolveRunsFolder(
      this.snapshot.runsFolder,
      folders,
      this.globalStorage.fsPath,
      (...parts) => path.join(...parts),
      (p) => path.isAbsolute(p),
    );
  }

  private static read(): InvertscopeSettings {
    const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    return readSettings((key) => configuration.get(key));
  }
}
