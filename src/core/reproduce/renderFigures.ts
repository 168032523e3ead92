import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The report's figures as files for papers and slides: the page opened in a
 * headless Chromium, every chart exported through its own PNG and SVG
 * buttons' code (so a file is what a person would save from the page). Needs
 * the optional playwright-core package and a Chromium binary; without them
 * nothing is written and `skipped` says how to get the figures.
 */
export type FigureResult =
  | { readonly kind: 'written'; readonly files: readonly string[] }
  | { readonly kind: 'skipped'; readonly reason: string };

/** Where a Chromium is looked for: $INVERTSCOPE_CHROMIUM, then the usual Linux and macOS places. */
function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [
    env.INVERTSCOPE_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '' && existsSync(c)) ?? null;
}

interface ExportedFile {
  readonly suggestedName: string;
  readonly content: string;
  readonly encoding: 'utf8' | 'base64';
}

const HOW = 'open index.html in a browser and use each chart\u2019s PNG and SVG buttons';

/** The figures of the page at `indexFile`, written to `folder` as PNG (2× scale) and SVG. */
export async function renderFigures(indexFile: string, folder: string, timeoutMs = 120_000): Promise<FigureResult> {
  let playwright: typeof import('playwright-core');
  try {
    playwright = require('playwright-core') as typeof import('playwright-core');
  } catch {
    return {
      kind: 'skipped',
      reason: `PNG figures need the playwright-core package (npm install playwright-core) and a Chromium; or ${HOW}`,
    };
  }
  const executablePath = findChromium();
  if (!executablePath) {
    return {
      kind: 'skipped',
      reason: `PNG figures need a Chromium (Debian: apt install chromium; or set INVERTSCOPE_CHROMIUM to its path); or ${HOW}`,
    };
  }
  const browser = await playwright.chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-dev-shm-usage',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    page.setDefaultTimeout(timeoutMs);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(indexFile).href);
    await page.waitForSelector('html[data-ready="true"]');
    if (errors.length > 0) throw new Error(`the report page failed: ${errors.join('; ')}`);
    const exported = await page.evaluate(async () => {
      const api = (
        globalThis as unknown as { invertscopeReport: { exportAll(format: string): Promise<ExportedFile[]> } }
      ).invertscopeReport;
      return [...(await api.exportAll('png')), ...(await api.exportAll('svg'))];
    });
    await mkdir(folder, { recursive: true });
    const files: string[] = [];
    for (const file of exported) {
      const path = join(folder, file.suggestedName.replace(/[^A-Za-z0-9._-]+/g, '-'));
      await writeFile(path, file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content);
      files.push(path);
    }
    return { kind: 'written', files };
  } finally {
    await browser.close();
  }
}
