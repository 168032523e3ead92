import type { HostChannel } from '../host/vscodeApi';
import type { ExportMessage, HostMessage, WebviewMessage } from '../../contracts/inspectorProtocol';

/**
 * The HostChannel of a report opened from disk: there is no extension host,
 * so an exported chart is downloaded by the browser, and the person's choices
 * live as long as the page. `collect` lets the report writer (a headless
 * browser) take the exported files instead of downloading them.
 */
export interface ReportChannel extends HostChannel {
  /** While set, exports go to `sink` instead of being downloaded. */
  collect(sink: ((message: ExportMessage) => void) | null): void;
}

export function reportChannel(doc: Document): ReportChannel {
  let state: unknown;
  let sink: ((message: ExportMessage) => void) | null = null;
  return {
    post(message: WebviewMessage) {
      if (message.type !== 'export') return;
      if (sink) sink(message);
      else download(doc, message);
    },
    loadState: () => state,
    saveState: (value) => {
      state = value;
    },
    onMessage: (_handler: (message: HostMessage) => void) => () => undefined,
    collect: (next) => {
      sink = next;
    },
  };
}

function download(doc: Document, message: ExportMessage): void {
  const bytes =
    message.encoding === 'base64'
      ? Uint8Array.from(atob(message.content), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(message.content);
  const type = { svg: 'image/svg+xml', png: 'image/png', csv: 'text/csv' }[message.format];
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = message.suggestedName;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
