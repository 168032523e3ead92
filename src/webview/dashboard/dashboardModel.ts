import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { DashboardHostMessage, DashboardRow, EpochLoss, LossTrack } from '../../contracts/dashboardProtocol';
import type { ExportResultMessage } from '../../contracts/inspectorProtocol';

/** A watched run's loss as the overlay draws it: every point received so far. */
export interface RunLoss {
  readonly stepsPerPoint: number;
  readonly stepX: number[];
  readonly stepLoss: number[];
  readonly epochs: EpochLoss[];
}

export type DashboardChange =
  | { readonly kind: 'init' }
  | { readonly kind: 'rows'; readonly changed: readonly string[]; readonly removed: readonly string[] }
  | { readonly kind: 'loss'; readonly runId: string }
  | { readonly kind: 'trajectory'; readonly runId: string }
  | { readonly kind: 'export'; readonly result: ExportResultMessage };

/**
 * Everything the host has told the dashboard, applied message by message.
 * The views read from here; nothing here touches the DOM.
 */
export class DashboardModel {
  initialized = false;
  runsFolder = '';
  damaged = 0;
  /** The host's listing time of the last init, in ms. */
  listedMs = 0;
  readonly rows = new Map<string, DashboardRow>();
  readonly losses = new Map<string, RunLoss>();
  readonly trajectories = new Map<string, readonly TrajectoryPoint[]>();

  apply(message: DashboardHostMessage): DashboardChange {
    switch (message.type) {
      case 'dashboardInit':
        this.initialized = true;
        this.runsFolder = message.runsFolder;
        this.damaged = message.damaged;
        this.listedMs = message.listedMs;
        this.rows.clear();
        this.losses.clear();
        this.trajectories.clear();
        for (const row of message.rows) this.rows.set(row.id, row);
        return { kind: 'init' };
      case 'rows':
        for (const row of message.upsert) this.rows.set(row.id, row);
        for (const id of message.removed) {
          this.rows.delete(id);
          this.losses.delete(id);
          this.trajectories.delete(id);
        }
        if (message.damaged !== undefined) this.damaged = message.damaged;
        return { kind: 'rows', changed: message.upsert.map((r) => r.id), removed: message.removed };
      case 'runLoss':
        this.addLoss(message.runId, message.track, message.replace);
        return { kind: 'loss', runId: message.runId };
      case 'runTrajectory':
        this.trajectories.set(message.runId, message.points);
        return { kind: 'trajectory', runId: message.runId };
      case 'exportResult':
        return { kind: 'export', result: message };
    }
  }

  /** Forgets what the overlay no longer shows; the host sends it again when the run is ticked again. */
  unwatch(runId: string): void {
    this.losses.delete(runId);
    this.trajectories.delete(runId);
  }

  private addLoss(runId: string, track: LossTrack, replace: boolean): void {
    const current = replace ? undefined : this.losses.get(runId);
    if (!current) {
      this.losses.set(runId, {
        stepsPerPoint: track.stepsPerPoint,
        stepX: [...track.stepX],
        stepLoss: [...track.stepLoss],
        epochs: [...track.epochs],
      });
      return;
    }
    for (let i = 0; i < track.stepX.length; i++) {
      current.stepX.push(track.stepX[i]);
      current.stepLoss.push(track.stepLoss[i]);
    }
    for (const epoch of track.epochs) {
      // A resumed run records an epoch again: the later record is the one that counts.
      const at = current.epochs.findIndex((e) => e.epoch === epoch.epoch);
      if (at >= 0) current.epochs[at] = epoch;
      else current.epochs.push(epoch);
    }
  }
}
