/**
 * The host's side of the inspector contract (src/contracts/inspectorProtocol.ts):
 * a check of every message the webview sends before the host acts on it.
 */
import type { ChartExportMessage, WebviewMessage } from '../../contracts/inspectorProtocol';
import { CHART_IDS, EXPORT_FORMATS, type ExportFormat } from '../../shared/charts';

/**
 * Checks a message from the webview before the host acts on it: the page is
 * ours, but a message that does not fit the contract is a bug to log, not to
 * follow.
 */
export function parseWebviewMessage(data: unknown): WebviewMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openLog':
      return { type: 'openLog' };
    case 'selectCheckpoint':
    case 'requestCompare':
    case 'retry': {
      const ref = parseRef(m.ref);
      return ref ? { type: m.type, ref } : null;
    }
    case 'export':
      return parseExportMessage(m, CHART_IDS);
    case 'watchTrajectory':
      return typeof m.runId === 'string' && m.runId !== '' ? { type: 'watchTrajectory', runId: m.runId } : null;
    default:
      return null;
  }
}

/** An `export` message of any webview whose chart is one of `charts`; null when a field does not fit. */
export function parseExportMessage<Id extends string>(
  m: Record<string, unknown>,
  charts: readonly Id[],
): ChartExportMessage<Id> | null {
  if (typeof m.requestId !== 'string' || typeof m.content !== 'string' || typeof m.suggestedName !== 'string')
    return null;
  if (!charts.includes(m.chart as Id) || !EXPORT_FORMATS.includes(m.format as ExportFormat)) return null;
  if (m.encoding !== 'utf8' && m.encoding !== 'base64') return null;
  return {
    type: 'export',
    requestId: m.requestId,
    chart: m.chart as Id,
    format: m.format as ExportFormat,
    content: m.content,
    encoding: m.encoding,
    suggestedName: m.suggestedName,
  };
}

function parseRef(value: unknown): { runId: string; epoch: number } | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (
    typeof r.runId !== 'string' ||
    r.runId === '' ||
    typeof r.epoch !== 'number' ||
    !Number.isInteger(r.epoch) ||
    r.epoch < 0
  )
    return null;
  return { runId: r.runId, epoch: r.epoch };
}
