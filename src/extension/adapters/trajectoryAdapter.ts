import { InvertscopeError } from '../../core/errors';
import type { TrajectoryPort } from '../ports';

/**
 * The light analysis behind the TrajectoryPort. Until the analysis engine
 * writes trajectory points, there are none to read and none can be computed:
 * views show "not analysed" rather than numbers from elsewhere.
 */
export function createTrajectory(): TrajectoryPort {
  return {
    readCached: async () => [],
    compute: async () => {
      throw new InvertscopeError('INTERNAL', 'this build of Invertscope cannot compute trajectory points yet');
    },
  };
}
