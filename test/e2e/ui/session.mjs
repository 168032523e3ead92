// One browser on one workbench for a test file, with the page's errors logged
// to the artifacts folder and a screenshot whenever a step fails.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, workbenchUrl } from '../lib/browser.mjs';
import { Workbench } from '../pages/workbench.mjs';

export function environment() {
  const need = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set; run the e2e suite through test/e2e/run.mjs`);
    return value;
  };
  return { url: need('CS_URL'), workspace: need('WS_DIR'), artifacts: need('ARTIFACTS_DIR') };
}

export async function openWorkbench(name) {
  const env = environment();
  mkdirSync(env.artifacts, { recursive: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const log = join(env.artifacts, `${name}-browser.log`);
  page.on('pageerror', (e) => appendFileSync(log, `[pageerror] ${e.message}\n`));
  page.on('console', (m) => { if (m.type() === 'error') appendFileSync(log, `[console.error] ${m.text()}\n`); });
  page.setDefaultTimeout(15_000);
  await page.goto(workbenchUrl(env.url, env.workspace));
  const workbench = new Workbench(page, env.artifacts);
  await workbench.waitReady();
  return { browser, page, workbench, env };
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
