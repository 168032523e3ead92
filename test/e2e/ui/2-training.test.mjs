// The whole loop a person goes through: train the Small model for one epoch on
// the embedded digits, watch the run and its checkpoint appear in the Runs view,
// open the inspector, read a layer's condition number and see the reconstructions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Inspector } from '../pages/inspector.mjs';
import { eventually, LONG, SHORT } from '../pages/workbench.mjs';
import { answerTrainModel, openWorkbench, step } from './session.mjs';

const TRAINING_TIMEOUT = 240_000;
const ANALYSIS_TIMEOUT = 240_000;

describe('training Small for one epoch and inspecting it', () => {
  let session;
  let runLabel = null;
  before(async () => {
    session = await openWorkbench('training');
  });
  after(async () => {
    await session?.browser.close();
  });

  const runRow = () => session.workbench.treeRow('Runs', runLabel);
  const requireRun = () => {
    if (!runLabel) throw new Error('no run to look at: the training step did not produce one');
  };

  it(
    'Train Model… asks its four questions and the run appears in the Runs view',
    { timeout: TRAINING_TIMEOUT + 60_000 },
    () =>
      step(session.workbench, 'train', async () => {
        const wb = session.workbench;
        await wb.openContainer('Invertscope');
        await wb.widenSidebar();
        await wb.runCommand('Invertscope: Train Model…');
        assert.match(await wb.quickTitle(), /Train Model/);
        await answerTrainModel(wb);

        const rows = wb.pane('Runs').locator('.monaco-list-row');
        const statusTexts = new Set();
        const watchStatus = async () => {
          const t = await wb.statusBarText('invertscope.training');
          if (t) statusTexts.add(t);
        };
        runLabel = await eventually(
          async () => {
            await watchStatus();
            const errors = (await wb.toastTexts()).filter(
              (t) => /Train Model|Training/.test(t) && /fail|error|exited|could not/i.test(t),
            );
            if (errors.length) throw new Error(`training failed: ${errors.join(' | ')}`);
            for (const row of await rows.all()) {
              if (/^small · /.test(await wb.rowDescription(row)))
                return (await row.locator('.label-name').textContent())?.trim();
            }
            return null;
          },
          90_000,
          async () =>
            `no run appeared in the Runs view; rows: ${(await wb.treeLabels('Runs')).join(', ')}; notifications: ${(await wb.toastTexts()).join(' | ')}`,
        );
        await wb.screenshot('sidebar-run-training');

        const description = await eventually(
          async () => {
            await watchStatus();
            const text = await wb.rowDescription(runRow());
            if (/failed|cancelled/.test(text))
              throw new Error(`the run ended as: ${text}; notifications: ${(await wb.toastTexts()).join(' | ')}`);
            return /completed/.test(text) ? text : null;
          },
          TRAINING_TIMEOUT,
          async () => `the run did not complete: ${await wb.rowDescription(runRow())}`,
          1000,
        );
        assert.equal(description, 'small · completed · 1 epoch');
        // The status bar names the engine that trains once the process has chosen it ('auto' here).
        assert.ok(
          [...statusTexts].some((t) => /^small on (simd|wasm|cpu): /.test(t)),
          `the status bar never named the engine: ${[...statusTexts].join(' | ')}`,
        );
      }),
  );

  it('the run expands to its checkpoint of epoch 1, whose layer is not analysed yet', () =>
    step(session.workbench, 'checkpoint', async () => {
      requireRun();
      const wb = session.workbench;
      await wb.expand(runRow());
      const checkpoint = wb.treeRow('Runs', 'epoch 1');
      await checkpoint.waitFor({ timeout: SHORT });
      assert.match(await wb.rowDescription(checkpoint), /^loss \S+ · test \S+$/);
      await wb.expand(checkpoint);
      const layer = wb.treeRow('Runs', 'Linear 1 + LeakyReLU');
      await layer.waitFor({ timeout: SHORT });
      // 'reading analysis…' first, while the cache is looked for beside the tree.
      await eventually(
        async () => (await wb.rowDescription(layer)) === 'not analysed',
        SHORT,
        async () => `layer description: ${await wb.rowDescription(layer)}`,
      );
      const hover = await wb.hoverText(layer, 'Not analysed yet');
      assert.match(hover, /Not analysed yet\.\s*Analyse Checkpoint computes σmax, σmin, κ and log\|det W\|/);
      await wb.screenshot('sidebar-checkpoint');
      await wb.parkPointer();
    }));

  it(
    "the inspector shows the checkpoint: a layer's κ on hover and the reconstruction grid",
    { timeout: ANALYSIS_TIMEOUT + 60_000 },
    () =>
      step(session.workbench, 'inspector', async () => {
        requireRun();
        const wb = session.workbench;
        await wb.treeRow('Runs', 'epoch 1').click();
        await wb.tab(`${runLabel} · epoch 1`).waitFor({ timeout: SHORT });
        const inspector = new Inspector(session.page);
        await inspector.waitLoaded();
        await inspector.waitForRun('completed');
        await wb.screenshot('inspector-loaded');
        await eventually(
          async () => {
            if (
              await inspector
                .conditionBar(0)
                .isVisible()
                .catch(() => false)
            )
              return true;
            const error = await inspector.errorText();
            if (error) throw new Error(`the inspector reports: ${error}`);
            return false;
          },
          ANALYSIS_TIMEOUT,
          async () =>
            `the condition chart did not appear; the inspector shows: ${(await inspector.text().catch(() => '')).slice(0, 400)}`,
          1000,
        );
        await wb.screenshotPart('.part.editor', 'readme-inspector');
        const tip = await inspector.hoverLayer(0);
        assert.match(tip, /κ\s*[0-9.]+(e-?\d+)?/, `tooltip: ${tip}`);
        assert.ok((await inspector.reconstructionRows().count()) >= 1, 'the reconstruction grid has no rows');
        assert.ok(
          (await inspector.card('reconstruction').locator('canvas.digit').count()) >= 4,
          'the reconstruction grid shows no images',
        );
        // The checkpoint is still expanded in the sidebar: the finished analysis refreshes its layer in place.
        const layer = wb.treeRow('Runs', 'Linear 1 + LeakyReLU');
        await eventually(
          async () => /^κ \S+$/.test(await wb.rowDescription(layer).catch(() => '')),
          SHORT,
          async () =>
            `the expanded checkpoint's layer did not take the analysis: ${await wb.rowDescription(layer).catch((e) => e.message)}; rows: ${(await wb.treeLabels('Runs')).join(', ')}`,
        );
        await wb.screenshot('inspector');
        const errors = (await wb.toastTexts()).filter((t) => /error|already registered|failed/i.test(t));
        assert.deepEqual(errors, [], 'error notifications are on screen');
      }),
  );

  it(
    "the inspector's timeline computes the run's trajectory point in the background and draws it",
    { timeout: ANALYSIS_TIMEOUT + 30_000 },
    () =>
      step(session.workbench, 'timeline', async () => {
        requireRun();
        const inspector = new Inspector(session.page);
        await eventually(
          async () => /^All 1 checkpoint analysed\./.test(await inspector.timelineStatus()),
          ANALYSIS_TIMEOUT,
          async () => `the timeline says: ${await inspector.timelineStatus().catch((e) => e.message)}`,
          1000,
        );
        assert.equal(await inspector.timelineDots('jacobian-condition').count(), 1, 'one κ(J) point');
        assert.equal(await inspector.timelineDots('round-trips').count(), 3, 'one point per round trip');
        await inspector.frame.locator('.timeline-header').scrollIntoViewIfNeeded();
        await session.workbench.screenshot('inspector-timeline');
      }),
  );

  it('the inspector comes back after a window reload', () =>
    step(session.workbench, 'reload', async () => {
      requireRun();
      const wb = session.workbench;
      await wb.runCommand('Developer: Reload Window');
      await session.page.waitForLoadState('load');
      await wb.waitReady();
      await wb.tab(`${runLabel} · epoch 1`).waitFor({ timeout: 60_000 });
      const inspector = new Inspector(session.page);
      await inspector.waitLoaded();
      await inspector.waitForRun('completed');
      assert.equal(
        await inspector.frame.locator('#fallback-reason').count(),
        0,
        'the panel fell back instead of restoring',
      );
    }));

  it('the layer rows show κ, and their hover lists σmax, σmin, κ and log|det W|', () =>
    step(session.workbench, 'layers', async () => {
      requireRun();
      const wb = session.workbench;
      await wb.openContainer('Invertscope');
      await wb.expand(runRow());
      // After the reload the extension host starts again: on a busy machine its first listing takes a while.
      const checkpoint = wb.treeRow('Runs', 'epoch 1');
      await checkpoint.waitFor({ timeout: LONG });
      await wb.expand(checkpoint);
      const layer = wb.treeRow('Runs', 'Linear 1 + LeakyReLU');
      await layer.waitFor({ timeout: SHORT });
      await eventually(
        async () => /^κ \S+$/.test(await wb.rowDescription(layer)),
        SHORT,
        async () => `layer description: ${await wb.rowDescription(layer)}`,
      );
      const hover = await wb.hoverText(layer, 'σmax');
      for (const part of ['σmax', 'σmin', 'κ = σmax/σmin', 'log|det W|'])
        assert.ok(hover.includes(part), `the hover lacks ${part}: ${hover}`);
      await wb.screenshot('sidebar-layers');
      await wb.screenshotPart('.part.sidebar', 'readme-runs-view', { height: 240, extraWidth: 260 });
    }));
});
