import * as assert from 'node:assert/strict';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { analysisCachePath } from '../../src/core/analysis/analysisCache';
import { sha256File } from '../../src/core/data/sha256File';
import { presetArchitecture } from '../../src/core/model/architecture';
import { initParams } from '../../src/core/model/params';
import { createRng } from '../../src/core/random/rng';
import { writeCheckpoint } from '../../src/core/store/checkpoint';
import type { InvertscopeApi } from '../../src/extension/api';
import type { TreeNode } from '../../src/extension/tree/treeNode';
import { runRecord } from '../unit/extension/builders';
import { FIXTURE_RUNS } from './fixtures/fixtureRuns';

const EXTENSION_ID = 'invertscope.invertscope';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

async function children(api: InvertscopeApi, node?: TreeNode): Promise<{ node: TreeNode; item: vscode.TreeItem }[]> {
  const nodes = (await api.runsTree.getChildren(node)) ?? [];
  return Promise.all(nodes.map(async (n) => ({ node: n, item: await api.runsTree.getTreeItem(n) })));
}

/** Resolves with the next onDidChangeTreeData event, or rejects after `ms`. */
function nextTreeChange(api: InvertscopeApi, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription?.dispose();
      reject(new Error(`the Runs tree did not change within ${ms} ms`));
    }, ms);
    const subscription = api.runsTree.onDidChangeTreeData?.(() => {
      clearTimeout(timer);
      subscription?.dispose();
      resolve();
    });
  });
}

suite('Invertscope in a real extension host', () => {
  let api: InvertscopeApi;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<InvertscopeApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    api = await extension.activate();
  });

  test('the extension activates and returns its API', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(extension?.isActive, true);
    assert.equal(typeof api.runsFolder(), 'string');
  });

  test('every contributed command is registered', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = (extension?.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
    assert.deepEqual([...api.registeredCommands()].sort(), [...contributed].sort());
  });

  test('the runs folder defaults to .invertscope/runs in the workspace', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has no folder');
    assert.equal(api.runsFolder(), join(folder.uri.fsPath, '.invertscope', 'runs'));
    assert.equal(api.settings().defaultModel, 'small');
  });

  test('the tree lists the prepared runs newest first, and the damaged one', async () => {
    const rows = await children(api);
    const labels = rows.map((r) => labelOf(r.item));
    assert.deepEqual(
      labels.slice(0, FIXTURE_RUNS.length),
      FIXTURE_RUNS.map((r) => r.id),
    );
    assert.ok(labels.includes('20260121-090000-damaged'), `no damaged run in ${labels.join(', ')}`);
    const byLabel = new Map(rows.map((r) => [labelOf(r.item), r.item]));
    assert.equal(byLabel.get('20260121-120000-base')?.contextValue, 'run.completed');
    assert.equal(byLabel.get('20260121-110000-small')?.description, 'small · cancelled after 1 epoch');
    assert.equal(byLabel.get('20260121-100000-noact')?.contextValue, 'run.failed');
    assert.equal(byLabel.get('20260121-090000-damaged')?.contextValue, 'run.damaged');
    const tooltip = byLabel.get('20260121-100000-noact')?.tooltip;
    assert.ok(tooltip instanceof vscode.MarkdownString && tooltip.value.includes('loss diverged to NaN'));
  });

  test('a run expands to its checkpoints and a checkpoint to its layers', async () => {
    const run = (await children(api)).find((r) => labelOf(r.item) === '20260121-120000-base');
    assert.ok(run);
    const checkpoints = await children(api, run.node);
    assert.deepEqual(
      checkpoints.map((c) => labelOf(c.item)),
      ['epoch 1', 'epoch 2'],
    );
    // The first answer comes at once, while the cached analysis is read beside the tree; the node then announces the result.
    const read = nextTreeChange(api, 10_000);
    const pending = await children(api, checkpoints[1].node);
    assert.deepEqual(
      pending.map((l) => labelOf(l.item)),
      ['Linear 1 + LeakyReLU', 'Linear 2 + LeakyReLU', 'Linear 3 + LeakyReLU', 'Linear 4 + LeakyReLU'],
    );
    assert.equal(pending[0].item.description, 'reading analysis…');
    await read;
    const layers = await children(api, checkpoints[1].node);
    assert.deepEqual(
      layers.map((l) => l.item.id),
      pending.map((l) => l.item.id),
      'the rows keep their ids',
    );
    assert.equal(layers[0].item.description, 'not analysed');
    assert.equal(layers[0].item.contextValue, 'layer.unanalysed');
    assert.equal(layers[0].item.command?.command, 'invertscope.analyseCheckpoint');
  });

  test('the tree follows a run written into the folder by another process', async () => {
    const created = runRecord({
      id: '20260121-130000-cli',
      model: 'small',
      status: 'running',
      epochs: 4,
      createdAt: '2026-01-21T13:00:00.000Z',
    });
    const changed = nextTreeChange(api, 10_000);
    await mkdir(join(api.runsFolder(), created.id), { recursive: true });
    await writeFile(join(api.runsFolder(), created.id, 'run.json'), JSON.stringify(created));
    await changed;
    const rows = await children(api);
    const row = rows.find((r) => labelOf(r.item) === created.id);
    assert.ok(row, `the new run is not listed: ${rows.map((r) => labelOf(r.item)).join(', ')}`);
    assert.equal(labelOf(rows[0].item), created.id, 'the newest run comes first');
    assert.match(String(row.item.description), /^small · running · epoch 0\/4$/);
  });

  test('Open Inspector opens a webview panel for a checkpoint', async () => {
    const opened = await vscode.commands.executeCommand<boolean>('invertscope.openInspector', {
      runId: '20260121-120000-base',
      epoch: 2,
    });
    assert.equal(opened, true);
    const findTab = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === '20260121-120000-base · epoch 2');
    // The tab model follows the panel's creation through the renderer, asynchronously.
    for (let waited = 0; !findTab() && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const tab = findTab();
    assert.ok(
      tab,
      `no inspector tab among ${vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.label)
        .join(', ')}`,
    );
    assert.ok(
      tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('invertscope.inspector'),
      `unexpected tab input ${JSON.stringify(tab.input)}`,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("the extension host's memory with the inspector open on a Base checkpoint is measured", async function () {
    // The analysis runs in its own process; the host reads its result and holds it for the panel.
    this.timeout(280_000);
    const runId = '20260121-120000-base';
    const file = join(api.runsFolder(), runId, 'checkpoints', 'epoch-0001.safetensors');
    const architecture = presetArchitecture('base');
    await writeCheckpoint(file, {
      architecture,
      params: initParams(architecture, createRng(1)),
      training: {
        epoch: 1,
        globalStep: 125,
        objective: 'seed',
        seed: 1,
        trainLoss: 1.2,
        testLoss: 1.3,
        createdAt: '2026-01-21T12:00:00.000Z',
        invertscopeVersion: '0.1.0',
      },
    });
    // The run records each checkpoint's SHA-256, and the analysis refuses a file that does not match it.
    const recordFile = join(api.runsFolder(), runId, 'run.json');
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as {
      checkpoints: { epoch: number; sha256: string }[];
    };
    const sha256 = await sha256File(file);
    for (const entry of record.checkpoints) if (entry.epoch === 1) entry.sha256 = sha256;
    await writeFile(recordFile, JSON.stringify(record, null, 2));
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const before = process.memoryUsage().rss;
    const started = Date.now();
    assert.equal(await vscode.commands.executeCommand<boolean>('invertscope.openInspector', { runId, epoch: 1 }), true);
    const cache = analysisCachePath(file);
    const exists = () =>
      access(cache).then(
        () => true,
        () => false,
      );
    while (!(await exists()) && Date.now() - started < 260_000) await new Promise((r) => setTimeout(r, 500));
    assert.ok(await exists(), `no analysis of ${file} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // The host reads the cached analysis and posts it to the panel; give it a moment to hold it.
    await new Promise((r) => setTimeout(r, 3000));
    const memory = process.memoryUsage();
    console.log(
      `RESULT memory: extension host RSS ${mib(memory.rss)} MiB with the inspector open on a Base checkpoint ` +
        `(${mib(before)} MiB before it opened; heap ${mib(memory.heapUsed)} MiB, array buffers ${mib(memory.arrayBuffers)} MiB; ` +
        `analysis ready after ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    assert.ok(memory.rss > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a failing command resolves with the failure handled instead of rejecting', async () => {
    const result = await vscode.commands.executeCommand('invertscope.revealRun', { runId: '../outside' });
    assert.equal(result, undefined);
  });
});
