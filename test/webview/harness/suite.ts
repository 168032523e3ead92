/**
 * One Chromium and one page server per test file: launching is the slow part,
 * and each test still gets a fresh browser context (its own page, storage and
 * fake host).
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, REPO_ROOT, withInspector, type InspectorPage, type OpenOptions } from './inspectorPage';
import { startPageServer, type PageServer } from './server';

export interface BrowserSuite {
  /** Opens the inspector, runs `body`, asserts the page stayed clean; screenshots on failure. */
  run(name: string, options: OpenOptions, body: (inspector: InspectorPage) => Promise<void>): Promise<void>;
}

export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  before(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startPageServer(REPO_ROOT)]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    run(name, options, body) {
      if (!browser || !server) throw new Error('browserSuite: the browser did not start (see the before hook)');
      return withInspector(browser, server, name, options, body);
    },
  };
}

/** Per-test limit: generous for a loaded CI machine, far below the suite's budget. */
export const TEST_TIMEOUT_MS = 30_000;
