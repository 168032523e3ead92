import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PRESET_NAMES } from '../../../src/core/model/architecture';
import { COMMAND_IDS, VIEW_IDS } from '../../../src/extension/common/commandIds';
import {
  BACKEND_CHOICES,
  DEFAULT_SETTINGS,
  LIMITS,
  POLLING_MODES,
  SETTING_KEYS,
} from '../../../src/extension/config/settings';

// Compiled to out/test/unit/extension; the sources and manifest are four levels up.
const root = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const commandsDir = join(root, 'src', 'extension', 'commands');

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

/** Evaluates the small `when` grammar the manifest uses: `a == b`, `a =~ /re/`, `!key`, joined by && and ||. */
function evaluateWhen(when: string, context: Record<string, string | boolean>): boolean {
  return when.split('||').some((alternative) =>
    alternative.split('&&').every((raw) => {
      const clause = raw.trim();
      let m = /^(\S+)\s*==\s*'?([^']+?)'?$/.exec(clause);
      if (m) return String(context[m[1]]) === m[2];
      m = /^(\S+)\s*=~\s*\/(.*)\/$/.exec(clause);
      if (m) return new RegExp(m[2]).test(String(context[m[1]] ?? ''));
      m = /^!(\S+)$/.exec(clause);
      if (m) return !context[m[1]];
      return Boolean(context[clause]);
    }),
  );
}

function itemMenu(contextValue: string): string[] {
  return (contributes.menus['view/item/context'] as MenuItem[])
    .filter((item) => evaluateWhen(item.when ?? '', { view: VIEW_IDS.runs, viewItem: contextValue }))
    .map((item) => item.command);
}

describe('package.json', () => {
  const contributed: { command: string; title: string; category: string }[] = contributes.commands;

  it('contributes exactly the commands the code defines, each with the Invertscope category', () => {
    assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(COMMAND_IDS).sort());
    for (const c of contributed) {
      assert.equal(c.category, 'Invertscope', `${c.command} has no category`);
      assert.ok(c.title && !c.title.startsWith('Invertscope'), `${c.command}: the category already prefixes the title`);
    }
  });

  it('has one command file registered through the manager for every command', () => {
    const registry = readFileSync(join(commandsDir, 'registerCommands.ts'), 'utf8');
    const defined = new Map<string, string>();
    for (const file of readdirSync(commandsDir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(commandsDir, file), 'utf8');
      const id = /readonly id = COMMAND_IDS\.(\w+);/.exec(text);
      const cls = /export class (\w+Command) implements Command/.exec(text);
      if (!id || !cls) continue;
      assert.ok(!defined.has(id[1]), `${id[1]} is defined twice`);
      defined.set(id[1], cls[1]);
      assert.ok(
        registry.includes(`new ${cls[1]}(services)`),
        `${cls[1]} (${file}) is not registered in registerCommands.ts`,
      );
    }
    assert.deepEqual([...defined.keys()].sort(), Object.keys(COMMAND_IDS).sort());
  });

  it('scopes every menu entry with a when clause and names only contributed commands', () => {
    const ids = new Set(contributed.map((c) => c.command));
    for (const [menu, items] of Object.entries(contributes.menus as Record<string, MenuItem[]>)) {
      for (const item of items) {
        assert.ok(ids.has(item.command), `${menu}: unknown command ${item.command}`);
        assert.ok(item.when && item.when.trim() !== '', `${menu}: ${item.command} has no when clause`);
        if (menu.startsWith('view/'))
          assert.match(
            item.when,
            /view == invertscope\.runs/,
            `${menu}: ${item.command} is not limited to the Runs view`,
          );
      }
    }
  });

  it('offers the right context menu for each node kind', () => {
    const running = itemMenu('run.running');
    assert.ok(running.includes(COMMAND_IDS.stopTraining));
    assert.ok(!running.includes(COMMAND_IDS.deleteRun), 'a training run cannot be deleted');
    assert.ok(!running.includes(COMMAND_IDS.resumeTraining));
    for (const status of ['completed', 'failed', 'cancelled']) {
      const menu = itemMenu(`run.${status}`);
      for (const id of [
        COMMAND_IDS.resumeTraining,
        COMMAND_IDS.deleteRun,
        COMMAND_IDS.revealRun,
        COMMAND_IDS.openInspector,
      ])
        assert.ok(menu.includes(id), `run.${status} lacks ${id}`);
      assert.ok(!menu.includes(COMMAND_IDS.stopTraining));
    }
    const damaged = itemMenu('run.damaged');
    assert.deepEqual(new Set(damaged), new Set([COMMAND_IDS.revealRun, COMMAND_IDS.deleteRun]));
    for (const value of ['checkpoint', 'checkpoint.analysed', 'checkpoint.unanalysed']) {
      const menu = itemMenu(value);
      for (const id of [
        COMMAND_IDS.openInspector,
        COMMAND_IDS.reconstruct,
        COMMAND_IDS.generate,
        COMMAND_IDS.compareCheckpoints,
        COMMAND_IDS.analyseCheckpoint,
      ]) {
        assert.ok(menu.includes(id), `${value} lacks ${id}`);
      }
      assert.ok(!menu.includes(COMMAND_IDS.deleteRun));
    }
    assert.ok(itemMenu('layer.unanalysed').includes(COMMAND_IDS.analyseCheckpoint));
    assert.ok(!itemMenu('layer.analysed').includes(COMMAND_IDS.analyseCheckpoint));
    assert.ok(itemMenu('layer.analysed').includes(COMMAND_IDS.openInspector));
    assert.deepEqual(itemMenu('message'), []);
  });

  it('hides palette commands that make no sense in the current state', () => {
    const palette = contributes.menus.commandPalette as MenuItem[];
    const when = (id: string) => palette.find((p) => p.command === id)?.when ?? '';
    assert.equal(evaluateWhen(when(COMMAND_IDS.stopTraining), { 'invertscope.trainingActive': false }), false);
    assert.equal(evaluateWhen(when(COMMAND_IDS.stopTraining), { 'invertscope.trainingActive': true }), true);
    assert.equal(evaluateWhen(when(COMMAND_IDS.exportFigure), { activeWebviewPanelId: 'invertscope.inspector' }), true);
    assert.equal(evaluateWhen(when(COMMAND_IDS.exportFigure), { activeWebviewPanelId: 'markdown.preview' }), false);
  });

  it('declares the activation events for the view and both panel serializers', () => {
    for (const event of [
      `onView:${VIEW_IDS.runs}`,
      `onWebviewPanel:${VIEW_IDS.inspectorPanel}`,
      `onWebviewPanel:${VIEW_IDS.comparePanel}`,
      `onWebviewPanel:${VIEW_IDS.dashboardPanel}`,
    ]) {
      assert.ok(manifest.activationEvents.includes(event), `missing activation event ${event}`);
    }
    // The bundle scripts/build.mjs makes from src/extension/extension.ts (test/unit/packaging checks the entries).
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(existsSync(join(root, 'src', 'extension', 'extension.ts')));
  });

  it("opens the runs dashboard from the Runs view's title bar and the palette", () => {
    const title = (contributes.menus['view/title'] as MenuItem[]).find(
      (item) => item.command === COMMAND_IDS.openDashboard,
    );
    assert.ok(
      title && evaluateWhen(title.when ?? '', { view: VIEW_IDS.runs }),
      'no dashboard button in the Runs view title',
    );
    assert.match(title.group ?? '', /^navigation/, 'the button shows as an icon, not in the ... menu');
    const palette = (contributes.menus.commandPalette as MenuItem[]).find(
      (item) => item.command === COMMAND_IDS.openDashboard,
    );
    assert.equal(palette, undefined, 'the palette offers it always');
    assert.ok(existsSync(join(root, 'media', 'dashboard.css')), "the dashboard's stylesheet is missing");
  });

  it('walks a newcomer through training, the loss, the inspector, a layer, a flow and the dashboard', () => {
    const [walkthrough] = contributes.walkthroughs as Array<{
      id: string;
      steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }>;
    }>;
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['train', 'loss', 'inspector', 'hover', 'compare', 'dashboard'],
    );
    const known = new Set([...contributed.map((c) => c.command), `${VIEW_IDS.runs}.focus`]);
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(links.length > 0, `step ${step.id} has no button`);
      for (const link of links) assert.ok(known.has(link), `step ${step.id} links ${link}, which nothing contributes`);
      assert.ok(
        step.media.markdown && existsSync(join(root, step.media.markdown)),
        `step ${step.id}: media ${step.media.markdown} is missing`,
      );
      for (const event of step.completionEvents ?? []) {
        const [kind, id] = event.split(':');
        assert.ok(
          kind === 'onView' ? id === VIEW_IDS.runs : known.has(id),
          `step ${step.id} completes on ${event}, which cannot happen`,
        );
      }
    }
  });

  it('binds Train Model, Stop Training and Open Inspector on every platform, each to its own key', () => {
    const bindings = contributes.keybindings as Array<{ command: string; key: string; mac: string; when?: string }>;
    assert.deepEqual(
      bindings.map((b) => b.command).sort(),
      [COMMAND_IDS.openInspector, COMMAND_IDS.stopTraining, COMMAND_IDS.trainModel].sort(),
    );
    for (const platform of ['key', 'mac'] as const) {
      const keys = bindings.map((b) => b[platform]);
      assert.equal(new Set(keys).size, keys.length, `two commands share a ${platform} binding: ${keys.join(', ')}`);
      // Three modifiers: VS Code binds almost nothing there (the extension-host tests check its defaults).
      for (const key of keys)
        assert.match(key, platform === 'mac' ? /^cmd\+alt\+shift\+[a-z]$/ : /^ctrl\+alt\+shift\+[a-z]$/);
    }
    const stop = bindings.find((b) => b.command === COMMAND_IDS.stopTraining);
    assert.equal(stop?.when, 'invertscope.trainingActive', 'Stop Training has its key only while something trains');
  });

  it('puts the Runs view in an Invertscope activity bar container with a welcome view', () => {
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === VIEW_IDS.container);
    assert.equal(container.title, 'Invertscope');
    assert.ok(existsSync(join(root, container.icon)), `icon ${container.icon} is missing`);
    assert.deepEqual(
      contributes.views[VIEW_IDS.container].map((v: { id: string }) => v.id),
      [VIEW_IDS.runs],
    );
    const welcome = contributes.viewsWelcome.find((w: { view: string }) => w.view === VIEW_IDS.runs);
    for (const id of [COMMAND_IDS.trainModel, COMMAND_IDS.importCheckpoint, COMMAND_IDS.downloadMnist]) {
      assert.ok(welcome.contents.includes(`(command:${id})`), `the welcome view has no button for ${id}`);
    }
    assert.ok(existsSync(join(root, manifest.icon)), `icon ${manifest.icon} is missing`);
  });

  it('declares exactly the settings the snapshot reader reads, with the same defaults and limits', () => {
    const properties = contributes.configuration.properties as Record<
      string,
      { default: unknown; minimum?: number; maximum?: number; enum?: string[] }
    >;
    assert.deepEqual(Object.keys(properties).sort(), SETTING_KEYS.map((k) => `invertscope.${k}`).sort());
    const defaultOf = (key: string): unknown =>
      key.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], DEFAULT_SETTINGS);
    for (const key of SETTING_KEYS)
      assert.deepEqual(properties[`invertscope.${key}`].default, defaultOf(key), `default of ${key}`);
    assert.deepEqual(properties['invertscope.defaultModel'].enum, [...PRESET_NAMES]);
    assert.deepEqual(properties['invertscope.backend'].enum, [...BACKEND_CHOICES]);
    assert.deepEqual(properties['invertscope.runsFolderPolling'].enum, [...POLLING_MODES]);
    const limits: [string, { min: number; max: number }][] = [
      ['epochs', LIMITS.epochs],
      ['batchSize', LIMITS.batchSize],
      ['learningRate', LIMITS.learningRate],
      ['analysis.testImages', LIMITS.testImages],
      ['analysis.temperature', LIMITS.temperature],
      ['runsFolderPollSeconds', LIMITS.pollSeconds],
    ];
    for (const [key, limit] of limits) {
      assert.equal(properties[`invertscope.${key}`].minimum, limit.min, `minimum of ${key}`);
      assert.equal(properties[`invertscope.${key}`].maximum, limit.max, `maximum of ${key}`);
    }
  });

  it('supports untrusted workspaces in a limited way, explained, and runs where the workspace is', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.match(untrusted.description, /training/i);
    for (const key of untrusted.restrictedConfigurations)
      assert.ok(key in contributes.configuration.properties, `${key} is not a setting`);
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });
});
