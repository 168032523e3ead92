import { readdir, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { SettingsStore } from '../config/settingsStore';
import type { LogSink } from '../ports';
import type { RunsLocation } from '../runsLocation';
import { Disposable } from '../util/dispose';
import { KeyedDebouncer } from '../util/keyedDebouncer';
import { changeKey, classifyRunsFolderPath, mergeChangeKeys, type ChangeBatch } from './runsFolderChanges';
import { RunsFolderPoller } from './runsFolderPoller';
import { networkFileSystemName, type SnapshotFs } from './runsFolderSnapshot';

const nodeSnapshotFs: SnapshotFs = {
  readdir: (path) => readdir(path),
  stat: async (path) => {
    try {
      const s = await stat(path);
      return { mtimeMs: s.mtimeMs, size: s.size };
    } catch {
      return null;
    }
  },
};

/**
 * Follows the runs folder on disk, whoever writes it (this extension's trainer,
 * the CLI, another window, another machine), and reports debounced batches of
 * changed runs. File events come from VS Code's watcher; on a network file
 * system, where writes made by other machines raise none, the folder is also
 * polled (the `invertscope.runsFolderPolling` setting), and both feed the same
 * batches.
 */
export class RunsFolderWatcher extends Disposable {
  private watcher: vscode.Disposable | undefined;
  private poller: RunsFolderPoller | undefined;
  /** Bumped by every restart, so that a slow file system check of an earlier folder starts nothing. */
  private generation = 0;
  private readonly debouncer: KeyedDebouncer<string>;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<ChangeBatch>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly location: RunsLocation,
    private readonly settings: SettingsStore,
    private readonly log: LogSink,
    quietMs = 300,
    maxWaitMs = 1500,
  ) {
    super();
    this.debouncer = this._register(
      new KeyedDebouncer<string>(quietMs, maxWaitMs, (keys) => this.changeEmitter.fire(mergeChangeKeys(keys))),
    );
    this.restart();
    this._register(location.onDidChange(() => this.restart()));
    let polling = this.pollingKey();
    this._register(
      settings.onDidChange(() => {
        if (this.pollingKey() === polling) return;
        polling = this.pollingKey();
        this.restart();
      }),
    );
    this._register({
      dispose: () => {
        this.watcher?.dispose();
        this.poller?.dispose();
      },
    });
  }

  /** Looks at a polled folder now (Refresh Runs), rather than at the next interval. */
  pollNow(): Promise<void> {
    return this.poller?.look() ?? Promise.resolve();
  }

  private pollingKey(): string {
    return `${this.settings.current.runsFolderPolling}:${this.settings.current.runsFolderPollSeconds}`;
  }

  private restart(): void {
    this.watcher?.dispose();
    this.poller?.dispose();
    this.poller = undefined;
    const generation = ++this.generation;
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
    void this.startPolling(folder, generation);
  }

  private async startPolling(folder: string, generation: number): Promise<void> {
    const { runsFolderPolling: mode, runsFolderPollSeconds: seconds } = this.settings.current;
    if (mode === 'never') return;
    let reason = 'the invertscope.runsFolderPolling setting is "always"';
    if (mode === 'auto') {
      const network = networkFileSystemName(folder, process.platform, await statfsTypeOf(folder));
      if (!network) return;
      reason = `it is on ${network}, where other machines' writes raise no file events`;
    }
    if (this.isDisposed || generation !== this.generation) return;
    this.log.info(`runs folder ${folder}: looking at it every ${seconds} s as well as watching it (${reason})`);
    this.poller = new RunsFolderPoller(folder, seconds * 1000, nodeSnapshotFs, (changes) => {
      for (const change of changes) this.debouncer.add(changeKey(change));
    });
  }
}

/** The statfs type of the folder, or of its nearest existing parent (a runs folder is created by the first run); null when none can be read. */
async function statfsTypeOf(folder: string): Promise<number | null> {
  for (let path = folder; ; path = dirname(path)) {
    try {
      return (await statfs(path)).type;
    } catch {
      if (dirname(path) === path) return null;
    }
  }
}
