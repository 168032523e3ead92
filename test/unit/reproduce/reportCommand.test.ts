import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { createRng } from '../../../src/core/random/rng';
import { writeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import { EXIT } from '../../../src/cli/exitCodes';
import { main } from '../../../src/cli/main';
import { captureCli } from '../../helpers/cliCapture';
import { withTempFolder } from '../../helpers/tempFolder';
import { smallSplit } from '../analysis/builders';

/** The paper's Small model as a PyTorch state_dict: a near-identity Linear and a LeakyReLU, seeded. */
async function smallStateDict(file: string, seed: number, scale: number): Promise<void> {
  const rng = createRng(seed);
  const weight = new Float32Array(784 * 784);
  for (let i = 0; i < 784; i++) weight[i * 784 + i] = scale * (1 + 0.01 * rng.normal());
  await writeSafetensors(file, {
    '1.weight': { dtype: 'F32', shape: [784, 784], data: weight },
    '1.bias': { dtype: 'F32', shape: [784], data: new Float32Array(784) },
  });
}

describe('invertscope report', { timeout: 600_000 }, () => {
  it('writes index.html and findings.json for an imported series, saying its test images may be training images', async () => {
    await withTempFolder('report-command', async (dir) => {
      await mkdir(join(dir, 'series'));
      await smallStateDict(join(dir, 'series', 'small_e1.safetensors'), 1, 1);
      await smallStateDict(join(dir, 'series', 'small_e9.safetensors'), 2, 1e-3);
      // The classifier under its real cache key, trained on a few digits so the test does not spend a minute on it.
      const split = await smallSplit(300, 100);
      await loadOrTrainClassifier({
        cacheFolder: join(dir, 'runs', '.cache'),
        settings: CLASSIFIER_SETTINGS,
        dataDescription: CLASSIFIER_DATA,
        loadData: async () => split,
      });

      const imported = captureCli(dir);
      assert.equal(await main(['import', 'series'], imported.ctx), EXIT.ok, imported.err());
      const id = /as run (\S+)/.exec(imported.out())?.[1] ?? '';

      const c = captureCli(dir);
      assert.equal(await main(['report', id, '--out', 'my-report', '--no-figures'], c.ctx), EXIT.ok, c.err());
      assert.ok(existsSync(join(dir, 'my-report', 'index.html')));
      const findings = JSON.parse(readFileSync(join(dir, 'my-report', 'findings.json'), 'utf8')) as {
        schedule: string;
        models: Array<{
          runId: string;
          dataWarning: string | null;
          trajectory: { points: Array<{ epoch: number }> };
          analyses: Array<{ epoch: number }>;
        }>;
        findingsTable: { rows: string[][] };
      };
      assert.equal(findings.schedule, 'runs');
      assert.equal(findings.models[0].runId, id);
      assert.deepEqual(
        findings.models[0].trajectory.points.map((p) => p.epoch),
        [1, 9],
      );
      assert.deepEqual(
        findings.models[0].analyses.map((a) => a.epoch),
        [1, 9],
      );
      assert.match(findings.models[0].dataWarning ?? '', /may include images this model was trained on/);
      // The table printed is the table in findings.json.
      for (const row of findings.findingsTable.rows) assert.ok(c.out().includes(row[0]), row[0]);
      assert.match(c.err(), /Report: my-report\/index\.html/);
    });
  });

  it('needs a run, and names one it cannot find', async () => {
    await withTempFolder('report-command-usage', async (dir) => {
      assert.equal(await main(['report'], captureCli(dir).ctx), EXIT.usage);
      const missing = captureCli(dir);
      assert.equal(await main(['report', 'no-such-run'], missing.ctx), EXIT.badInput);
      assert.match(missing.err(), /no-such-run/);
    });
  });
});
