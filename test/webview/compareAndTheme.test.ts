import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckpointAnalysis } from '../../src/core/analysis/types';
import type { WebviewMessage } from '../../src/contracts/inspectorProtocol';
import { bitsPerDimOf, buildAnalysis, FLOW_RUN_ID, inspectorScene, SEED_RUN_ID } from './fixtures';
import { browserSuite, TEST_TIMEOUT_MS } from './harness/suite';
import { THEMES } from './harness/themes';
import { threeSignificant } from './expected';
import { EPOCH_DIGITS, formatNumber } from '../../src/shared/formatNumber';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const scene = inspectorScene();

/** A figure as the inspector writes it (bits/dim included), as a regular expression. */
function asPattern(value: number): string {
  return threeSignificant(value).replace('.', '\\.');
}

/**
 * Compare mode, the two themes, and the screenshots a person looks at
 * (test-artifacts/webview/*.png).
 */
describe('inspector compare mode and themes', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it(
    'compares with another run side by side and links layer hover across both',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('compare', { viewport: { width: 1600, height: 1000 } }, async (p) => {
        await p.waitForAnalysis();
        await p.choose('compare', 'Base · flow loss · epoch 100');
        const request = await p.host.next((m: WebviewMessage) => m.type === 'requestCompare');
        assert.deepEqual(request, { type: 'requestCompare', ref: { runId: FLOW_RUN_ID, epoch: 100 } });
        await p.waitForAnalysis(1);
        assert.equal(await p.page.locator('.checkpoint-view').count(), 2);
        assert.deepEqual(await p.page.locator('.column-heading').allTextContents(), [
          'This run · epoch 100',
          'Base · flow loss · epoch 100',
        ]);
        assert.equal(await p.page.locator('svg[data-chart="loss"]').count(), 2, 'each run shows its own loss');
        // Side by side, the same chart uses the same y scale in both columns.
        for (const chart of ['condition', 'spectrum', 'amplification']) {
          const ticks = (column: number): Promise<string[]> =>
            p.chart(chart, column).locator('g.axis-y .tick text').allTextContents();
          assert.deepEqual(await ticks(1), await ticks(0), `${chart} y ticks`);
        }
        const topOf = (column: number): Promise<number> =>
          p
            .chart('condition', column)
            .locator('rect.bar[data-layer="3"]')
            .evaluate((e) => Number(e.getAttribute('y')));
        assert.ok((await topOf(1)) > (await topOf(0)), "the flow run's smaller κ is drawn lower on the shared scale");
        // The flow run's loss is negative: no log scale for it.
        await p.page
          .locator('[data-card="loss"]')
          .nth(1)
          .locator('vscode-checkbox[data-control="loss-log"][disabled]')
          .waitFor({ state: 'attached' });
        // Each loss card names its own run's loss parts, and the flow's reads in bits/dim as well.
        const lossCard = (column: number) => p.page.locator('[data-card="loss"]').nth(column);
        assert.match((await lossCard(0).textContent()) ?? '', /variance penalty/);
        assert.match((await lossCard(1).textContent()) ?? '', /latent NLL/);
        assert.doesNotMatch((await lossCard(1).textContent()) ?? '', /variance penalty/);
        const flowBits = bitsPerDimOf(scene.flowMetrics.filter((m) => m.type === 'epoch').slice(-1)[0].testLoss);
        assert.match(
          (await lossCard(1).textContent()) ?? '',
          // Epoch figures to five digits, where a flow's training moves them.
          new RegExp(`test ${formatNumber(flowBits, EPOCH_DIGITS).replace('.', '\\.')} bits/dim at epoch 500`),
        );
        assert.doesNotMatch((await lossCard(0).textContent()) ?? '', /bits\/dim/);
        // The flow's verdict gives its test density and its samples per temperature; the paper run has no density.
        const density = bitsPerDimOf(buildAnalysis(FLOW_RUN_ID, 100, 'flow').density?.nll ?? Number.NaN);
        assert.match(
          (await p.column(1).locator('.verdict').textContent()) ?? '',
          new RegExp(`Density \\(test\\)${asPattern(density)} bits/dim`),
        );
        assert.match(
          (await p.column(1).locator('.verdict').textContent()) ?? '',
          /Samples of the target N\(2a, T²\)T = 1: [\d.]+% · T = 0\.5: [\d.]+%/,
        );
        assert.doesNotMatch((await p.column(0).locator('.verdict').textContent()) ?? '', /Density/);

        const bar = p.chart('condition', 0).locator('rect.bar[data-layer="3"]');
        await bar.scrollIntoViewIfNeeded();
        const box = (await bar.boundingBox()) as Box;
        await p.page.mouse.move(box.x + box.width / 2, box.y + box.height - 4);
        await p.tooltip().waitFor({ state: 'visible' });
        assert.equal(await p.visibleTooltips(), 1);
        assert.equal(await p.chart('spectrum', 1).locator('path.layer-line.is-highlighted[data-layer="3"]').count(), 1);
        assert.equal(await p.chart('condition', 1).locator('rect.bar.is-highlighted[data-layer="3"]').count(), 1);
        await p.page.mouse.move(3, 3);
        await p.tooltip().waitFor({ state: 'hidden' });
        await p.screenshot('compare-dark');

        await p.page.locator('[data-control="close-compare"]').click();
        await p.page.waitForFunction(
          () =>
            (
              globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
            ).document.querySelectorAll('.checkpoint-view').length === 1,
        );
      });
    },
  );

  it(
    'compares two checkpoints of one run under a single loss chart that marks both',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('compare-same-run', {}, async (p) => {
        await p.waitForAnalysis();
        await p.choose('compare', 'this run · epoch 10');
        assert.deepEqual(await p.host.next((m: WebviewMessage) => m.type === 'requestCompare'), {
          type: 'requestCompare',
          ref: { runId: SEED_RUN_ID, epoch: 10 },
        });
        await p.waitForAnalysis(1);
        assert.equal(await p.page.locator('svg[data-chart="loss"]').count(), 1);
        assert.deepEqual(await p.chart('loss').locator('g.checkpoint-rule.is-selected text').allTextContents(), [
          'epoch 10',
          'epoch 100',
        ]);
        assert.match((await p.column(1).locator('.verdict-badge').textContent()) ?? '', /Invertible in float32/);
      });
    },
  );

  it("names a flow's learned class prior as what its generation samples", { timeout: TEST_TIMEOUT_MS }, async () => {
    const flow = buildAnalysis(FLOW_RUN_ID, 100, 'flow');
    const learned: CheckpointAnalysis = {
      ...flow,
      density: flow.density ? { ...flow.density, prior: 'class' } : undefined,
      generation: {
        ...flow.generation,
        sets: flow.generation.sets.map((set) => (set.source === 'target' ? { ...set, prior: 'class' as const } : set)),
      },
    };
    await suite.run('class-prior', { answer: 'manual' }, async (p) => {
      const select = await p.host.next((m: WebviewMessage) => m.type === 'selectCheckpoint');
      if (select.type !== 'selectCheckpoint') throw new Error('unreachable');
      await p.send({ type: 'analysis', ref: select.ref, analysis: learned });
      await p.waitForAnalysis();
      assert.match(
        (await p.card('generation').textContent()) ?? '',
        /learned prior N\(μₐ, T²Σₐ\) · float32 · T = 1: the classifier reads/,
      );
      const verdict = (await p.column(0).locator('.verdict').textContent()) ?? '';
      assert.match(verdict, /learned class prior/);
      assert.match(verdict, /Samples of the learned priorT = 1: /);
      assert.match(
        (await p.card('distribution').textContent()) ?? '',
        /this flow maps each digit onto its own learned prior/,
      );
      await p.screenshot('class-prior');
    });
  });

  it(
    "shows a flow's prior samples at T = 1 and at the next lower temperature side by side",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const flow = buildAnalysis(FLOW_RUN_ID, 100, 'flow');
      const atOne = flow.generation.sets.find(
        (set) => set.source === 'target' && set.precision === 'float32' && set.temperature === 1,
      );
      if (!atOne) throw new Error('the flow fixture samples its target at T = 1 in float32');
      const cooler = {
        ...atOne,
        temperature: 0.7,
        accuracy: 0.9,
        perClass: atOne.perClass.map((c) => ({ ...c, accuracy: 0.9 })),
      };
      const paired: CheckpointAnalysis = {
        ...flow,
        generation: {
          ...flow.generation,
          sets: [...flow.generation.sets, cooler].map((set) =>
            set.source === 'target' ? { ...set, prior: 'class' as const } : set,
          ),
        },
      };
      await suite.run(
        'generation-temperatures',
        { answer: 'manual', viewport: { width: 1400, height: 1000 } },
        async (p) => {
          const select = await p.host.next((m: WebviewMessage) => m.type === 'selectCheckpoint');
          if (select.type !== 'selectCheckpoint') throw new Error('unreachable');
          await p.send({ type: 'analysis', ref: select.ref, analysis: paired });
          await p.waitForAnalysis();
          const card = p.card('generation');
          assert.equal(await card.locator('.generation-grid [data-label]').count(), 10);
          assert.equal(await card.locator('.grid-row[data-label="3"] .gen-set').count(), 2);
          assert.equal(
            await card.locator('canvas.digit').count(),
            2 * atOne.perClass.reduce((s, c) => s + c.images.length, 0),
          );
          const text = (await card.textContent()) ?? '';
          assert.match(text, /T = 1: read as it · distance/);
          assert.match(text, /T = 0\.7: read as it · distance/);
          assert.match(text, /at T = 0\.7, 90%/);
          await p.screenshot('generation-temperatures');
        },
      );
    },
  );

  for (const theme of ['dark', 'light'] as const) {
    it(`renders the full inspector readably in the ${theme} theme`, { timeout: TEST_TIMEOUT_MS }, async () => {
      await suite.run(`theme-${theme}`, { theme }, async (p) => {
        await p.waitForAnalysis();
        const colours = await p.page.evaluate(() => {
          const g = globalThis as unknown as {
            getComputedStyle(e: unknown): { backgroundColor: string; color: string; fill: string };
            document: { body: unknown; querySelector(s: string): unknown };
          };
          return {
            background: g.getComputedStyle(g.document.body).backgroundColor,
            text: g.getComputedStyle(g.document.body).color,
            axis: g.getComputedStyle(g.document.querySelector('svg[data-chart="condition"] .axis text')).fill,
          };
        });
        const expected = THEMES[theme].variables;
        assert.equal(colours.background, hexToRgb(expected['--vscode-editor-background']));
        assert.equal(colours.text, hexToRgb(expected['--vscode-foreground']));
        assert.equal(colours.axis, hexToRgb(expected['--vscode-descriptionForeground']));
        await p.screenshot(`inspector-${theme}`);
      });
    });
  }

  it('follows a theme change without a reload', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('theme-switch', { theme: 'dark' }, async (p) => {
      await p.waitForAnalysis();
      const light = THEMES.light;
      // What VS Code does on a theme change: new variables on <html>, a new body class.
      await p.page.evaluate(
        (theme) => {
          const d = (
            globalThis as unknown as {
              document: {
                documentElement: { style: { setProperty(k: string, v: string): void } };
                body: { classList: { remove(c: string): void; add(c: string): void } };
              };
            }
          ).document;
          for (const [k, v] of Object.entries(theme.variables)) d.documentElement.style.setProperty(k, v);
          d.body.classList.remove('vscode-dark');
          d.body.classList.add(theme.bodyClass);
        },
        { variables: light.variables, bodyClass: light.bodyClass },
      );
      const fill = await p
        .chart('condition')
        .locator('rect.bar')
        .first()
        .evaluate(
          (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(e).fill,
        );
      assert.equal(fill, hexToRgb(light.variables['--vscode-charts-blue']));
      await p.chart('condition').locator('rect.bar').first().scrollIntoViewIfNeeded();
      const box = (await p.chart('condition').locator('rect.bar').first().boundingBox()) as Box;
      await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.tooltip().waitFor({ state: 'visible' });
      const tipBackground = await p
        .tooltip()
        .evaluate(
          (e) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(e)
              .backgroundColor,
        );
      assert.equal(tipBackground, hexToRgb(light.variables['--vscode-editorHoverWidget-background']));
    });
  });

  it('shows the loading state with its progress text', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('state-loading', { answer: 'manual', viewport: { width: 1200, height: 700 } }, async (p) => {
      const select = await p.host.next((m: WebviewMessage) => m.type === 'selectCheckpoint');
      if (select.type !== 'selectCheckpoint') throw new Error('unreachable');
      await p.send({
        type: 'analysisProgress',
        ref: select.ref,
        message: 'Jacobian at the mean test image',
        fraction: 0.8,
      });
      await p.page.getByText('Jacobian at the mean test image (80%)').waitFor();
      assert.equal(select.ref.runId, SEED_RUN_ID);
      await p.screenshot('state-loading');
    });
  });
});

function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
