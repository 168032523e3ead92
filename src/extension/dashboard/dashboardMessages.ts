/**
 * The host's side of the dashboard contract (src/contracts/dashboardProtocol.ts):
 * every message the dashboard webview sends is checked before the host acts on it.
 */
import type { DashboardWebviewMessage } from '../../contracts/dashboardProtocol';
import { DASHBOARD_CHART_IDS } from '../../shared/charts';
import { parseExportMessage } from '../inspector/hostMessages';

/** More runs than this in one `watchRuns` is not something the page sends; it is refused rather than read. */
const MAX_WATCHED_RUNS = 200;

export function parseDashboardMessage(data: unknown): DashboardWebviewMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openLog':
      return { type: 'openLog' };
    case 'watchRuns': {
      const ids = m.runIds;
      if (
        !Array.isArray(ids) ||
        ids.length > MAX_WATCHED_RUNS ||
        !ids.every((id) => typeof id === 'string' && id !== '')
      )
        return null;
      return { type: 'watchRuns', runIds: [...new Set(ids as string[])] };
    }
    case 'openRun':
      return typeof m.runId === 'string' && m.runId !== '' ? { type: 'openRun', runId: m.runId } : null;
    case 'tableShown':
      if (!isCount(m.rows) || typeof m.renderMs !== 'number' || !(m.renderMs >= 0)) return null;
      return { type: 'tableShown', rows: m.rows, renderMs: m.renderMs };
    case 'export':
      return parseExportMessage(m, DASHBOARD_CHART_IDS);
    default:
      return null;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
