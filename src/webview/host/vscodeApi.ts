import type { HostMessage, WebviewMessage } from '../../contracts/inspectorProtocol';

/** What VS Code injects into every webview; callable once per page. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** A typed channel to the extension host, for one page's contract: `In` from the host, `Out` to it. */
export interface Channel<In, Out> {
  post(message: Out): void;
  /** State saved by `saveState` before the last reload, or undefined. */
  loadState(): unknown;
  saveState(state: unknown): void;
  /** Calls `handler` for every message from the host; returns the unsubscribe function. */
  onMessage(handler: (message: In) => void): () => void;
}

/** The inspector's channel. */
export type HostChannel = Channel<HostMessage, WebviewMessage>;

/** Every host message type, as a record so a type added to HostMessage and not here does not compile. */
const HOST_MESSAGE_TYPES: ReadonlySet<string> = new Set(
  Object.keys({
    init: true,
    run: true,
    metrics: true,
    analysisProgress: true,
    analysisPartial: true,
    analysis: true,
    analysisError: true,
    error: true,
    exportResult: true,
    revealChart: true,
    requestExport: true,
    trajectory: true,
  } satisfies Record<HostMessage['type'], true>),
);

export function connectToHost(): HostChannel {
  return connectChannel<HostMessage, WebviewMessage>(HOST_MESSAGE_TYPES);
}

/**
 * The only place that touches acquireVsCodeApi. Messages whose type is not
 * one of `types` (from extensions of the page, dev tools) are ignored, not trusted.
 */
export function connectChannel<In extends { readonly type: string }, Out>(
  types: ReadonlySet<string>,
): Channel<In, Out> {
  const api = acquireVsCodeApi();
  const isMessage = (data: unknown): data is In =>
    typeof data === 'object' && data !== null && types.has(String((data as { type?: unknown }).type));
  return {
    post: (message) => api.postMessage(message),
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
    onMessage(handler) {
      const listener = (event: MessageEvent): void => {
        if (isMessage(event.data)) handler(event.data);
      };
      window.addEventListener('message', listener);
      return () => window.removeEventListener('message', listener);
    },
  };
}
