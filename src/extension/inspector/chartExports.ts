import { describeError } from '../../core/errors';
import type { ExportMessage } from '../../contracts/inspectorProtocol';
import type { ChartId, ExportFormat } from '../../shared/charts';
import { saveExportedFile } from '../common/webviewExport';
import type { LogSink } from '../ports';
import { createNonce } from './inspectorHtml';
import type { PanelChannel } from './panelChannel';

/**
 * A panel's figure exports: those a command asks for (the webview serializes the
 * chart and answers with an `export` message carrying the request's id), and
 * those the person starts in the webview, saved where they choose.
 */
export class ChartExports {
  private readonly waiters = new Map<string, (message: ExportMessage) => void>();

  constructor(
    private readonly channel: PanelChannel,
    private readonly log: LogSink,
    private readonly defaultFolder: () => string,
  ) {}

  /**
   * Asks the webview to serialize a chart and waits for its `export` message;
   * rejects when the webview does not answer (the chart has nothing to show).
   */
  request(chart: ChartId | null, format: ExportFormat, timeoutMs: number): Promise<ExportMessage> {
    const requestId = createNonce();
    return new Promise<ExportMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(requestId);
        reject(
          new Error(
            `the inspector did not produce the ${chart ?? 'current'} chart as ${format} within ${timeoutMs / 1000} s`,
          ),
        );
      }, timeoutMs);
      this.waiters.set(requestId, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.channel.post({ type: 'requestExport', requestId, chart, format });
    });
  }

  /** An `export` message from the webview: the answer to a request, or else a file to save. */
  async received(message: ExportMessage): Promise<void> {
    const waiter = this.waiters.get(message.requestId);
    if (waiter) {
      this.waiters.delete(message.requestId);
      waiter(message);
      return;
    }
    await this.save(message);
  }

  /** Saves an exported chart where the person chooses; answers the webview with the outcome. */
  async save(message: ExportMessage): Promise<string | undefined> {
    let detail = 'cancelled';
    let ok = false;
    try {
      const saved = await saveExportedFile(message, this.defaultFolder());
      if (!saved) return undefined;
      ok = true;
      detail = saved;
      this.log.info(`inspector: exported ${message.chart} as ${saved}`);
      return saved;
    } catch (error) {
      detail = describeError(error);
      throw error;
    } finally {
      if (!this.channel.isDisposed())
        this.channel.post({ type: 'exportResult', requestId: message.requestId, ok, detail });
    }
  }
}
