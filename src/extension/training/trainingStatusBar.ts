import * as vscode from 'vscode';
import { COMMAND_IDS, CONTEXT_KEYS } from '../common/commandIds';
import { Disposable } from '../util/dispose';
import { progressText, statusBarText } from './liveProgress';
import type { TrainingController } from './trainingController';

/** Epoch, loss and speed of the newest training while any runs; a click offers Stop and Open Inspector. */
export class TrainingStatusBar extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('invertscope.training', vscode.StatusBarAlignment.Left, 10),
  );
  private lastUpdate = 0;
  private contextValue: boolean | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly training: TrainingController) {
    super();
    this.item.name = 'Invertscope Training';
    this.item.command = COMMAND_IDS.showTrainingActions;
    this._register(training.onDidChange(() => this.scheduleUpdate()));
    this._register(training.onDidEnd(() => this.update()));
    this._register({ dispose: () => clearTimeout(this.pending) });
    this.update();
  }

  /** Progress arrives every step; the bar changes at most a few times a second. */
  private scheduleUpdate(): void {
    const wait = 250 - (Date.now() - this.lastUpdate);
    if (wait <= 0) return this.update();
    if (this.pending === undefined) this.pending = setTimeout(() => this.update(), wait);
  }

  private update(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.lastUpdate = Date.now();
    const all = this.training.list();
    if (this.contextValue !== all.length > 0) {
      this.contextValue = all.length > 0;
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.trainingActive, this.contextValue);
    }
    const latest = all[all.length - 1];
    if (!latest) {
      this.item.hide();
      return;
    }
    this.item.text = statusBarText(latest.progress, latest.label, all.length - 1, latest.backend?.name ?? null);
    const engine = latest.backend ? `\nEngine: ${latest.backend.description}` : '\nEngine: being chosen…';
    this.item.tooltip = `Invertscope: training ${latest.runId ?? latest.label} — ${progressText(latest.progress)}${latest.stopRequested ? ' (stopping…)' : ''}${engine}\nClick for Stop Training and Open Inspector.`;
    this.item.show();
  }
}
