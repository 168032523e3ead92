import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/store/runTypes';
import { parseDashboardMessage } from '../../../src/extension/dashboard/dashboardMessages';
import { dashboardRow, finalLosses } from '../../../src/extension/dashboard/dashboardRows';
import { LossTrackBuilder, MAX_TRACK_POINTS, stepsPerPoint } from '../../../src/extension/dashboard/lossTrack';
import { latestPoint } from '../../../src/extension/trajectory/latestPoint';
import { checkpointEntry, epochMetric, runRecord, stepMetric, trajectoryPoint } from './builders';

function flowRun(dequantize: boolean): RunRecord {
  const run = runRecord({ model: 'base', checkpointEpochs: [0, 40], epochs: 40 });
  const last = { ...run.checkpoints[1], trainLoss: -1900, testLoss: -1850 };
  return { ...run, config: { ...run.config, objective: 'flow', dequantize }, checkpoints: [run.checkpoints[0], last] };
}

describe('dashboard rows', () => {
  it('carry the settings the table sorts by', () => {
    const run = runRecord({ model: 'base', status: 'completed', epochs: 10, checkpointEpochs: [5, 10] });
    const row = dashboardRow(run, null);
    assert.equal(row.model, 'base');
    assert.equal(row.objective, 'seed');
    assert.equal(row.slope, 0.01);
    assert.equal(row.depth, 4);
    assert.equal(row.batchSize, 64);
    assert.equal(row.learningRate, 0.001);
    assert.equal(row.backend, 'simd');
    assert.equal(row.epochsCompleted, 10);
    assert.equal(row.stepsPerEpoch, 125, '8,000 training images in batches of 64');
    assert.equal(row.latest, null);
  });

  it('have no slope for a model without activations, and the requested backend before training started', () => {
    const run = { ...runRecord({ model: 'noact' }), backend: null };
    const row = dashboardRow(run, null);
    assert.equal(row.slope, null);
    assert.equal(row.backend, 'auto');
  });

  it('take the final losses from the last checkpoint, whatever the order of the list', () => {
    const run = runRecord({ checkpointEpochs: [10, 2, 5] });
    assert.deepEqual(finalLosses(run), { epoch: 10, trainLoss: 1 / 11, testLoss: 1.1 / 11, testBitsPerDim: null });
    assert.equal(finalLosses(runRecord({ status: 'running', checkpointEpochs: [] })), null);
    const imported = {
      ...runRecord({ checkpointEpochs: [0] }),
      checkpoints: [{ ...checkpointEntry(0), trainLoss: NaN, testLoss: NaN }],
    };
    assert.equal(finalLosses(imported), null, 'an import has no losses to show');
  });

  it('give a dequantized flow its test bits/dim, and a flow on stored pixels none', () => {
    const bits = finalLosses(flowRun(true))?.testBitsPerDim;
    // 8 + nats / (784 ln 2): the trainer's own conversion, restated.
    assert.ok(
      bits !== null && bits !== undefined && Math.abs(bits - (8 + -1850 / (784 * Math.LN2))) < 1e-12,
      String(bits),
    );
    assert.equal(finalLosses(flowRun(false))?.testBitsPerDim, null);
  });

  it('show the newest analysed checkpoint whose point belongs to the recorded file', () => {
    const run = runRecord({ checkpointEpochs: [10, 50, 100] });
    const [e10, e50, e100] = run.checkpoints;
    const stale = { ...trajectoryPoint(e100, { cond: 1e20 }), checkpointSha256: 'f'.repeat(64) };
    const points = [trajectoryPoint(e10, { cond: 1e3 }), trajectoryPoint(e50, { cond: 3e9, broken32: 0.4 }), stale];
    assert.equal(latestPoint(run, points)?.epoch, 50, 'the point of a rewritten checkpoint does not count');
    const row = dashboardRow(run, latestPoint(run, points));
    assert.deepEqual(row.latest, {
      epoch: 50,
      kappa: 3e9,
      resolvable: true,
      verdict: 'float32-insufficient',
      verdictWords: 'float32 not enough',
      brokenFloat32: 0.4,
    });
    assert.equal(latestPoint(run, []), null);
  });
});

describe('loss tracks', () => {
  it('group steps so that no run sends more than the overlay can draw', () => {
    assert.equal(stepsPerPoint(250), 1);
    assert.equal(stepsPerPoint(MAX_TRACK_POINTS), 1);
    assert.equal(stepsPerPoint(MAX_TRACK_POINTS + 1), 2);
    assert.equal(stepsPerPoint(500 * 125), 4);
  });

  it('pass every step through unchanged with one step per point', () => {
    const track = new LossTrackBuilder(1).add([stepMetric(1, 1, 3), stepMetric(1, 2, 2), epochMetric(1, 2.5)]);
    assert.deepEqual(track.stepX, [1, 2]);
    assert.deepEqual(track.stepLoss, [3, 2]);
    assert.deepEqual(track.epochs, [{ epoch: 1, trainLoss: 2.5, testLoss: 2.5 * 1.1, testBitsPerDim: null }]);
  });

  it('average consecutive steps, keep an incomplete group until it fills, and close it at the end of an epoch', () => {
    const builder = new LossTrackBuilder(4);
    const first = builder.add([1, 2, 3, 4, 5, 6].map((s) => stepMetric(1, s, s)));
    assert.deepEqual(first.stepX, [2.5], 'steps 1–4; 5 and 6 wait for 7 and 8');
    assert.deepEqual(first.stepLoss, [2.5]);
    const second = builder.add([stepMetric(1, 7, 7), epochMetric(1, 4)]);
    assert.deepEqual(second.stepX, [6], 'the epoch ends the group of 5, 6, 7');
    assert.deepEqual(second.stepLoss, [6]);
    assert.equal(second.epochs.length, 1);
  });

  it('make a group with a diverged step NaN, as the inspector leaves a gap', () => {
    const diverged = { ...stepMetric(1, 2, 0), loss: null as unknown as number };
    const track = new LossTrackBuilder(2).add([
      stepMetric(1, 1, 1),
      diverged,
      stepMetric(1, 3, 3),
      stepMetric(1, 4, 5),
    ]);
    assert.ok(Number.isNaN(track.stepLoss[0]));
    assert.deepEqual(track.stepLoss.slice(1), [4]);
  });

  it('refuse a group size that is not a positive integer', () => {
    assert.throws(() => new LossTrackBuilder(0), /stepsPerPoint must be an integer ≥ 1, got 0/);
  });
});

describe('dashboard messages from the webview', () => {
  it('are checked before the host acts on them', () => {
    assert.deepEqual(parseDashboardMessage({ type: 'watchRuns', runIds: ['a', 'b', 'a'] }), {
      type: 'watchRuns',
      runIds: ['a', 'b'],
    });
    assert.equal(parseDashboardMessage({ type: 'watchRuns', runIds: ['a', 3] }), null);
    assert.equal(
      parseDashboardMessage({ type: 'watchRuns', runIds: Array.from({ length: 201 }, (_, i) => `r${i}`) }),
      null,
    );
    assert.deepEqual(parseDashboardMessage({ type: 'openRun', runId: 'r1' }), { type: 'openRun', runId: 'r1' });
    assert.equal(parseDashboardMessage({ type: 'openRun', runId: '' }), null);
    assert.deepEqual(parseDashboardMessage({ type: 'tableShown', rows: 200, renderMs: 312.5 }), {
      type: 'tableShown',
      rows: 200,
      renderMs: 312.5,
    });
    assert.equal(parseDashboardMessage({ type: 'tableShown', rows: -1, renderMs: 3 }), null);
    assert.equal(
      parseDashboardMessage({ type: 'selectCheckpoint', ref: { runId: 'a', epoch: 1 } }),
      null,
      'an inspector message',
    );
    assert.equal(parseDashboardMessage(null), null);
  });

  it("accept exports of the dashboard's own charts only", () => {
    const base = {
      type: 'export',
      requestId: 'x',
      format: 'csv',
      content: 'a,b\r\n',
      encoding: 'utf8',
      suggestedName: 'runs.csv',
    };
    assert.equal(parseDashboardMessage({ ...base, chart: 'runs-table' })?.type, 'export');
    assert.equal(parseDashboardMessage({ ...base, chart: 'condition' }), null);
  });
});
