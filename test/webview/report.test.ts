import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RunTrajectory } from '../../src/core/analysis/trajectoryTypes';
import {
  REPORT_FORMAT_VERSION,
  REPORT_KIND,
  type ReportData,
  type ReportModel,
} from '../../src/core/reproduce/reportData';
import { findingsTable, modelTable } from '../../src/core/reproduce/summaryTable';
import { writeReport } from '../../src/core/reproduce/writeReport';
import { buildAnalysis, buildMetrics } from './fixtures';
import { ARTIFACTS, launchBrowser, REPO_ROOT } from './harness/inspectorPage';
import { TEST_TIMEOUT_MS } from './harness/suite';

/** Minimal shapes of the DOM objects the page-side callbacks read (the test program has no DOM lib). */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const NUMBER_WORDS: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * A trajectory of a real run: `invertscope timeline <run> --light-only --seeds 3 --json` of Small and Base
 * trained 10 epochs on the embedded digits (checkpoints 1, 2, 3, 5, 10), and of flow11's initialized
 * model fitted to 1,000 training digits (one checkpoint, epoch 0), as it printed it.
 */
function fixtureTrajectory(model: 'small' | 'base' | 'flow11'): RunTrajectory {
  const text = readFileSync(join(REPO_ROOT, 'test', 'webview', 'fixtures', `trajectory-${model}.json`), 'utf8');
  return JSON.parse(text, (_k, v: unknown) =>
    typeof v === 'string' && v in NUMBER_WORDS ? NUMBER_WORDS[v] : v,
  ) as RunTrajectory;
}

function model(key: 'small' | 'base' | 'flow11', label: string): ReportModel {
  const trajectory = fixtureTrajectory(key);
  const last = trajectory.points[trajectory.points.length - 1].epoch;
  return {
    key,
    label,
    runId: trajectory.runId,
    architecture: trajectory.architectureName,
    objective: trajectory.objective,
    epochs: last,
    trainSeconds: 12,
    backend: 'Invertscope WebAssembly SIMD, 2 threads',
    dataWarning: key === 'base' ? 'Imported: its test images may include images it was trained on.' : null,
    trajectory,
    table: modelTable(trajectory),
    epochMetrics:
      last === 0
        ? []
        : buildMetrics({ objective: 'seed', fromEpoch: 1, toEpoch: last }).filter((m) => m.type === 'epoch'),
    analyses: key === 'base' ? [{ epoch: last, analysis: buildAnalysis(trajectory.runId, last) }] : [],
  };
}

const MODELS = [model('small', 'Small'), model('base', 'Base'), model('flow11', 'Flow11')];

const DATA: ReportData = {
  kind: REPORT_KIND,
  formatVersion: REPORT_FORMAT_VERSION,
  title: 'Invertscope reproduction (test)',
  generatedAt: '2026-01-21T09:00:00.000Z',
  invertscopeVersion: '0.1.0',
  schedule: 'default',
  classifierTestAccuracy: 0.969,
  models: MODELS,
  findingsTable: findingsTable(MODELS),
  findings: [
    {
      id: 'reconstruction',
      claim: 'Reconstruction works early and breaks later.',
      verdict: 'qualifies',
      text: 'Measured in the test fixture.',
    },
  ],
  timing: {
    wallSeconds: 321,
    loadAverage: [1.5, 1.2, 0.9],
    cpus: 2,
    cpuModel: 'test CPU',
    reused: { runs: 0, analyses: 0 },
  },
};

describe('report page', { timeout: 180_000 }, () => {
  let browser: Browser | undefined;
  let folder = '';
  let indexUrl = '';
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'invertscope-report-'));
    const written = await writeReport(folder, DATA, { figures: false });
    indexUrl = pathToFileURL(written.indexFile).href;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function open(
    name: string,
    body: (page: Page, errors: string[], requests: string[]) => Promise<void>,
  ): Promise<void> {
    if (!browser) throw new Error('the browser did not start');
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    try {
      await page.goto(indexUrl);
      await page.waitForSelector('html[data-ready="true"]');
      await body(page, errors, requests);
    } catch (error) {
      await page.screenshot({ path: join(ARTIFACTS, `report-${name}.png`), fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }

  it(
    'opens from disk with no request but its own file, and draws every chart with its marks',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await open('render', async (page, errors, requests) => {
        const section = (key: string) => page.locator(`section.report-model[data-model="${key}"]`);
        // Small: one layer; its trajectory figures are κ per layer, κ(J), round trips, noise, generation.
        const small = section('small');
        for (const figure of [
          'layer-condition',
          'jacobian-condition',
          'round-trips',
          'noise-tolerance',
          'generation',
        ]) {
          assert.equal(await small.locator(`svg[data-figure="${figure}"]`).count(), 1, `small ${figure}`);
        }
        assert.equal(await small.locator('svg[data-figure="round-trips"] g.lines path.trajectory-line').count(), 3);
        assert.equal(
          await small.locator('svg[data-figure="layer-condition"] g.dots path.trajectory-dot').count(),
          5,
          'a dot per checkpoint',
        );
        // Base: four layers; its κ(J) is past float64's 1/ε, drawn as lower bounds, with both limits.
        const base = section('base');
        assert.equal(await base.locator('svg[data-figure="layer-condition"] g.lines path.trajectory-line').count(), 4);
        const jacobian = base.locator('svg[data-figure="jacobian-condition"]');
        assert.equal(await jacobian.locator('g.dots path.trajectory-dot.is-lower-bound').count(), 5);
        assert.deepEqual(await jacobian.locator('text.limit-label').allTextContents(), ['f32 1/ε', 'f64 1/ε']);
        // No δ tested keeps Base's digits recognizable at any checkpoint: a cross per checkpoint and inverse precision.
        assert.equal(
          await base.locator('svg[data-figure="noise-tolerance"] g.absent path.trajectory-absent').count(),
          10,
        );
        // The inspector's charts of Base's full analysis, and its loss curve.
        assert.equal(await base.locator('svg[data-chart="condition"] rect.bar').count(), 4);
        assert.equal(await base.locator('svg[data-chart="spectrum"] path.layer-line').count(), 4);
        assert.ok((await base.locator('svg[data-chart="amplification"] circle.measured-dot').count()) > 0);
        assert.equal(await base.locator('svg[data-chart="distribution"] g.panel').count(), 10);
        assert.ok((await base.locator('[data-card="reconstruction"] canvas.digit').count()) > 0);
        assert.equal(await base.locator('[data-card="generation"] .generation-grid [data-label]').count(), 10);
        assert.ok((await base.locator('svg[data-chart="loss"] circle.epoch-dot').count()) > 0);
        // Flow11: eleven layers (the legend wraps into rows above the plot), and its test bits/dim.
        const flow = section('flow11');
        assert.equal(await flow.locator('svg[data-figure="layer-condition"] g.lines path.trajectory-line').count(), 11);
        assert.equal(await flow.locator('svg[data-figure="layer-condition"] g.legend-entry').count(), 11);
        const legendRows = await flow
          .locator('svg[data-figure="layer-condition"] g.legend-entry')
          .evaluateAll((entries) => new Set(entries.map((e) => e.getAttribute('transform')?.split(',')[1])).size);
        assert.ok(legendRows >= 2, `legend rows: ${legendRows}`);
        assert.equal(await flow.locator('svg[data-figure="bits-per-dim"] g.dots path.trajectory-dot').count(), 1);
        // Overview: κ(J), the float32 round trip and generation for every model.
        assert.equal(
          await page
            .locator('.report-overview svg[data-figure="jacobian-condition"] g.lines path.trajectory-line')
            .count(),
          3,
        );
        // Tables: the findings table has a row per model's first and last checkpoint; each model a row per checkpoint.
        assert.equal(await page.locator('table[data-table="findings"] tbody tr').count(), 5);
        assert.equal(await page.locator('table[data-table="model-base"] tbody tr').count(), 5);
        assert.match(
          (await page.locator('table[data-table="model-base"] tbody tr').first().textContent()) ?? '',
          /> 4\.5e15/,
        );
        assert.match(
          (await base.locator('.report-warning').textContent()) ?? '',
          /may include images it was trained on/,
        );
        // Sample accuracies come with their sample count and their spread over the seeds.
        assert.match(
          (await page.locator('table[data-table="model-small"] tbody tr').first().textContent()) ?? '',
          /of 3,000 \(3 seeds: [\d.]+%–[\d.]+%\)/,
        );
        assert.equal(await page.locator('li.finding.verdict-qualifies').count(), 1);
        assert.deepEqual(
          requests.filter((url) => !url.startsWith('file:')),
          [],
          'requests other than the page itself',
        );
        assert.deepEqual(errors, []);
      });
    },
  );

  it(
    'shows every series of an epoch when the pointer is over a trajectory chart, and the layer\u2019s κ over a bar',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await open('hover', async (page, errors) => {
        const chart = page.locator('section.report-model[data-model="base"] svg[data-figure="round-trips"]');
        await chart.scrollIntoViewIfNeeded();
        const dot = chart.locator('path.trajectory-dot[data-series="float64"][data-epoch="2"]');
        const box = (await dot.boundingBox()) as Box;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        const tip = page.locator('#inspector-tooltip');
        await tip.waitFor({ state: 'visible' });
        const text = (await tip.textContent()) ?? '';
        assert.match(text, /^Epoch 2/);
        // The fixture's Base at epoch 2: every float32 and mixed reconstruction broken, 37% of the all-float64 ones.
        assert.match(text, /float32 round trip100%/);
        assert.match(text, /float32 embedding, float64 inverse100%/);
        assert.match(text, /float64 round trip37%/);
        assert.equal(await page.locator('[role="tooltip"]:visible').count(), 1);

        const bar = page.locator(
          'section.report-model[data-model="base"] svg[data-chart="condition"] rect.bar[data-layer="1"]',
        );
        await bar.scrollIntoViewIfNeeded();
        const barBox = (await bar.boundingBox()) as Box;
        await page.mouse.move(barBox.x + barBox.width / 2, barBox.y + barBox.height / 2);
        await page.waitForFunction(
          () =>
            (
              globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }
            ).document
              .getElementById('inspector-tooltip')
              ?.textContent.startsWith('Layer 2') ?? false,
        );
        assert.match((await tip.textContent()) ?? '', /κ/);
        assert.deepEqual(errors, []);
      });
    },
  );
});
