import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderFallbackHtml } from '../../../src/extension/inspector/fallbackHtml';
import { safeFileName } from '../../../src/extension/common/safeFileName';
import { parseWebviewMessage } from '../../../src/extension/inspector/hostMessages';
import {
  initialStateFor,
  panelTitle,
  parseRestoredState,
  sameTarget,
  summarizeRun,
} from '../../../src/extension/inspector/panelState';
import { runRecord } from './builders';

describe('restoring a panel after a reload', () => {
  it("reads run, epoch and comparison from the webview's saved state", () => {
    const saved = { version: 1, runId: 'r', epoch: 3, compare: { runId: 's', epoch: 1 }, delta: 0.001 };
    assert.deepEqual(parseRestoredState(saved), { runId: 'r', epoch: 3, compare: { runId: 's', epoch: 1 } });
    assert.deepEqual(parseRestoredState({ runId: 'r', epoch: null }), { runId: 'r', epoch: null, compare: null });
  });

  it('says why a state cannot be used', () => {
    assert.match(parseRestoredState(undefined) as string, /no state/);
    assert.match(parseRestoredState({ epoch: 2 }) as string, /names no run/);
    assert.match(parseRestoredState({ runId: 'r', epoch: 'two' }) as string, /epoch is invalid/);
    assert.match(
      parseRestoredState({ runId: 'r', epoch: 1, compare: { runId: 's' } }) as string,
      /comparison is invalid/,
    );
  });

  it('writes the same fields into the initial state it reads back', () => {
    const target = { runId: 'r', epoch: 2, compare: { runId: 'r', epoch: 1 } };
    const initial = initialStateFor(target);
    assert.deepEqual(parseRestoredState(JSON.parse(JSON.stringify(initial))), target);
    assert.equal(initial.title, 'r · epoch 2 ↔ epoch 1');
  });
});

describe('panel targets', () => {
  it('title single, latest and cross-run panels', () => {
    assert.equal(panelTitle({ runId: 'r', epoch: null, compare: null }), 'r');
    assert.equal(panelTitle({ runId: 'r', epoch: 5, compare: { runId: 's', epoch: 1 } }), 'r · epoch 5 ↔ s · epoch 1');
  });

  it('match only identical targets', () => {
    const a = { runId: 'r', epoch: 1, compare: null };
    assert.equal(sameTarget(a, { ...a }), true);
    assert.equal(sameTarget(a, { ...a, epoch: 2 }), false);
    assert.equal(sameTarget(a, { ...a, compare: { runId: 'r', epoch: 2 } }), false);
  });

  it("summarize runs for the inspector's pickers", () => {
    const summary = summarizeRun(runRecord({ model: 'base', checkpointEpochs: [5, 1], status: 'cancelled' }));
    assert.equal(summary.label, 'base · seed loss · 2026-01-21');
    assert.deepEqual(summary.checkpointEpochs, [1, 5]);
    assert.equal(summary.status, 'cancelled');
  });
});

describe('messages from the webview', () => {
  it('accepts each message of the contract', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'selectCheckpoint', ref: { runId: 'r', epoch: 2 } }), {
      type: 'selectCheckpoint',
      ref: { runId: 'r', epoch: 2 },
    });
    const exported = {
      type: 'export',
      requestId: '1',
      chart: 'loss',
      format: 'svg',
      content: '<svg/>',
      encoding: 'utf8',
      suggestedName: 'a.svg',
    };
    assert.deepEqual(parseWebviewMessage(exported), exported);
  });

  it('refuses messages that do not fit', () => {
    assert.equal(parseWebviewMessage(null), null);
    assert.equal(parseWebviewMessage({ type: 'deleteEverything' }), null);
    assert.equal(parseWebviewMessage({ type: 'retry', ref: { runId: 'r', epoch: -1 } }), null);
    assert.equal(
      parseWebviewMessage({
        type: 'export',
        requestId: '1',
        chart: 'pie',
        format: 'svg',
        content: '',
        encoding: 'utf8',
        suggestedName: 'x',
      }),
      null,
    );
    assert.equal(
      parseWebviewMessage({
        type: 'export',
        requestId: '1',
        chart: 'loss',
        format: 'svg',
        content: '',
        encoding: 'hex',
        suggestedName: 'x',
      }),
      null,
    );
  });
});

describe('exported file names', () => {
  it('strip folders and forbidden characters and keep the extension', () => {
    assert.equal(safeFileName('../../etc/passwd', 'svg'), '-..-etc-passwd.svg');
    assert.equal(safeFileName('run-3-epoch-50-condition.svg', 'svg'), 'run-3-epoch-50-condition.svg');
    assert.equal(safeFileName('', 'png'), 'figure.png');
  });
});

describe('the fallback page', () => {
  it('explains the reason, escaped, and runs no script', () => {
    const html = renderFallbackHtml('vscode-resource:', 'Invertscope Inspector', 'run <x> was deleted');
    assert.ok(html.includes('run &lt;x&gt; was deleted'));
    assert.ok(!/<script/i.test(html));
    assert.match(html, /default-src 'none'/);
  });
});
