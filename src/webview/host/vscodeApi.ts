import type { HostMessage, WebviewMessage } from '../protocol';

/** What VS Code injects into every webview; callable once per page. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The typed channel to the extension host: the only place that touches acquireVsCodeApi. */
export interface HostChannel {
  post(message: WebviewMessage): void;
  /** State saved by `saveState` before the last reload, or undefined. */
  loadState(): unknown;
  saveState(state: unknown): void;
  /** Calls `handler` for every message from the host; returns the unsubscribe function. */
  onMessage(handler: (message: HostMessage) => void): () => void;
}

const HOST_MESSAGE_TYPES: ReadonlySet<string> = new Set<HostMessage['type']>([
  'init', 'run', 'metrics', 'analysisProgress', 'analysisPartial', 'analysis', 'analysisError', 'error', 'exportResult', 'revealChart', 'requestExport',
]);

/** Messages from other sources (extensions of the page, dev tools) are ignored, not trusted. */
function isHostMessage(data: unknown): data is HostMessage {
  return typeof data === 'object' && data !== null && HOST_MESSAGE_TYPES.has(String((data as { type?: unknown }).type));
}

export function connectToHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
    onMessage(handler) {
      const listener = (event: MessageEvent): void => {
        if (isHostMessage(event.data)) handler(event.data);
      };
      window.addEventListener('message', listener);
      return () => window.removeEventListener('message', listener);
    },
  };
}
