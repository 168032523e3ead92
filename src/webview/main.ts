import { InspectorApp } from './app/inspectorApp';
import { DashboardApp } from './dashboard/dashboardApp';
import type { DashboardHostMessage, DashboardWebviewMessage } from '../contracts/dashboardProtocol';
import { readInitialState } from './host/initialState';
import { connectChannel, connectToHost } from './host/vscodeApi';
import { Tooltip } from './interaction/tooltip';
import { APP_ELEMENT_ID, type WebviewAppName } from '../shared/webviewPage';

/** The dashboard's host messages (a record, so a type added to the union and not here does not compile); anything else posted to the page is ignored. */
const DASHBOARD_MESSAGE_TYPES: ReadonlySet<string> = new Set(
  Object.keys({
    dashboardInit: true,
    rows: true,
    runLoss: true,
    runTrajectory: true,
    exportResult: true,
  } satisfies Record<DashboardHostMessage['type'], true>),
);

/**
 * Entry point of the webview bundle (media/dist/inspector.js), shared by the
 * inspector and the runs dashboard: `#app[data-app]` says which page this is.
 * Each app posts 'ready' once it listens.
 */
function boot(): void {
  const root = document.getElementById(APP_ELEMENT_ID);
  if (!root) throw new Error(`webview: the page has no #${APP_ELEMENT_ID} element`);
  Tooltip.forDocument(document);
  if (root.dataset.app === ('dashboard' satisfies WebviewAppName)) {
    new DashboardApp(
      root,
      connectChannel<DashboardHostMessage, DashboardWebviewMessage>(DASHBOARD_MESSAGE_TYPES),
    ).start();
    return;
  }
  const app = new InspectorApp(root, connectToHost(), readInitialState(document));
  app.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
