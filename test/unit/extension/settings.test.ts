import assert from 'node:assert/strict';
import { isAbsolute, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  affectsOurSettings,
  DEFAULT_SETTINGS,
  readSettings,
  resolveRunsFolder,
  SETTING_KEYS,
  type SettingKey,
} from '../../../src/extension/config/settings';

const from = (values: Partial<Record<SettingKey, unknown>>) => (key: SettingKey) => values[key];

describe('readSettings', () => {
  it('gives the typed defaults when nothing is set', () => {
    assert.deepEqual(
      readSettings(() => undefined),
      DEFAULT_SETTINGS,
    );
  });

  it('clamps numbers into their limits and rounds integers', () => {
    const s = readSettings(
      from({ epochs: 0, batchSize: 1e9, learningRate: 5, 'analysis.testImages': 12.6, 'analysis.temperature': -1 }),
    );
    assert.equal(s.epochs, 1);
    assert.equal(s.batchSize, 4096);
    assert.equal(s.learningRate, 1);
    assert.equal(s.analysis.testImages, 13);
    assert.equal(s.analysis.temperature, 0);
  });

  it('falls back to the default for values of the wrong type, NaN and Infinity', () => {
    const s = readSettings(
      from({ epochs: '5', batchSize: NaN, learningRate: Infinity, defaultModel: 'huge', backend: 42 }),
    );
    assert.equal(s.epochs, DEFAULT_SETTINGS.epochs);
    assert.equal(s.batchSize, DEFAULT_SETTINGS.batchSize);
    assert.equal(s.learningRate, DEFAULT_SETTINGS.learningRate);
    assert.equal(s.defaultModel, DEFAULT_SETTINGS.defaultModel);
    assert.equal(s.backend, 'auto');
  });

  it('keeps valid enum values', () => {
    const s = readSettings(from({ defaultModel: 'noact', backend: 'wasm' }));
    assert.equal(s.defaultModel, 'noact');
    assert.equal(s.backend, 'wasm');
  });

  it('sorts, de-duplicates and clamps lists, dropping entries that are not numbers', () => {
    const s = readSettings(
      from({ checkpointEpochs: [50, 'x', 10, 10, 0, 2.4, null], 'analysis.noiseLevels': [0.1, -3, 1e-3, 0.1, NaN] }),
    );
    assert.deepEqual(s.checkpointEpochs, [1, 2, 10, 50]);
    assert.deepEqual(s.analysis.noiseLevels, [1e-12, 1e-3, 0.1]);
  });

  it('keeps at most 16 noise levels', () => {
    const s = readSettings(from({ 'analysis.noiseLevels': Array.from({ length: 40 }, (_, i) => (i + 1) / 100) }));
    assert.equal(s.analysis.noiseLevels.length, 16);
  });

  it('trims folder strings and treats non-strings as unset', () => {
    const s = readSettings(from({ runsFolder: '  /data/runs ', dataFolder: 7 }));
    assert.equal(s.runsFolder, '/data/runs');
    assert.equal(s.dataFolder, '');
  });

  it('returns a deeply frozen snapshot', () => {
    const s = readSettings(() => undefined);
    assert.ok(Object.isFrozen(s));
    assert.ok(Object.isFrozen(s.analysis));
    assert.ok(Object.isFrozen(s.checkpointEpochs));
    assert.throws(() => {
      (s as { epochs: number }).epochs = 3;
    }, TypeError);
  });

  it('reads every key it declares and no other', () => {
    const asked: string[] = [];
    readSettings((key) => {
      asked.push(key);
      return undefined;
    });
    assert.deepEqual([...asked].sort(), [...SETTING_KEYS].sort());
  });
});

describe('resolveRunsFolder', () => {
  const resolve = (configured: string, folders: string[]) =>
    resolveRunsFolder(configured, folders, '/global', join, isAbsolute);

  it('defaults to .invertscope/runs in the first workspace folder', () => {
    assert.equal(resolve('', ['/ws/a', '/ws/b']), join('/ws/a', '.invertscope', 'runs'));
  });

  it('uses global storage without a workspace', () => {
    assert.equal(resolve('', []), join('/global', 'runs'));
  });

  it('keeps an absolute setting and resolves a relative one against the first folder', () => {
    assert.equal(resolve('/abs/runs', ['/ws']), '/abs/runs');
    assert.equal(resolve('out/runs', ['/ws']), join('/ws', 'out/runs'));
    assert.equal(resolve('out/runs', []), join('/global', 'out/runs'));
  });
});

describe('affectsOurSettings', () => {
  it('asks only about the invertscope section', () => {
    const asked: string[] = [];
    assert.equal(
      affectsOurSettings((s) => {
        asked.push(s);
        return false;
      }),
      false,
    );
    assert.deepEqual(asked, ['invertscope']);
    assert.equal(
      affectsOurSettings((s) => s === 'invertscope'),
      true,
    );
  });
});
