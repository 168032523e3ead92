import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { RunRecord } from '../../core/store/runTypes';

/** The point of the newest checkpoint that has one and still matches the run's checkpoint file. */
export function latestPoint(run: RunRecord, points: readonly TrajectoryPoint[]): TrajectoryPoint | null {
  const current = new Map(run.checkpoints.map((c) => [c.epoch, c.sha256]));
  let best: TrajectoryPoint | null = null;
  for (const point of points) {
    if (current.get(point.epoch) !== point.checkpointSha256) continue;
    if (!best || point.epoch > best.epoch) best = point;
  }
  return best;
}
