import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recordAbnormalEnd } from '../../../src/backend/recordAbnormalEnd';
import { startTraining } from '../../../src/backend/trainingClient';
import { isErrorCode } from '../../../src/core/errors';
import { RunStore } from '../../../src/core/store/runStore';
import { withTempFolder } from '../../helpers/tempFolder';
import { quickConfig } from '../../helpers/trainConfig';

/** A failure inside training is reported and recorded with a documented code; the process does not die of it. */
describe('failures while training', () => {
  it('a metrics file replaced by a folder mid-run fails the run with a named error and a documented code', async () => {
    await withTempFolder('trainer-errors', async (runsFolder) => {
      const session = startTraining(
        { kind: 'new', runsFolder, config: quickConfig({ epochs: 30, trainCount: 512, checkpointEpochs: [] }) },
        { recordAbnormalEnd },
      );
      const { runId } = await session.started;
      const metrics = join(runsFolder, runId, 'metrics.jsonl');
      rmSync(metrics);
      mkdirSync(metrics);
      const outcome = await session.outcome;
      assert.equal(outcome.status, 'failed');
      assert.ok(outcome.error?.message.includes(metrics), outcome.error?.message);
      assert.doesNotMatch(outcome.error?.message ?? '', /killed by signal|exited with code|before reporting/);
      const record = await new RunStore(runsFolder).readRun(runId);
      assert.equal(record.status, 'failed');
      assert.ok(record.error && isErrorCode(record.error.code), `recorded code ${record.error?.code}`);
    });
  });

  it('a training process that dies is recorded with a documented code', async () => {
    await withTempFolder('trainer-death', async (runsFolder) => {
      const session = startTraining(
        { kind: 'new', runsFolder, config: quickConfig({ epochs: 30, trainCount: 512, checkpointEpochs: [] }) },
        { recordAbnormalEnd },
      );
      const { runId } = await session.started;
      process.kill(session.pid as number, 'SIGKILL');
      const outcome = await session.outcome;
      assert.equal(outcome.status, 'failed');
      assert.ok(isErrorCode(outcome.error?.code), `outcome code ${outcome.error?.code}`);
      const record = await new RunStore(runsFolder).readRun(runId);
      assert.ok(record.error && isErrorCode(record.error.code), `recorded code ${record.error?.code}`);
    });
  });
});
