import * as vscode from 'vscode';
import type { Services } from '../services';
import type { Command } from './command';
import { asRunRef } from '../common/commandArgs';
import { COMMAND_IDS } from '../common/commandIds';
import { resolveRun } from './ui/pickers';

/** Deletes a run folder after a modal confirmation; refuses while the run is training. */
export class DeleteRunCommand implements Command {
  readonly id = COMMAND_IDS.deleteRun;
  readonly title = 'Delete Run';

  constructor(private readonly services: Services) {}

  async execute(arg?: unknown): Promise<boolean> {
    const store = this.services.location.current;
    // A damaged run (unreadable run.json) has an id but no record; it can still be deleted.
    const ref = asRunRef(arg);
    let runId: string;
    let detail: string;
    if (ref && (arg as { damaged?: unknown }).damaged !== undefined) {
      runId = ref.runId;
      detail = 'Its run.json cannot be read.';
    } else {
      const run = await resolveRun(this.services, arg, 'Run to delete', (r) => r.status !== 'running');
      if (!run) return false;
      runId = run.id;
      if (run.status === 'running') {
        throw new Error(`run ${run.id} is training; stop it before deleting it`);
      }
      detail = `${run.config.architecture.name}, ${run.epochsCompleted} epochs, ${run.checkpoints.length} checkpoint${run.checkpoints.length === 1 ? '' : 's'}.`;
    }
    if (this.services.training.findByRun(runId))
      throw new Error(`run ${runId} is training; stop it before deleting it`);
    const choice = await vscode.window.showWarningMessage(
      `Delete run ${runId}?`,
      {
        modal: true,
        detail: `${detail}\nIts folder ${store.runDir(runId)} and everything in it are removed. This cannot be undone.`,
      },
      'Delete',
    );
    if (choice !== 'Delete') return false;
    await store.deleteRun(runId);
    this.services.log.info(`deleted run ${runId}`);
    this.services.inspectors.closeRun(runId);
    this.services.tree.refreshAll();
    return true;
  }
}
