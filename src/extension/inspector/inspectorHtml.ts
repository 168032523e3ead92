import { randomBytes } from 'node:crypto';
import type { InspectorInitialState } from '../../contracts/inspectorProtocol';
import { escapeHtml } from '../../core/escapeHtml';
import { APP_ELEMENT_ID, INITIAL_STATE_META, TOOLTIP_ID, type WebviewAppName } from '../../shared/webviewPage';

/**
 * The inspector webview's page. Pure (no vscode import) so it is tested without
 * VS Code: the panel passes `webview.cspSource`, the `asWebviewUri` of the
 * bundle and stylesheet, a fresh nonce and the initial state.
 *
 * The CSP allows nothing by default; scripts only by nonce (the one bundle);
 * styles from the extension's media and, by nonce, the <style> elements the UI
 * toolkit creates (it reads the nonce from meta[property="csp-nonce"]); images
 * from data: and blob: URLs (PNG export draws an SVG through a blob: URL).
 */
export interface InspectorHtmlOptions {
  /** `webview.cspSource` (the origin the webview loads local resources from). */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** From createNonce(); a new one for every rendering of the page. */
  readonly nonce: string;
  readonly initialState: InspectorInitialState;
}

/** 128 bits from the OS's CSPRNG, base64: unguessable, unlike Math.random. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export { escapeHtml };

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderInspectorHtml(options: InspectorHtmlOptions): string {
  const { initialState } = options;
  return renderWebviewPage({
    ...options,
    app: 'inspector',
    styleUris: [options.styleUri],
    title: initialState.title,
    bootText: `Loading the inspector for ${initialState.title}…`,
  });
}

/** A page of the webview bundle: which app it starts, its stylesheets, and the state the app reads first. */
export interface WebviewPageOptions {
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  readonly nonce: string;
  /** The app the bundle starts on this page (`#app[data-app]`). */
  readonly app: WebviewAppName;
  readonly title: string;
  /** Shown until the app replaces it. */
  readonly bootText: string;
  /** Written as JSON into the page's meta tag. */
  readonly initialState: unknown;
}

/** The one page template of every webview: the CSP, the nonce checks and the meta tags are the same for each app. */
export function renderWebviewPage(options: WebviewPageOptions): string {
  const { cspSource, scriptUri, styleUris, nonce, initialState } = options;
  // A nonce is base64; anything else could break out of the attribute it lives in.
  if (!/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(nonce))
    throw new RangeError(`renderInspectorHtml: invalid nonce: ${JSON.stringify(nonce)}`);
  // VS Code's cspSource is a source list such as "'self' https://*.vscode-cdn.net";
  // a ';' or ',' would start a new directive or policy.
  const sources = cspSource.trim().split(/\s+/);
  if (
    cspSource.trim() === '' ||
    !sources.every((s) => /^('self'|[A-Za-z][A-Za-z0-9+.-]*:[^\s;,'"<>]*|[^\s;,'"<>:]+)$/.test(s))
  ) {
    throw new RangeError(`renderInspectorHtml: invalid cspSource: ${JSON.stringify(cspSource)}`);
  }
  const styles = styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(cspSource, nonce))}">
<meta property="csp-nonce" content="${escapeHtml(nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="${INITIAL_STATE_META}" content="${escapeHtml(JSON.stringify(initialState))}">
${styles}
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="${APP_ELEMENT_ID}" data-app="${options.app}"><p class="boot">${escapeHtml(options.bootText)}</p></div>
<div id="${TOOLTIP_ID}" role="tooltip" hidden></div>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}
