import { join } from 'node:path';
import type { AnalysisClient } from '../../backend/analysisClient';
import { readAnyCachedPoint } from '../../core/analysis/lightCheckpoint';
import type { TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import type { LogSink, TrajectoryPort } from '../ports';

/**
 * The light analysis behind the TrajectoryPort. Cached points are read here
 * (small files; the checkpoint's hash is the one its run recorded, so nothing
 * is hashed); a missing point is computed by the analysis process, in turn
 * with full analyses, and cached beside its checkpoint.
 */
export function createTrajectory(client: AnalysisClient, log: LogSink): TrajectoryPort {
  return {
    async readCached(run, runDir) {
      const points = await Promise.all(
        run.checkpoints.map((entry) =>
          readAnyCachedPoint(join(runDir, entry.file), entry.sha256).catch((error: unknown) => {
            log.warn(
              `reading the trajectory point of ${run.id} epoch ${entry.epoch}: ${error instanceof Error ? error.message : String(error)}`,
            );
            return null;
          }),
        ),
      );
      return points.filter((p): p is TrajectoryPoint => p !== null);
    },
    async compute(target, onProgress, signal) {
      const done = await client.light(
        { checkpoint: target.file },
        { onProgress: (fraction, message) => onProgress(message, fraction), signal },
      );
      for (const warning of done.warnings) log.warn(`trajectory point of ${target.file}: ${warning}`);
      return done.point;
    },
  };
}
