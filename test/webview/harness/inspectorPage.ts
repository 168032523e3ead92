/**
 * Page object for the inspector in headless Chromium: opens the real page (HTML
 * from renderInspectorHtml, the built bundle and stylesheet) with a fake
 * acquireVsCodeApi whose postMessage reaches a FakeHost in this process, and
 * offers the few actions and queries the tests need. Console errors, page errors
 * and CSP violations are collected for `assertClean`.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { createNonce, renderInspectorHtml } from '../../../src/extension/inspector/inspectorHtml';
import type { HostMessage, InspectorInitialState, WebviewMessage } from '../../../src/contracts/inspectorProtocol';
import { inspectorScene, type InspectorScene } from '../fixtures';
import { FakeHost, type AnswerMode } from './fakeHost';
import type { PageServer } from './server';
import { THEMES, type ThemeName } from './themes';

/** The repository root, from out/test/webview/harness. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'webview');

/** Bounded waits everywhere: a broken page fails in seconds, not at the suite's timeout. */
export const ACTION_TIMEOUT_MS = 5000;

const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: LAUNCH_FLAGS, timeout: 20_000 });
}

export interface OpenOptions {
  readonly theme?: ThemeName;
  readonly scene?: InspectorScene;
  readonly answer?: AnswerMode;
  readonly initialState?: Partial<InspectorInitialState>;
  readonly viewport?: { width: number; height: number };
  /** State the page finds through getState, as if saved before a reload. */
  readonly savedState?: unknown;
}

let pageCounter = 0;

/** Globals of the page that the init script and tests use. */
export interface PageGlobals {
  __cspViolations: string[];
  postMessage(message: unknown, targetOrigin: string): void;
}

export class InspectorPage {
  readonly consoleErrors: string[] = [];
  private constructor(
    readonly page: Page,
    readonly host: FakeHost,
    readonly theme: ThemeName,
  ) {}

  static async open(browser: Browser, server: PageServer, options: OpenOptions = {}): Promise<InspectorPage> {
    const scene = options.scene ?? inspectorScene();
    const themeName = options.theme ?? 'dark';
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1360, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const host = new FakeHost(scene, (message) => deliver(page, message), options.answer ?? 'auto');
    const inspector = new InspectorPage(page, host, themeName);
    page.on('console', (m) => {
      if (m.type() === 'error') inspector.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => inspector.consoleErrors.push(`pageerror: ${e.message}`));
    await page.exposeBinding('__hostReceive', (_source, message: WebviewMessage) => host.handle(message));
    const theme = THEMES[themeName];
    await page.addInitScript(FAKE_VSCODE_API, {
      saved: options.savedState ?? null,
      variables: theme.variables,
      bodyClass: theme.bodyClass,
    });

    const initial: InspectorInitialState = {
      runId: scene.run.id,
      epoch: null,
      title: 'Base · paper loss',
      ...options.initialState,
    };
    const path = `/inspector-${++pageCounter}.html`;
    server.setPage(
      path,
      renderInspectorHtml({
        cspSource: server.origin,
        scriptUri: `${server.origin}/media/dist/inspector.js`,
        styleUri: `${server.origin}/media/inspector.css`,
        nonce: createNonce(),
        initialState: initial,
      }),
    );
    await page.goto(`${server.origin}${path}`);
    return inspector;
  }

  /** Posts a host message into the page, as VS Code delivers them. */
  send(message: HostMessage): Promise<void> {
    return deliver(this.page, message);
  }

  /** Every message the webview has posted so far. */
  get posted(): readonly WebviewMessage[] {
    return this.host.received;
  }

  /** Waits for the analysis of the first column to be drawn. */
  async waitForAnalysis(column = 0): Promise<void> {
    await this.column(column).locator('svg[data-chart="condition"] rect.bar').first().waitFor();
  }

  column(index: number): Locator {
    return this.page.locator('.checkpoint-view').nth(index);
  }

  chart(name: string, column = 0): Locator {
    return name === 'loss'
      ? this.page.locator('svg[data-chart="loss"]').nth(column)
      : this.column(column).locator(`svg[data-chart="${name}"]`);
  }

  card(name: string, column = 0): Locator {
    return name === 'loss'
      ? this.page.locator('[data-card="loss"]').nth(column)
      : this.column(column).locator(`[data-card="${name}"]`);
  }

  tooltip(): Locator {
    return this.page.locator('#inspector-tooltip');
  }

  /** Tooltip-like elements currently visible, however they were made. */
  visibleTooltips(): Promise<number> {
    return this.page.locator('[role="tooltip"]:visible').count();
  }

  /** Chooses an option of a toolkit dropdown by clicking it open and clicking the option. */
  async choose(control: string, optionText: string, scope: Locator | Page = this.page): Promise<void> {
    const dropdown = scope.locator(`vscode-dropdown[data-control="${control}"]`).first();
    await dropdown.click();
    await dropdown.locator('vscode-option', { hasText: optionText }).first().click();
  }

  /** No console error, page error or CSP violation happened so far. */
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

/** No console error, page error or CSP violation happened on a page of either webview so far. */
export async function assertPageClean(page: Page, consoleErrors: readonly string[]): Promise<void> {
  assert.deepEqual(
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations.slice()),
    [],
    'CSP violations',
  );
  assert.deepEqual(consoleErrors, [], 'console errors');
}

/** A full-page screenshot under test-artifacts/webview/<name>.png; returns its path. */
export async function screenshotPage(page: Page, name: string): Promise<string> {
  const file = join(ARTIFACTS, `${name}.png`);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
  return file;
}

/**
 * Posts `message` into the page as VS Code does (window.postMessage, so the page
 * gets a structured clone). Large analyses travel as JSON text, which is much
 * faster through the driver than its value serializer. JSON has no NaN or
 * ±Infinity, so those travel as sentinel numbers no analysis contains and are
 * restored in the page by one walk over the parsed value (a JSON.parse reviver
 * would be called for every one of the ~10⁵ numbers, which is slow).
 */
const SENTINELS = { nan: 1.234567e308, posInf: 1.234568e308, negInf: -1.234568e308 };

export function deliver(page: Page, message: object): Promise<void> {
  const text = JSON.stringify(message, (_key, value: unknown) => {
    if (typeof value !== 'number' || Number.isFinite(value)) return value;
    return Number.isNaN(value) ? SENTINELS.nan : value > 0 ? SENTINELS.posInf : SENTINELS.negInf;
  });
  return page.evaluate(
    ({ json, sentinels }) => {
      const restore = (v: unknown): unknown => {
        if (typeof v === 'number') {
          return v === sentinels.nan
            ? Number.NaN
            : v === sentinels.posInf
              ? Number.POSITIVE_INFINITY
              : v === sentinels.negInf
                ? Number.NEGATIVE_INFINITY
                : v;
        }
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) v[i] = restore(v[i]);
        } else if (typeof v === 'object' && v !== null) {
          const o = v as Record<string, unknown>;
          for (const k of Object.keys(o)) o[k] = restore(o[k]);
        }
        return v;
      };
      (globalThis as unknown as PageGlobals).postMessage(restore(JSON.parse(json)), '*');
    },
    { json: text, sentinels: SENTINELS },
  );
}

/**
 * Runs before the page's scripts: VS Code's acquireVsCodeApi (callable once; state
 * kept in sessionStorage so a reload finds it), the theme's variables and body
 * class, and a recorder for CSP violations. Written as a plain function because
 * Playwright sends its source text to the page.
 */
export function FAKE_VSCODE_API(args: { saved: unknown; variables: Record<string, string>; bodyClass: string }): void {
  const w = globalThis as unknown as {
    sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
    MutationObserver: new (callback: () => void) => {
      observe(target: unknown, options: { childList: boolean }): void;
      disconnect(): void;
    };
    document: {
      documentElement: { style: { setProperty(k: string, v: string): void } } | null;
      body: { classList: { add(c: string): void }; setAttribute(k: string, v: string): void };
      addEventListener(
        type: string,
        listener: (event: { violatedDirective: string; blockedURI: string }) => void,
      ): void;
    };
    __cspViolations: string[];
    __hostReceive(message: unknown): Promise<void>;
    acquireVsCodeApi?: () => unknown;
  };
  const key = '__vscodeState';
  const stored = w.sessionStorage.getItem(key);
  let state: unknown = stored !== null ? JSON.parse(stored) : (args.saved ?? undefined);
  w.__cspViolations = [];
  w.document.addEventListener('securitypolicyviolation', (e) =>
    w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
  );
  // The init script can run before <html> exists; VS Code sets these on <html>.
  const applyVariables = (): boolean => {
    const root = w.document.documentElement;
    if (!root) return false;
    for (const [name, value] of Object.entries(args.variables)) root.style.setProperty(name, value);
    return true;
  };
  if (!applyVariables()) {
    const observer = new w.MutationObserver(() => {
      if (applyVariables()) observer.disconnect();
    });
    observer.observe(w.document, { childList: true });
  }
  w.document.addEventListener('DOMContentLoaded', () => {
    w.document.body.classList.add(args.bodyClass);
    w.document.body.setAttribute('data-vscode-theme-kind', args.bodyClass);
  });
  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi: an instance has already been acquired');
    acquired = true;
    return {
      postMessage: (message: unknown) => {
        void w.__hostReceive(message);
      },
      getState: () => state,
      setState: (next: unknown) => {
        state = next;
        w.sessionStorage.setItem(key, JSON.stringify(next));
      },
    };
  };
}

/** Opens a page, runs `body`, checks the page stayed clean; screenshots it when anything fails. */
export async function withInspector(
  browser: Browser,
  server: PageServer,
  name: string,
  options: OpenOptions,
  body: (inspector: InspectorPage) => Promise<void>,
): Promise<void> {
  const inspector = await InspectorPage.open(browser, server, options);
  try {
    await body(inspector);
    await inspector.assertClean();
  } catch (error) {
    await inspector.screenshot(`failures/${name}`).catch(() => undefined);
    throw error;
  } finally {
    await inspector.close();
  }
}
