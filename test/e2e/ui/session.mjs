// One browser on one workbench for a test file, with the page's errors logged
// to the artifacts folder and a screenshot whenever a step fails.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, workbenchUrl } from '../lib/browser.mjs';
import { Workbench } from '../pages/workbench.mjs';

export function environment() {
  const need = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set; run the e2e suite through test/e2e/run.mjs`);
    return value;
  };
  return {
    url: need('CS_URL'),
    workspace: need('WS_DIR'),
    artifacts: need('ARTIFACTS_DIR'),
    logs: need('LOGS_DIR'),
    npmProject: need('NPM_PROJECT'),
  };
}

/** The text of the extension's log (its LogOutputChannel) in every window so far. */
export function extensionLog(logsDir) {
  if (!existsSync(logsDir)) return '';
  return readdirSync(logsDir, { recursive: true })
    .filter((entry) => String(entry).endsWith(join('invertscope.invertscope', 'Invertscope.log')))
    .map((entry) => readFileSync(join(logsDir, String(entry)), 'utf8'))
    .join('\n');
}

/** `npx invertscope <args>` in the project the npm package was installed into (test/e2e/lib/npmPackage.mjs). */
export function invertscopeCli(env, args) {
  return execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', 'invertscope', ...args], {
    cwd: env.npmProject,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}

export async function openWorkbench(name) {
  const env = environment();
  mkdirSync(env.artifacts, { recursive: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const log = join(env.artifacts, `${name}-browser.log`);
  page.on('pageerror', (e) => appendFileSync(log, `[pageerror] ${e.message}\n`));
  page.on('console', (m) => {
    if (m.type() === 'error') appendFileSync(log, `[console.error] ${m.text()}\n`);
  });
  page.setDefaultTimeout(15_000);
  try {
    // The first load of the workbench fetches a few hundred files; on a busy machine that alone takes tens of seconds.
    await page.goto(workbenchUrl(env.url, env.workspace), { timeout: 90_000 });
    const workbench = new Workbench(page, env.artifacts);
    await workbench.waitReady();
    return { browser, page, workbench, env };
  } catch (error) {
    // The caller never gets the browser to close: close it here, or the test process waits for it.
    await browser.close();
    throw error;
  }
}

/**
 * Answers Train Model's four questions as a first run would: Small, one epoch,
 * the default checkpoints, the embedded digits. Each step replaces the
 * previous one in the same widget: it waits for its number before answering.
 */
export async function answerTrainModel(wb) {
  await wb.waitForTitle(/Train Model \(1\/4\)/);
  await wb.pick('Small');
  await wb.waitForTitle(/Train Model \(2\/4\)/);
  await wb.pick('1 epoch');
  await wb.waitForTitle(/Train Model \(3\/4\)/);
  await wb.acceptInput('');
  await wb.waitForTitle(/Train Model \(4\/4\)/);
  await wb.pick('Embedded digits');
}

/** Runs a test body; on failure saves `failure-<name>.png` before rethrowing. */
export async function step(workbench, name, body) {
  try {
    return await body();
  } catch (error) {
    const shot = await workbench.screenshot(`failure-${name}`);
    if (error instanceof Error) error.message += `\n(screenshot: ${shot})`;
    throw error;
  }
}
