import * as vscode from 'vscode';
import type { SettingsStore } from './config/settingsStore';
import type { RunStoreFactory, RunStorePort } from './ports';
import { Disposable } from './util/dispose';

/**
 * The run store of the configured runs folder. When the folder changes (a
 * setting, a workspace folder added first) a new store replaces the old one and
 * the views start over.
 */
export class RunsLocation extends Disposable {
  private store: RunStorePort;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<RunStorePort>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    settings: SettingsStore,
    private readonly openStore: RunStoreFactory,
  ) {
    super();
    this.store = openStore(settings.runsFolder());
    this._register(
      settings.onDidChange(() => {
        const folder = settings.runsFolder();
        if (folder === this.store.runsFolder) return;
        this.store = this.openStore(folder);
        this.changeEmitter.fire(this.store);
      }),
    );
  }

  get current(): RunStorePort {
    return this.store;
  }
}
