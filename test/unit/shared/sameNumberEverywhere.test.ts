import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTimeline } from '../../../src/cli/commands/timeline';
import { formatJacobian, formatRoundTrips } from '../../../src/core/reproduce/summaryTable';
import { dashboardRow } from '../../../src/extension/dashboard/dashboardRows';
import { brokenText, jacobianText } from '../../../src/extension/tree/treePresentation';
import { formatCondition, formatPercent } from '../../../src/shared/formatNumber';
import { COLUMNS } from '../../../src/webview/dashboard/columns';
import { runRecord, trajectoryPoint } from '../extension/builders';

/**
 * One figure, four surfaces: the Runs tree's description, the CLI's timeline
 * table, the dashboard webview's table and the report's findings table each
 * take κ(J) and the broken share of one trajectory point through their own
 * code, and must print the same text (κ = 5.3e8 had read `5.3e8`, `5.3e+8` or
 * `5.30e+8` depending on the view).
 */
describe('a figure reads the same on every surface', () => {
  const run = runRecord({ id: 'r', checkpointEpochs: [5] });
  const entry = run.checkpoints[0];

  const cases = [
    { name: 'κ in exponent form', cond: 5.3e8, resolvable: true, broken32: 0.034 },
    { name: 'κ beyond float64 (a lower bound)', cond: 2 ** 52, resolvable: false, broken32: 0.9812 },
    { name: 'κ in plain form', cond: 1234.5, resolvable: true, broken32: 0 },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const point = trajectoryPoint(entry, { cond: c.cond, resolvable: c.resolvable, broken32: c.broken32 });
      const kappa = formatCondition(c.cond, c.resolvable);
      const broken = formatPercent(c.broken32);

      assert.equal(jacobianText(point), `κ(J) ${kappa}`, 'tree');
      assert.match(brokenText(point), new RegExp(`^broken ${escape(broken)} f32`), 'tree');

      const row = dashboardRow(run, point);
      const column = (key: string) => COLUMNS.find((col) => col.key === key);
      assert.equal(column('kappa')?.text(row), kappa, 'dashboard');
      assert.equal(column('broken')?.text(row), broken, 'dashboard');

      assert.equal(formatJacobian(point), kappa, 'report');
      assert.equal(formatRoundTrips(point).split(' / ')[0], broken, 'report');

      const cli = describeTimeline({
        trajectory: {
          runId: run.id,
          architectureName: 'small',
          objective: 'seed',
          points: [point],
          dataDescription: '500 test images',
        },
        cached: 1,
        computed: 0,
        computeSeconds: 0,
        warnings: [],
      });
      const cells = cli
        .split('\n')
        .filter((line) => /^\s*5\s/.test(line))
        .flatMap((line) => line.trim().split(/\s{2,}/));
      assert.ok(cells.includes(kappa), `CLI: no cell ${kappa} in\n${cli}`);
      assert.ok(cells.includes(broken), `CLI: no cell ${broken} in\n${cli}`);
    });
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\>]/g, '\\$&');
}
