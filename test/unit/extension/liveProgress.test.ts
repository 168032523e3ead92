import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyMetric,
  applyTrainerMessage,
  progressFromMetrics,
  progressText,
  sessionFraction,
  statusBarText,
} from '../../../src/extension/training/liveProgress';
import { epochMetric, stepMetric } from './builders';

const shape = { firstEpoch: 1, totalEpochs: 4, stepsPerEpoch: 100 };

describe('live training progress', () => {
  it('starts at the first epoch with no loss', () => {
    const p = applyTrainerMessage(
      null,
      {
        type: 'started',
        runId: 'r',
        runDir: '/r',
        backend: { name: 'cpu', description: 'cpu', threads: 1 },
        objective: 'seed',
        firstEpoch: 3,
        totalEpochs: 5,
        stepsPerEpoch: 10,
      },
      null,
    );
    assert.deepEqual(p, { epoch: 3, totalEpochs: 5, epochFraction: 0, loss: null, samplesPerSecond: null });
  });

  it('takes the step loss and the position inside the epoch from step metrics', () => {
    const p = applyMetric(null, stepMetric(2, 150, 0.75), shape);
    assert.equal(p.epoch, 2);
    assert.equal(p.epochFraction, 0.5);
    assert.equal(p.loss, 0.75);
    assert.equal(p.samplesPerSecond, 1000);
  });

  it('finishes the epoch on an epoch summary', () => {
    const p = applyMetric(null, epochMetric(2, 0.5), shape);
    assert.equal(p.epochFraction, 1);
    assert.equal(p.loss, 0.5);
  });

  it('ignores messages without progress', () => {
    const before = applyMetric(null, stepMetric(1, 1, 2), shape);
    assert.equal(applyTrainerMessage(before, { type: 'log', level: 'info', message: 'x' }, shape), before);
  });

  it('measures the session fraction from the first epoch of the session', () => {
    assert.equal(sessionFraction(applyMetric(null, stepMetric(3, 250, 1), shape), shape), 0.625);
    assert.equal(
      sessionFraction(
        { epoch: 3, totalEpochs: 4, epochFraction: 0.5, loss: 1, samplesPerSecond: 1 },
        { ...shape, firstEpoch: 3 },
      ),
      0.25,
    );
    assert.equal(sessionFraction(null, shape), 0);
  });

  it('reads a CLI run from the last metric line', () => {
    assert.equal(progressFromMetrics([], 4), null);
    const p = progressFromMetrics([stepMetric(1, 5, 3), stepMetric(2, 9, 1.5)], 4);
    assert.equal(p?.epoch, 2);
    assert.equal(p?.totalEpochs, 4);
    assert.equal(p?.loss, 1.5);
  });

  it('writes status bar and notification texts', () => {
    const p = { epoch: 3, totalEpochs: 10, epochFraction: 0.2, loss: 1.23456, samplesPerSecond: 950.4 };
    assert.equal(progressText(p), 'epoch 3/10 · loss 1.23 · 950 samples/s');
    assert.equal(progressText(null), 'starting…');
    assert.equal(statusBarText(p, 'small', 0), '$(sync~spin) small: epoch 3/10 · loss 1.23 · 950 samples/s');
    assert.equal(statusBarText(null, 'base', 2), '$(sync~spin) base: starting… (+2)');
    assert.equal(
      statusBarText(p, 'small', 0, 'simd'),
      '$(sync~spin) small on simd: epoch 3/10 · loss 1.23 · 950 samples/s',
      'the engine, once chosen',
    );
  });
});
