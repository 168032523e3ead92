// One product: the CLI of the npm package and the extension read and write the same
// runs folder. The CLI lists and shows the run the extension trained (2-training), and
// a run the CLI trains appears in the Runs view, completed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../pages/workbench.mjs';
import { invertscopeCli, openWorkbench, step } from './session.mjs';

describe('the CLI and the extension share their runs', () => {
  let session;
  let runs = '';
  before(async () => {
    session = await openWorkbench('shared-runs');
    runs = join(session.env.workspace, '.invertscope', 'runs');
  });
  after(async () => {
    await session?.browser.close();
  });

  it('the CLI lists and shows the run the extension trained', () =>
    step(session.workbench, 'cli-reads', async () => {
      const listed = JSON.parse(invertscopeCli(session.env, ['runs', '--runs', runs, '--json']));
      const trained = listed.find((r) => r.run?.config.architecture.name === 'small' && r.run.status === 'completed');
      assert.ok(
        trained,
        `the CLI does not list the extension's run: ${JSON.stringify(listed.map((r) => [r.id, r.run?.status]))}`,
      );
      const shown = JSON.parse(invertscopeCli(session.env, ['show', trained.id, '--runs', runs, '--json']));
      assert.equal(shown.run.status, 'completed');
      assert.equal(shown.epochs.length, 1);
    }));

  it('a run the CLI trains appears in the Runs view, completed', { timeout: 360_000 }, () =>
    step(session.workbench, 'extension-reads', async () => {
      const before = JSON.parse(invertscopeCli(session.env, ['runs', '--runs', runs, '--json'])).map((r) => r.id);
      invertscopeCli(session.env, [
        'train',
        '--model',
        'noact',
        '--epochs',
        '1',
        '--train-count',
        '512',
        '--test-count',
        '128',
        '--runs',
        runs,
      ]);
      const id = JSON.parse(invertscopeCli(session.env, ['runs', '--runs', runs, '--json']))
        .map((r) => r.id)
        .find((r) => !before.includes(r));
      assert.ok(id, 'the CLI did not write a new run');
      const wb = session.workbench;
      await wb.openContainer('Invertscope');
      const row = wb.treeRow('Runs', id);
      await eventually(
        async () => /^noact · completed · 1 epoch$/.test(await wb.rowDescription(row).catch(() => '')),
        30_000,
        async () =>
          `the CLI's run is not shown completed: ${await wb.rowDescription(row).catch((e) => e.message)}; rows: ${(await wb.treeLabels('Runs')).join(', ')}`,
      );
      await wb.screenshot('sidebar-cli-run');
    }),
  );
});
