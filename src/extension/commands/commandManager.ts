import * as vscode from 'vscode';
import { Disposable } from '../util/dispose';
import type { Command } from './command';
import type { FailureReporter } from '../common/failureReporter';

/**
 * Registers commands, each wrapped so that whatever it throws (or rejects with)
 * reaches the FailureReporter instead of VS Code's generic error toast.
 */
export class CommandManager extends Disposable {
  private readonly ids = new Set<string>();

  constructor(private readonly failures: FailureReporter) {
    super();
  }

  register(command: Command): void {
    if (this.ids.has(command.id)) throw new Error(`command ${command.id} is registered twice`);
    this.ids.add(command.id);
    this._register(
      vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
        try {
          return await command.execute(...args);
        } catch (error) {
          this.failures.report(command.title, error);
          return undefined;
        }
      }),
    );
  }

  registered(): readonly string[] {
    return [...this.ids];
  }
}
