import { escapeHtml } from './inspectorHtml';

/**
 * The page a restored panel shows when it cannot show its checkpoint (the run
 * was deleted, the saved state is unreadable): a plain explanation, no script.
 */
export function renderFallbackHtml(cspSource: string, title: string, reason: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1.5em; max-width: 50em; }</style>
</head>
<body>
<h2>${escapeHtml(title)}</h2>
<p id="fallback-reason">This inspector could not be restored: ${escapeHtml(reason)}</p>
<p>Open the checkpoint again from the Invertscope Runs view.</p>
</body>
</html>`;
}
