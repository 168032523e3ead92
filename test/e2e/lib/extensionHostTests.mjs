// Runs mocha tests inside code-server's real extension host, the way
// @vscode/test-electron does with a desktop VS Code: the workbench URL's
// `payload` names extensionDevelopmentPath and extensionTestsPath, and the page
// reports the end through codeAutomationExit (and console output through
// codeAutomationLog).
import { appendFileSync } from 'node:fs';
import { format } from 'node:util';
import { launchChromium, workbenchUrl } from './browser.mjs';

export async function runExtensionHostTests({
  url,
  extensionPath,
  testsPath,
  workspace,
  logFile,
  timeoutMs = 420_000,
}) {
  const authority = new URL(url).host;
  // The authority must be the host:port the page was loaded from.
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
  ];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    let finish;
    const exited = new Promise((resolve) => {
      finish = resolve;
    });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(args ?? [])).replace(/^%c\s*\w*\s*color: #\w+\s*/, '');
      appendFileSync(logFile, `${line}\n`);
      if (/✔|✓|passing|failing|\d+\) |Error|extension-host tests|RESULT /.test(line)) console.log(`  [host] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    page.on('pageerror', (e) => appendFileSync(logFile, `[pageerror] ${e.message}\n`));
    await page.goto(workbenchUrl(url, workspace, payload));
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return code;
  } finally {
    await browser.close();
  }
}
