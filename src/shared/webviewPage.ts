/**
 * The names by which the host's page template and the webview bundle find each
 * other: the element the bundle mounts on, which app it starts there, and the
 * meta tag holding the initial state. Written by src/extension/inspector/inspectorHtml.ts,
 * read by src/webview/main.ts and src/webview/host/initialState.ts.
 */

/** `<div id="app" data-app="…">`: the element each page's app mounts on. */
export const APP_ELEMENT_ID = 'app';

/** The apps of the one webview bundle, as `data-app` names them. */
export type WebviewAppName = 'inspector' | 'dashboard';

/** The one tooltip element of a page (the inspector's, the dashboard's, the report's), which the webview creates when the page lacks it. */
export const TOOLTIP_ID = 'inspector-tooltip';

/** `<meta name="…" content="JSON">`: the state the host renders into the page before any message flows. */
export const INITIAL_STATE_META = 'invertscope-initial-state';
