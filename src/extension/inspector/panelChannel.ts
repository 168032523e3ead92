import type { HostMessage } from '../../contracts/inspectorProtocol';

/**
 * How a panel's collaborators reach its webview. `post` drops a message once the
 * panel is closed; `isDisposed` is checked after every await, since the person
 * can close the panel at any moment.
 */
export interface PanelChannel {
  post(message: HostMessage): void;
  isDisposed(): boolean;
}
