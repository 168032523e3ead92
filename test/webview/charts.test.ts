import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckpointAnalysis } from '../../src/core/analysis/types';
import type { WebviewMessage } from '../../src/contracts/inspectorProtocol';
import { buildAnalysis, DELTAS, SEED_RUN_ID } from './fixtures';
import { pathPoints, threeSignificant } from './expected';
import { browserSuite, TEST_TIMEOUT_MS } from './harness/suite';

/** Minimal shapes of the DOM objects the page-side callbacks read (the test program has no DOM lib). */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe('inspector charts', { timeout: 120_000 }, () => {
  const suite = browserSuite();
  const analysis = buildAnalysis(SEED_RUN_ID, 100);

  it('draws every chart of a checkpoint with one mark per datum', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('charts-render', {}, async (p) => {
      await p.waitForAnalysis();
      assert.equal(await p.chart('condition').locator('rect.bar').count(), 4);
      const heights = await p
        .chart('condition')
        .locator('rect.bar')
        .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
      assert.ok(
        heights.every((h) => h > 1),
        `bar heights ${heights}`,
      );
      // κ grows from layer 1 to layer 4 in the fixture, so the bars must too (log scale, same order).
      assert.deepEqual(
        [...heights].sort((a, b) => a - b),
        heights,
      );

      const lines = p.chart('spectrum').locator('path.layer-line');
      assert.equal(await lines.count(), 4);
      for (let i = 0; i < 4; i++)
        assert.equal(pathPoints(await lines.nth(i).getAttribute('d')).length, 784, `layer ${i + 1} spectrum points`);

      const stages = analysis.amplification[0].stages.length;
      assert.equal(await p.chart('amplification').locator('circle.measured-dot').count(), stages + 1);
      assert.equal(
        pathPoints(await p.chart('amplification').locator('g.plot > path.bound-line').getAttribute('d')).length,
        stages + 1,
      );
      assert.equal(await p.chart('recognizability').locator('circle.psnr-dot').count(), DELTAS.length);
      assert.match(
        (await p.chart('recognizability').locator('text.recognizable-label').textContent()) ?? '',
        /recognizable up to δ = 1e-\d|not recognizable/,
      );

      assert.equal(await p.chart('distribution').locator('g.panel').count(), 10);
      for (const cls of ['density-line', 'target-line']) {
        const ds = await p
          .chart('distribution')
          .locator(`path.${cls}`)
          .evaluateAll((paths) => paths.map((e) => e.getAttribute('d') ?? ''));
        assert.equal(ds.filter((d) => d.length > 20).length, 10, `${cls} paths`);
      }
      assert.ok(((await p.chart('loss').locator('g.plot > path.step-raw').getAttribute('d')) ?? '').length > 1000);
      assert.ok(pathPoints(await p.chart('loss').locator('g.plot > path.epoch-test').getAttribute('d')).length >= 480);

      assert.equal(
        await p.card('reconstruction').locator('canvas.digit').count(),
        analysis.reconstruction.examples.length * 4,
      );
      assert.equal(await p.card('generation').locator('.generation-grid [data-label]').count(), 10);
      assert.equal(await p.card('generation').locator('canvas.digit').count(), 80);
      assert.match((await p.page.locator('.verdict').textContent()) ?? '', /float32 is not enough/);
    });
  });

  it(
    "shows one tooltip with the layer's κ when the pointer is over its bar, and highlights the layer everywhere",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('charts-hover', {}, async (p) => {
        await p.waitForAnalysis();
        const layer = 2;
        const bar = p.chart('condition').locator(`rect.bar[data-layer="${layer}"]`);
        await bar.scrollIntoViewIfNeeded();
        const box = (await bar.boundingBox()) as Box;
        await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await p.tooltip().waitFor({ state: 'visible' });
        assert.equal(await p.visibleTooltips(), 1);
        const text = (await p.tooltip().textContent()) ?? '';
        assert.ok(text.includes('Layer 3'), text);
        assert.ok(
          text.includes(`κ${threeSignificant(analysis.layers[layer].cond)}`),
          `tooltip "${text}" lacks κ ${threeSignificant(analysis.layers[layer].cond)}`,
        );
        assert.ok(text.includes(threeSignificant(analysis.layers[layer].sigmaMin)), 'σmin');
        assert.ok(text.includes(threeSignificant(analysis.layers[layer].logAbsDet)), 'log|det W|');

        assert.equal(
          await p.chart('spectrum').locator(`path.layer-line.is-highlighted[data-layer="${layer}"]`).count(),
          1,
        );
        assert.equal(await p.chart('spectrum').locator('path.layer-line.is-dimmed').count(), 3);
        // Layer 3 is undone by two stages: its LeakyReLU inverse and its Linear inverse.
        assert.equal(
          await p.chart('amplification').locator(`rect.stage-band.is-highlighted[data-layer="${layer}"]`).count(),
          2,
        );
        assert.equal(await p.chart('amplification').locator('rect.stage-band.is-highlighted').count(), 2);

        // In the page margin there is nothing within reach: the tip goes, the highlight too.
        await p.page.mouse.move(5, box.y);
        await p.tooltip().waitFor({ state: 'hidden' });
        assert.equal(await p.visibleTooltips(), 0);
        assert.equal(await p.chart('spectrum').locator('path.layer-line.is-highlighted').count(), 0);
      });
    },
  );

  it('pins a tooltip on click and releases it with Escape', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('charts-pin', {}, async (p) => {
      await p.waitForAnalysis();
      const bar = p.chart('condition').locator('rect.bar[data-layer="0"]');
      await bar.scrollIntoViewIfNeeded();
      const box = (await bar.boundingBox()) as Box;
      await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.tooltip().waitFor({ state: 'visible' });
      await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await p.page.mouse.move(5, box.y);
      await p.page.waitForTimeout(100);
      assert.equal(await p.visibleTooltips(), 1, 'a pinned tip stays when the pointer leaves');
      assert.match((await p.tooltip().getAttribute('class')) ?? '', /is-pinned/);
      assert.equal(await p.chart('spectrum').locator('path.layer-line.is-highlighted[data-layer="0"]').count(), 1);
      await p.page.keyboard.press('Escape');
      await p.tooltip().waitFor({ state: 'hidden' });
    });
  });

  it(
    "moves focus between layers with the arrow keys, showing each layer's tooltip",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('charts-keyboard', {}, async (p) => {
        await p.waitForAnalysis();
        const bars = p.chart('condition').locator('rect.bar');
        assert.deepEqual(await bars.evaluateAll((all) => all.map((b) => b.getAttribute('tabindex'))), [
          '0',
          '-1',
          '-1',
          '-1',
        ]);
        await bars.first().focus();
        const focusedLayer = (): Promise<string | null> =>
          p.page.evaluate(
            () =>
              (
                globalThis as unknown as {
                  document: { activeElement: { getAttribute(n: string): string | null } | null };
                }
              ).document.activeElement?.getAttribute('data-layer') ?? null,
          );
        assert.equal(await focusedLayer(), '0');
        await p.tooltip().waitFor({ state: 'visible' });
        await p.page.keyboard.press('ArrowRight');
        assert.equal(await focusedLayer(), '1');
        assert.ok(((await p.tooltip().textContent()) ?? '').includes(`κ${threeSignificant(analysis.layers[1].cond)}`));
        assert.equal(await p.chart('spectrum').locator('path.layer-line.is-highlighted[data-layer="1"]').count(), 1);
        await p.page.keyboard.press('End');
        assert.equal(await focusedLayer(), '3');
        await p.page.keyboard.press('ArrowRight');
        assert.equal(await focusedLayer(), '3', 'focus stays on the last layer');
        await p.page.keyboard.press('Home');
        assert.equal(await focusedLayer(), '0');
        // Roving tabindex: exactly the focused bar is in the tab order.
        assert.deepEqual(await bars.evaluateAll((all) => all.map((b) => b.getAttribute('tabindex'))), [
          '0',
          '-1',
          '-1',
          '-1',
        ]);
        assert.equal(await p.visibleTooltips(), 1);
        assert.match((await bars.first().getAttribute('aria-label')) ?? '', /Layer 1: condition number/);
      });
    },
  );

  it('redraws the amplification chart for the δ chosen in its control', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('charts-delta', {}, async (p) => {
      await p.waitForAnalysis();
      const chart = p.chart('amplification');
      const before = await chart.locator('g.plot > path.measured-line').getAttribute('d');
      assert.match((await chart.locator('.legend-entry text').first().textContent()) ?? '', /δ = 1e-3/);
      const selectedBefore = await p.chart('recognizability').locator('line.selected-delta').getAttribute('x1');

      await p.choose('delta', '1e-1', p.card('amplification'));
      await chart.locator('.legend-entry text', { hasText: 'δ = 1e-1' }).waitFor();
      const after = await chart.locator('g.plot > path.measured-line').getAttribute('d');
      assert.notEqual(after, before);
      // Larger noise flips more LeakyReLU signs: the measured curve ends higher (smaller y).
      const end = (d: string | null): number => pathPoints(d).at(-1)?.[1] ?? Number.NaN;
      assert.ok(end(after) < end(before), `end y ${end(after)} should be above ${end(before)}`);
      assert.notEqual(
        await p.chart('recognizability').locator('line.selected-delta').getAttribute('x1'),
        selectedBefore,
      );
    });
  });

  it(
    'draws a degenerate analysis (singular layer, NaN measurements, JSON nulls, no samples) without errors',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const broken = structuredClone(analysis) as {
        -readonly [K in keyof CheckpointAnalysis]: CheckpointAnalysis[K];
      } & Record<string, unknown>;
      const layers = broken.layers.map((l) => ({ ...l }));
      layers[1] = {
        ...layers[1],
        cond: Number.POSITIVE_INFINITY,
        sigmaMin: 0,
        logAbsDet: Number.NEGATIVE_INFINITY,
        singularValues: layers[1].singularValues.map((v, i) => (i > 770 ? 0 : v)),
      };
      broken.layers = layers;
      broken.amplification = broken.amplification.map((a) => ({
        ...a,
        recognizableUpTo: null,
        points: a.points.map((p) => ({
          ...p,
          psnr: Number.NaN,
          errorAfterStage: p.errorAfterStage.map((e, i) => (i > 3 ? Number.NaN : e)),
        })),
      }));
      // An analysis read back from a JSON cache has null where NaN was.
      broken.reconstruction = {
        ...broken.reconstruction,
        examples: broken.reconstruction.examples.map((e) => ({
          ...e,
          float64: e.float64.map(() => null as unknown as number),
        })),
      };
      broken.generation = { ...broken.generation, sets: [] };
      await suite.run('charts-degenerate', { answer: 'manual' }, async (p) => {
        const select = await p.host.next((m: WebviewMessage) => m.type === 'selectCheckpoint');
        if (select.type !== 'selectCheckpoint') throw new Error('unreachable');
        await p.send({ type: 'analysis', ref: select.ref, analysis: broken });
        await p.waitForAnalysis();
        assert.equal(await p.chart('condition').locator('rect.bar.is-singular').count(), 1);
        const bar = p.chart('condition').locator('rect.bar[data-layer="1"]');
        await bar.focus();
        assert.match((await p.tooltip().textContent()) ?? '', /κ∞.*σmin0.*log\|det W\|−∞/);
        assert.equal(
          await p.chart('recognizability').locator('text.recognizable-label').textContent(),
          'not recognizable at any tested δ',
        );
        assert.equal(await p.chart('recognizability').locator('circle.psnr-dot').count(), 0);
        assert.equal(
          await p.chart('amplification').locator('circle.measured-dot').count(),
          5,
          'δ and the four stages measured before the NaN',
        );
        await p.card('generation').getByText('This analysis generated no images.').waitFor();
        assert.equal(
          await p.card('reconstruction').locator('[data-column="float64"] figcaption.is-bad').count(),
          analysis.reconstruction.examples.length,
        );
      });
    },
  );

  it(
    'shows reconstruction and generation images as non-blank canvases, NaN in its own colour',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('charts-grids', {}, async (p) => {
        await p.waitForAnalysis();
        interface Canvas {
          width: number;
          height: number;
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
          };
        }
        const summarize = (canvases: unknown[]): Array<{ distinct: number; nanPixels: number }> =>
          (canvases as Canvas[]).map((c) => {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const greys = new Set<number>();
            let nanPixels = 0;
            for (let i = 0; i < data.length; i += 4) {
              greys.add(data[i] * 65536 + data[i + 1] * 256 + data[i + 2]);
              if (data[i] === 236 && data[i + 1] === 0 && data[i + 2] === 140) nanPixels++;
            }
            return { distinct: greys.size, nanPixels };
          });
        const originals = await p
          .card('reconstruction')
          .locator('[data-column="original"] canvas')
          .evaluateAll(summarize);
        assert.equal(originals.length, 6);
        assert.ok(
          originals.every((o) => o.distinct > 10 && o.nanPixels === 0),
          JSON.stringify(originals),
        );
        const embeddings = await p
          .card('reconstruction')
          .locator('[data-column="embedding"] canvas')
          .evaluateAll(summarize);
        assert.ok(
          embeddings.every((o) => o.distinct > 50),
          'embeddings are stretched to the full grey range',
        );
        const float32 = await p.card('reconstruction').locator('[data-column="float32"] canvas').evaluateAll(summarize);
        const nanCount = analysis.reconstruction.examples.map((e) => e.float32.filter((v) => Number.isNaN(v)).length);
        assert.deepEqual(
          float32.map((o) => o.nanPixels),
          nanCount,
          'every NaN pixel, and only those, in the NaN colour',
        );
        assert.ok(
          nanCount.some((n) => n > 0),
          'the fixture has a broken float32 reconstruction',
        );
        const generated = await p.card('generation').locator('canvas.digit').evaluateAll(summarize);
        assert.ok(
          generated.every((o) => o.distinct > 2),
          'generated images are not blank',
        );
      });
    },
  );
});
