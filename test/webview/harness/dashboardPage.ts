/**
 * Page object for the runs dashboard in headless Chromium: the real page
 * (renderWebviewPage, the built bundle and both stylesheets) with the fake
 * acquireVsCodeApi of the inspector's harness, whose postMessage reaches a
 * FakeDashboardHost here. The host answers 'ready' with the scene's rows and
 * records everything else; tests send the rest themselves.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { createNonce, renderWebviewPage } from '../../../src/extension/inspector/inspectorHtml';
import type {
  DashboardHostMessage,
  DashboardRow,
  DashboardWebviewMessage,
} from '../../../src/contracts/dashboardProtocol';
import { ACTION_TIMEOUT_MS, assertPageClean, deliver, FAKE_VSCODE_API, screenshotPage } from './inspectorPage';
import { MessageRecorder } from './messageRecorder';
import type { PageServer } from './server';
import { THEMES, type ThemeName } from './themes';

export interface DashboardScene {
  readonly rows: readonly DashboardRow[];
  readonly runsFolder: string;
  readonly damaged?: number;
}

export class FakeDashboardHost extends MessageRecorder<DashboardWebviewMessage> {
  constructor(
    readonly scene: DashboardScene,
    private readonly send: (message: DashboardHostMessage) => Promise<void>,
  ) {
    super();
  }

  async handle(message: DashboardWebviewMessage): Promise<void> {
    this.record(message);
    if (message.type === 'ready') {
      await this.send({
        type: 'dashboardInit',
        runsFolder: this.scene.runsFolder,
        rows: this.scene.rows,
        damaged: this.scene.damaged ?? 0,
        listedMs: 12,
      });
    }
  }
}

let pageCounter = 0;

export class DashboardPage {
  readonly consoleErrors: string[] = [];
  private constructor(
    readonly page: Page,
    readonly host: FakeDashboardHost,
  ) {}

  static async open(
    browser: Browser,
    server: PageServer,
    scene: DashboardScene,
    options: { theme?: ThemeName; savedState?: unknown; viewport?: { width: number; height: number } } = {},
  ): Promise<DashboardPage> {
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1360, height: 1000 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const host = new FakeDashboardHost(scene, (message) => deliver(page, message));
    const dashboard = new DashboardPage(page, host);
    page.on('console', (m) => {
      if (m.type() === 'error') dashboard.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => dashboard.consoleErrors.push(`pageerror: ${e.message}`));
    await page.exposeBinding('__hostReceive', (_source, message: DashboardWebviewMessage) => host.handle(message));
    const theme = THEMES[options.theme ?? 'dark'];
    await page.addInitScript(FAKE_VSCODE_API, {
      saved: options.savedState ?? null,
      variables: theme.variables,
      bodyClass: theme.bodyClass,
    });
    const path = `/dashboard-${++pageCounter}.html`;
    server.setPage(
      path,
      renderWebviewPage({
        cspSource: server.origin,
        scriptUri: `${server.origin}/media/dist/inspector.js`,
        styleUris: [`${server.origin}/media/inspector.css`, `${server.origin}/media/dashboard.css`],
        nonce: createNonce(),
        app: 'dashboard',
        title: 'Invertscope Runs',
        bootText: 'Listing the runs…',
        initialState: { title: 'Invertscope Runs' },
      }),
    );
    await page.goto(`${server.origin}${path}`);
    return dashboard;
  }

  send(message: DashboardHostMessage): Promise<void> {
    return deliver(this.page, message);
  }

  /** Run ids of the table's rows in the page (those in view and a few around them), top to bottom. */
  async rowIds(): Promise<string[]> {
    return this.page
      .locator('table.runs-table tbody tr[data-run]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run') ?? ''));
  }

  row(runId: string): Locator {
    return this.page.locator(`table.runs-table tbody tr[data-run="${runId}"]`);
  }

  chart(id: 'runs-loss' | 'runs-condition' | 'runs-broken'): Locator {
    return this.page.locator(`svg[data-chart="${id}"]`);
  }

  card(id: string): Locator {
    return this.page.locator(`[data-card="${id}"]`);
  }

  tooltip(): Locator {
    return this.page.locator('#inspector-tooltip');
  }

  async tick(runId: string): Promise<void> {
    await this.row(runId).locator('input[data-control="select-run"]').check();
  }

  assertClean(): Promise<void> {
    return assertPageClean(this.page, this.consoleErrors);
  }

  screenshot(name: string): Promise<string> {
    return screenshotPage(this.page, name);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
