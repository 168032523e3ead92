/**
 * One Chromium and one page server per test file: launching is the slow part,
 * and each test still gets a fresh browser context (its own page, storage and
 * fake host).
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { DashboardPage, type DashboardScene } from './dashboardPage';
import { launchBrowser, REPO_ROOT, withInspector, type InspectorPage, type OpenOptions } from './inspectorPage';
import { startPageServer, type PageServer } from './server';

export interface BrowserSuite {
  /** Opens the inspector, runs `body`, asserts the page stayed clean; screenshots on failure. */
  run(name: string, options: OpenOptions, body: (inspector: InspectorPage) => Promise<void>): Promise<void>;
}

/** Launches Chromium and the page server before the file's tests and closes them after; the getter fails when they did not start. */
function sharedBrowser(suite: string): () => { browser: Browser; server: PageServer } {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  before(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startPageServer(REPO_ROOT)]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return () => {
    if (!browser || !server) throw new Error(`${suite}: the browser did not start (see the before hook)`);
    return { browser, server };
  };
}

export function browserSuite(): BrowserSuite {
  const shared = sharedBrowser('browserSuite');
  return {
    run(name, options, body) {
      const { browser, server } = shared();
      return withInspector(browser, server, name, options, body);
    },
  };
}

/** Per-test limit: generous for a loaded CI machine, far below the suite's budget. */
export const TEST_TIMEOUT_MS = 30_000;

/** The same, for the runs dashboard: one browser and server per file, a fresh context per test. */
export interface DashboardSuite {
  run(
    name: string,
    scene: DashboardScene,
    body: (dashboard: DashboardPage) => Promise<void>,
    options?: Parameters<typeof DashboardPage.open>[3],
  ): Promise<void>;
}

export function dashboardSuite(): DashboardSuite {
  const shared = sharedBrowser('dashboardSuite');
  return {
    async run(name, scene, body, options) {
      const { browser, server } = shared();
      const dashboard = await DashboardPage.open(browser, server, scene, options);
      try {
        await body(dashboard);
        await dashboard.assertClean();
      } catch (error) {
        await dashboard.screenshot(`failures/${name}`).catch(() => undefined);
        throw error;
      } finally {
        await dashboard.close();
      }
    },
  };
}
