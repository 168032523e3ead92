import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpochMetric, StepMetric } from '../../src/core/store/runTypes';
import type { WebviewMessage } from '../../src/contracts/inspectorProtocol';
import { buildAnalysis, buildMetrics, buildRun, inspectorScene, SEED_RUN_ID, summarize } from './fixtures';
import { pathPoints, subpathCount } from './expected';
import { browserSuite, TEST_TIMEOUT_MS } from './harness/suite';

const ofType =
  <T extends WebviewMessage['type']>(type: T) =>
  (m: WebviewMessage): m is Extract<WebviewMessage, { type: T }> =>
    m.type === type;

describe('inspector session with the host', { timeout: 150_000 }, () => {
  const suite = browserSuite();

  it('says ready first, then asks for the latest checkpoint', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('session-ready', { answer: 'manual' }, async (p) => {
      const select = await p.host.next(ofType('selectCheckpoint'));
      assert.equal(p.posted[0].type, 'ready');
      assert.equal(p.posted.filter(ofType('ready')).length, 1);
      assert.deepEqual(select, { type: 'selectCheckpoint', ref: { runId: SEED_RUN_ID, epoch: 100 } });
    });
  });

  it('shows progress while the analysis is computed, then the analysis', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('session-loading', { answer: 'manual' }, async (p) => {
      const { ref } = await p.host.next(ofType('selectCheckpoint'));
      const loading = p.column(0).locator('[data-state="loading"]');
      await loading.waitFor();
      await p.send({ type: 'analysisProgress', ref, message: 'Singular values of layer 2 of 4', fraction: 0.35 });
      await loading.getByText('Singular values of layer 2 of 4 (35%)').waitFor();
      await p.send({ type: 'analysis', ref, analysis: buildAnalysis(ref.runId, ref.epoch) });
      await p.waitForAnalysis();
      assert.equal(await loading.count(), 0);
    });
  });

  it(
    "shows the layers' spectra and κ while the rest is computed, and keeps them through further progress",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('session-first-results', { answer: 'manual' }, async (p) => {
        const { ref } = await p.host.next(ofType('selectCheckpoint'));
        const whole = buildAnalysis(ref.runId, ref.epoch);
        const partial = {
          checkpointSha256: whole.checkpointSha256,
          architectureName: whole.architectureName,
          epoch: whole.epoch,
          layers: whole.layers,
        };
        await p.send({ type: 'analysisPartial', ref, partial });
        const first = p.column(0).locator('[data-state="first-results"]');
        await first.waitFor();
        assert.equal(await first.locator('tbody tr').count(), whole.layers.length);
        await p.send({ type: 'analysisProgress', ref, message: 'noise amplification', fraction: 0.6 });
        await p.column(0).getByText('noise amplification (60%)').waitFor();
        assert.equal(await first.count(), 1, 'progress does not hide the first results');
        await p.send({
          type: 'analysisPartial',
          ref,
          partial: { ...partial, jacobian: whole.jacobian, reconstruction: whole.reconstruction },
        });
        await first.getByText(/^Jacobian κ .* Reconstruction PSNR: float32/).waitFor();
        await p.send({ type: 'analysis', ref, analysis: whole });
        await p.waitForAnalysis();
        assert.equal(await first.count(), 0);
      });
    },
  );

  it(
    'draws each chart of a new analysis once, not again when its card first reports its width',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('session-draw-once', { answer: 'manual' }, async (p) => {
        const { ref } = await p.host.next(ofType('selectCheckpoint'));
        // The loss chart draws on the frame after init; on a slow machine that frame can come after this point.
        await p.page.locator('svg[data-chart="loss"][width]').waitFor({ state: 'attached' });
        // Every draw sizes its svg; setting an attribute is recorded even when the value does not change.
        await p.page.evaluate(() => {
          interface Rec {
            target: { getAttribute(name: string): string | null };
          }
          const g = globalThis as unknown as {
            __draws: Record<string, number>;
            document: unknown;
            MutationObserver: new (cb: (records: Rec[]) => void) => { observe(target: unknown, options: object): void };
          };
          g.__draws = {};
          new g.MutationObserver((records) => {
            for (const r of records) {
              const chart = r.target.getAttribute('data-chart');
              if (chart) g.__draws[chart] = (g.__draws[chart] ?? 0) + 1;
            }
          }).observe(g.document, { subtree: true, attributes: true, attributeFilter: ['width'] });
        });
        await p.send({ type: 'analysis', ref, analysis: buildAnalysis(ref.runId, ref.epoch) });
        await p.waitForAnalysis();
        // Resize observations come after the next frames' animation callbacks; give them time to arrive.
        await p.page.evaluate(
          () =>
            new Promise<void>((resolve) => {
              const g = globalThis as unknown as { requestAnimationFrame(cb: () => void): number };
              let frames = 0;
              const tick = () => {
                if (++frames >= 5) resolve();
                else g.requestAnimationFrame(tick);
              };
              g.requestAnimationFrame(tick);
            }),
        );
        const draws = await p.page.evaluate(
          () => (globalThis as unknown as { __draws: Record<string, number> }).__draws,
        );
        assert.deepEqual(draws, { condition: 1, spectrum: 1, amplification: 1, recognizability: 1, distribution: 1 });
      });
    },
  );

  it(
    'shows a failed analysis with Retry and Open Log actions that reach the host',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('session-error', { answer: 'manual' }, async (p) => {
        const { ref } = await p.host.next(ofType('selectCheckpoint'));
        await p.send({ type: 'analysisError', ref, message: 'The checkpoint file is truncated', code: 'CORRUPT' });
        const error = p.column(0).locator('[data-state="error"]');
        await error.getByText('The checkpoint file is truncated (CORRUPT)').waitFor();
        assert.equal(await error.getAttribute('role'), 'alert');
        await error.locator('[data-control="retry"]').click();
        assert.deepEqual(await p.host.next(ofType('retry')), { type: 'retry', ref });
        await error.locator('[data-control="open-log"]').click();
        await p.host.next(ofType('openLog'));
      });
    },
  );

  it(
    'says there is no checkpoint yet, and opens the first one when the run writes it',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const scene = inspectorScene();
      const young = buildRun({
        id: SEED_RUN_ID,
        objective: 'seed',
        status: 'running',
        epochs: 500,
        epochsCompleted: 4,
        checkpointEpochs: [10, 50, 100, 500],
      });
      const youngScene = {
        ...scene,
        run: young,
        metrics: buildMetrics({ objective: 'seed', fromEpoch: 1, toEpoch: 4 }),
        runs: [summarize(young, 'Base · paper loss')],
      };
      await suite.run('session-empty', { scene: youngScene }, async (p) => {
        const empty = p.column(0).locator('[data-state="empty"]');
        await empty.getByText('No checkpoint yet').waitFor();
        assert.match((await empty.textContent()) ?? '', /after epoch 10/);
        assert.ok(!p.posted.some(ofType('selectCheckpoint')), 'nothing to ask for yet');
        assert.ok(
          pathPoints(await p.chart('loss').locator('g.plot > path.step-raw').getAttribute('d')).length > 0,
          'the loss curve is there already',
        );
        const withCheckpoint = buildRun({
          id: SEED_RUN_ID,
          objective: 'seed',
          status: 'running',
          epochs: 500,
          epochsCompleted: 10,
          checkpointEpochs: [10, 50, 100, 500],
        });
        await p.send({ type: 'run', run: withCheckpoint });
        assert.deepEqual((await p.host.next(ofType('selectCheckpoint'))).ref, { runId: SEED_RUN_ID, epoch: 10 });
        await p.waitForAnalysis();
      });
    },
  );

  it('asks the host for the checkpoint chosen with the slider and shows it', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('session-slider', {}, async (p) => {
      await p.waitForAnalysis();
      const slider = p.page.locator('input[data-control="checkpoint"]');
      assert.equal(await slider.getAttribute('aria-valuetext'), 'epoch 100');
      await slider.focus();
      await p.page.keyboard.press('ArrowLeft');
      const select = await p.host.next((m) => m.type === 'selectCheckpoint' && m.ref.epoch === 50);
      assert.deepEqual(select, { type: 'selectCheckpoint', ref: { runId: SEED_RUN_ID, epoch: 50 } });
      await p.page.locator('.verdict-meta', { hasText: 'epoch 50' }).waitFor();
      assert.equal(await slider.getAttribute('aria-valuetext'), 'epoch 50');
      // The loss chart marks the checkpoint now shown.
      assert.equal(await p.chart('loss').locator('g.checkpoint-rule.is-selected text').textContent(), 'epoch 50');
    });
  });

  it('extends the loss curve as the host appends metrics', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('session-live', {}, async (p) => {
      await p.waitForAnalysis();
      const raw = p.chart('loss').locator('g.plot > path.step-raw');
      const before = pathPoints(await raw.getAttribute('d'));
      const testBefore = pathPoints(await p.chart('loss').locator('g.plot > path.epoch-test').getAttribute('d')).length;
      const appended = buildMetrics({ objective: 'seed', fromEpoch: 481, toEpoch: 490, seed: 99 });
      await p.send({ type: 'metrics', runId: SEED_RUN_ID, records: appended.slice(0, 6) });
      await p.send({ type: 'metrics', runId: SEED_RUN_ID, records: appended.slice(6) });
      const steps = appended.filter((m): m is StepMetric => m.type === 'step').length;
      await p.page.waitForFunction(
        ([n]) =>
          ((
            globalThis as unknown as {
              document: { querySelector(s: string): { getAttribute(a: string): string | null } | null };
            }
          ).document
            .querySelector('svg[data-chart="loss"] g.plot > path.step-raw')
            ?.getAttribute('d')
            ?.match(/[ML]/g)?.length ?? 0) >= n,
        [before.length + steps],
      );
      const after = pathPoints(await raw.getAttribute('d'));
      assert.equal(after.length, before.length + steps);
      assert.ok(after[after.length - 1][0] > before[before.length - 1][0], 'the curve reaches further right');
      const epochs = appended.filter((m): m is EpochMetric => m.type === 'epoch').length;
      assert.equal(
        pathPoints(await p.chart('loss').locator('g.plot > path.epoch-test').getAttribute('d')).length,
        testBefore + epochs,
      );
    });
  });

  it('leaves a gap and a marker where a step diverged', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('session-nan', {}, async (p) => {
      await p.waitForAnalysis();
      const scene = p.host.scene;
      const diverged = scene.metrics.filter((m): m is StepMetric => m.type === 'step' && !Number.isFinite(m.loss));
      assert.equal(diverged.length, 2, 'the fixture has a NaN and an infinite step');
      // Two diverged steps split each step line into three pieces.
      assert.equal(subpathCount(await p.chart('loss').locator('g.plot > path.step-raw').getAttribute('d')), 3);
      assert.equal(subpathCount(await p.chart('loss').locator('g.plot > path.step-smooth').getAttribute('d')), 3);
      assert.equal(await p.chart('loss').locator('g.diverged > path.diverged-marker').count(), 2);
      assert.match((await p.card('loss').locator('.card-footer').textContent()) ?? '', /2 diverged steps/);
      // A NaN arriving live is one more gap.
      const next: StepMetric = {
        type: 'step',
        epoch: 481,
        step: 60_001,
        loss: Number.NaN,
        parts: [Number.NaN, Number.NaN],
        samplesPerSecond: 1100,
        wallSeconds: 3400,
      };
      const good: StepMetric = { ...next, step: 60_050, loss: 1200, parts: [1199, 1] };
      const good2: StepMetric = { ...good, step: 60_100 };
      await p.send({ type: 'metrics', runId: SEED_RUN_ID, records: [next, good, good2] });
      await p.chart('loss').locator('g.diverged > path.diverged-marker').nth(2).waitFor();
      assert.equal(subpathCount(await p.chart('loss').locator('g.plot > path.step-raw').getAttribute('d')), 4);
    });
  });

  it(
    'keeps the chosen checkpoint and δ across a reload (getState/setState)',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('session-reload', {}, async (p) => {
        await p.waitForAnalysis();
        await p.choose('delta', '1e-5', p.card('amplification'));
        const slider = p.page.locator('input[data-control="checkpoint"]');
        await slider.focus();
        await p.page.keyboard.press('Home');
        await p.host.next((m) => m.type === 'selectCheckpoint' && m.ref.epoch === 10);
        await p.page.locator('.verdict-meta', { hasText: 'epoch 10' }).waitFor();
        const count = p.posted.length;
        await p.page.reload();
        const again = await p.host.next((m) => p.posted.indexOf(m) >= count && m.type === 'selectCheckpoint');
        assert.deepEqual(again, { type: 'selectCheckpoint', ref: { runId: SEED_RUN_ID, epoch: 10 } });
        await p.waitForAnalysis();
        await p.chart('amplification').locator('.legend-entry text', { hasText: 'δ = 1e-5' }).waitFor();
      });
    },
  );

  it(
    'falls back to defaults, field by field, when the saved state is invalid',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const saved = {
        version: 1,
        runId: SEED_RUN_ID,
        epoch: 50,
        compare: null,
        delta: -3,
        amplificationPrecision: 'float16',
        smoothing: 0.2,
        lossPart: 'total',
        lossLogY: true,
        generation: null,
      };
      await suite.run('session-bad-state', { savedState: saved }, async (p) => {
        assert.equal((await p.host.next(ofType('selectCheckpoint'))).ref.epoch, 50, 'the valid epoch is kept');
        await p.waitForAnalysis();
        await p.chart('amplification').locator('.legend-entry text', { hasText: 'δ = 1e-3' }).waitFor();
        assert.equal(await p.page.locator('input[data-control="smoothing"]').inputValue(), '0.2');
      });
    },
  );

  it('replaces the page with a message when the host reports a panel error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('session-panel-error', { answer: 'manual' }, async (p) => {
      await p.host.next(ofType('selectCheckpoint'));
      await p.send({ type: 'error', message: 'The run folder runs/base-seed-0121 was deleted' });
      await p.page.locator('[data-state="error"]', { hasText: 'was deleted' }).waitFor();
      assert.equal(await p.page.locator('svg[data-chart="loss"]').count(), 0);
    });
  });
});
