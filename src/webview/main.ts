import { InspectorApp } from './app/inspectorApp';
import { readInitialState } from './host/initialState';
import { connectToHost } from './host/vscodeApi';
import { Tooltip } from './interaction/tooltip';

/**
 * Entry point of the inspector webview bundle (media/dist/inspector.js). Reads the
 * state the host rendered into the page, connects to the host and starts the app,
 * which posts 'ready' once it listens.
 */
function boot(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('inspector: the page has no #app element');
  Tooltip.forDocument(document);
  const app = new InspectorApp(root, connectToHost(), readInitialState(document));
  app.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
