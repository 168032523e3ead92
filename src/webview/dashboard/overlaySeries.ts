import type { RoundTripId, TrajectoryPoint } from '../../core/analysis/trajectoryTypes';
import { toCsv } from '../export/csv';
import { smoothSeries } from '../math/smoothing';
import type { RunLoss } from './dashboardModel';
import type { LossView } from './dashboardUiState';
import type { OverlayPoint } from './overlayChart';

/**
 * The dashboard's series, from what the host sent, as pure functions: the
 * charts draw them and the CSV exports write them, so a file has exactly the
 * numbers on screen (at full precision).
 */

/**
 * A run's loss against epoch. 'train': every logged step, smoothed with the
 * inspector's EMA; a point that averages k steps decays the average by
 * weight^k, so a long run thinned for the overlay smooths as its steps would.
 * 'test' and 'bits': one point per finished epoch.
 */
export function lossPoints(loss: RunLoss, view: LossView, smoothing: number, stepsPerEpoch: number): OverlayPoint[] {
  if (view === 'train') {
    const smooth = smoothSeries(loss.stepLoss, smoothing === 0 ? 0 : smoothing ** loss.stepsPerPoint);
    return loss.stepX.map((step, i) => ({ x: step / stepsPerEpoch, y: smooth[i] }));
  }
  return [...loss.epochs]
    .sort((a, b) => a.epoch - b.epoch)
    .map((e) => ({ x: e.epoch, y: view === 'test' ? e.testLoss : (e.testBitsPerDim ?? Number.NaN) }));
}

/** κ of the Jacobian per analysed checkpoint; a figure beyond float64's resolution is drawn hollow (a lower bound). */
export function kappaPoints(points: readonly TrajectoryPoint[]): OverlayPoint[] {
  return points.map((p) => ({ x: p.epoch, y: p.jacobian.cond, open: !p.jacobian.resolvable }));
}

export function brokenPoints(points: readonly TrajectoryPoint[], roundTrip: RoundTripId): OverlayPoint[] {
  return points.map((p) => ({ x: p.epoch, y: p.roundTrips[roundTrip].brokenFraction }));
}

/** Long-format CSV of overlaid series: one line per run and point. */
export function seriesCsv(
  valueName: string,
  series: ReadonlyArray<{ readonly key: string; readonly points: readonly OverlayPoint[] }>,
  boundColumn = false,
): string {
  const header = ['run', 'epoch', valueName, ...(boundColumn ? ['lower_bound'] : [])];
  return toCsv(
    header,
    series.flatMap((s) => s.points.map((p) => [s.key, p.x, p.y, ...(boundColumn ? [p.open === true] : [])])),
  );
}
