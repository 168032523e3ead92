// Two runs trained from VS Code — the first through the palette, the second
// through its key (Ctrl+Alt+Shift+T) — side by side in the runs dashboard
// opened from the Runs view's title: both ticked, two loss curves drawn.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Dashboard } from '../pages/dashboard.mjs';
import { eventually, SHORT } from '../pages/workbench.mjs';
import { answerTrainModel, openWorkbench, step } from './session.mjs';

const TRAINING_TIMEOUT = 300_000;

describe('two runs in the runs dashboard', () => {
  let session;
  let trained = [];
  before(async () => {
    session = await openWorkbench('dashboard');
  });
  after(async () => {
    await session?.browser.close();
  });

  it('trains two Small runs, one from the palette and one from its key', { timeout: TRAINING_TIMEOUT + 120_000 }, () =>
    step(session.workbench, 'train-two', async () => {
      const wb = session.workbench;
      await wb.openContainer('Invertscope');
      await wb.widenSidebar();
      // The runs already on disk (other test files share the workspace): the tree may not list them yet.
      const runsFolder = join(session.env.workspace, '.invertscope', 'runs');
      const existing = new Set(existsSync(runsFolder) ? readdirSync(runsFolder) : []);
      await wb.runCommand('Invertscope: Train Model…');
      await answerTrainModel(wb);
      // The second from the keyboard: the key VS Code leaves free (the extension-host tests check its defaults).
      await wb.parkPointer();
      await session.page.keyboard.press('Control+Alt+Shift+T');
      await answerTrainModel(wb);

      trained = await eventually(
        async () => {
          const errors = (await wb.toastTexts()).filter(
            (t) => /Train Model|Training/.test(t) && /fail|error|exited|could not/i.test(t),
          );
          if (errors.length) throw new Error(`training failed: ${errors.join(' | ')}`);
          const fresh = (await wb.treeLabels('Runs')).filter(
            (label) => !existing.has(label) && /^\d{8}-\d{4}-small-[0-9a-f]{4}$/.test(label),
          );
          return fresh.length >= 2 ? fresh : null;
        },
        120_000,
        async () => `two new runs did not appear; rows: ${(await wb.treeLabels('Runs')).join(', ')}`,
      );
      assert.equal(trained.length, 2, `new rows: ${trained.join(', ')}`);
      await eventually(
        async () => {
          const descriptions = await Promise.all(trained.map((id) => wb.rowDescription(wb.treeRow('Runs', id))));
          if (descriptions.some((d) => /failed|cancelled/.test(d)))
            throw new Error(`a run ended as: ${descriptions.join(' | ')}`);
          return descriptions.every((d) => /completed/.test(d));
        },
        TRAINING_TIMEOUT,
        async () =>
          `the runs did not complete: ${(await Promise.all(trained.map((id) => wb.rowDescription(wb.treeRow('Runs', id))))).join(' | ')}`,
        1000,
      );
      await wb.screenshot('dashboard-two-runs-trained');
    }),
  );

  it('opens the dashboard from the Runs view, ticks both runs and shows two loss curves', { timeout: 180_000 }, () =>
    step(session.workbench, 'dashboard', async () => {
      if (trained.length !== 2) throw new Error('no runs to look at: the training step did not produce two');
      const wb = session.workbench;
      await session.page.keyboard.press('Escape');
      // The Runs view is alone in its container, so its title actions sit in the side bar's title.
      await session.page
        .locator('.part.sidebar .action-label[aria-label="Open Runs Dashboard"]:visible')
        .first()
        .click({ timeout: SHORT });
      await wb.tab('Invertscope Runs').waitFor({ timeout: SHORT });
      const dashboard = new Dashboard(session.page);
      await dashboard.waitLoaded();
      for (const id of trained) {
        await dashboard.row(id).waitFor({ timeout: SHORT });
        assert.match(await dashboard.row(id).locator('td[data-column="status"]').textContent(), /completed/);
        assert.match(await dashboard.row(id).locator('td[data-column="model"]').textContent(), /small/);
        await dashboard.tick(id);
      }
      await eventually(
        async () =>
          (await dashboard.lossLines().count()) === 2 &&
          (await dashboard
            .lossLines()
            .evaluateAll((lines) => lines.every((l) => (l.getAttribute('d') ?? '').startsWith('M')))),
        60_000,
        async () =>
          `the loss chart shows: ${await dashboard.lossLines().count()} lines; the page says ${(await dashboard.text()).slice(0, 300)}`,
      );
      const strokes = await dashboard.lossLines().evaluateAll((lines) => lines.map((l) => l.getAttribute('stroke')));
      assert.equal(new Set(strokes).size, 2, `two colours: ${strokes.join(', ')}`);
      const legend = await dashboard.frame
        .locator('svg[data-chart="runs-loss"] .run-legend-entry text')
        .allTextContents();
      assert.deepEqual([...legend].sort(), [...trained].sort());
      await wb.parkPointer();
      await wb.screenshot('dashboard-two-loss-curves');
    }),
  );
});
