import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The direction of dependency between the top-level layers of src/, which the
 * compiler cannot see: the science (core) knows nothing of processes, editors or
 * terminals; child processes (backend) build on core; the CLI and the extension
 * build on both; the webview is its own program (its finer rules are in
 * test/webview/webviewSources.test.ts). Two layers sit beside them: shared
 * (what every side needs alike: the number formatter, checkpoint keys, chart
 * ids, the JSON number encoding), which every layer may import and which
 * imports nothing, so the science can use it too; and contracts (the
 * host↔webview messages), which the two ends of that boundary import and which
 * names core's records with `import type` only, so it carries no code of core
 * into the webview bundle.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const SRC = join(ROOT, 'src');

type Layer = 'shared' | 'core' | 'contracts' | 'backend' | 'cli' | 'extension' | 'webview' | 'types';

const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  shared: ['shared', 'types'],
  core: ['core', 'shared', 'types'],
  contracts: ['contracts', 'core', 'shared', 'types'],
  backend: ['backend', 'core', 'shared', 'types'],
  cli: ['cli', 'backend', 'core', 'shared', 'types'],
  extension: ['extension', 'backend', 'contracts', 'core', 'shared', 'types'],
  webview: ['webview', 'contracts', 'core', 'shared', 'types'],
  types: ['types'],
};

/** Layers whose imports of core must be `import type`: what they declare crosses into the webview bundle. */
const CORE_TYPES_ONLY: ReadonlySet<Layer> = new Set(['contracts']);

/**
 * The modules inside a layer (its first folder or file), tier by tier from the
 * lowest up. A module may import itself and the modules of lower tiers only, so
 * two modules of one tier never import each other, and a new module must be
 * given a tier before anything imports it or it imports anything.
 */
const SUB_LAYERS: ReadonlyMap<Layer, readonly (readonly string[])[]> = new Map<Layer, readonly (readonly string[])[]>([
  [
    'core',
    [
      ['errors', 'assets', 'stripUndefined', 'escapeHtml'], // one-file helpers of every part
      ['files', 'random', 'wasm'],
      ['model', 'linalg'],
      ['data', 'image'],
      ['train'], // engines, the loop, configurations, flow maths
      ['store'], // run folders and checkpoints: persists what train defines
      ['analysis', 'jobs'], // jobs: a training run end to end, over store and train
      ['reproduce'],
    ],
  ],
  [
    'extension',
    [
      ['util'], // no VS Code state: disposables, emitters, paths, limits
      ['ports', 'trust', 'config'],
      ['common', 'runsLocation'], // common: what several features share (command ids and arguments, failures, exports)
      ['adapters', 'analysis', 'trajectory', 'training'],
      ['tree', 'inspector'], // the Runs view shows training's progress and analyses; the inspector, analyses and timelines
      ['dashboard'], // reuses the inspector's page and the tree's run descriptions
      ['services', 'api'],
      ['commands'], // a leaf: only activation imports it
      ['extension'],
    ],
  ],
]);

/** Only the extension runs inside VS Code. */
const PACKAGE_LAYERS: ReadonlyMap<string, readonly Layer[]> = new Map([['vscode', ['extension']]]);

export interface ImportEdge {
  readonly file: string;
  readonly target: string;
  /** `import type` / `export type`: erased by the compiler, so it carries no code. */
  readonly typeOnly?: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? sources(full) : entry.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports, dynamic imports and require calls included. */
function specifiers(text: string): Array<{ from: string; typeOnly: boolean }> {
  const statements = [...text.matchAll(/^\s*(import|export)\s([^;]*?)\sfrom\s+'([^']+)'/gms)].map((m) => ({
    from: m[3],
    typeOnly: /^type\s/.test(m[2]),
  }));
  const others = [
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g),
  ].map((m) => ({ from: m[1], typeOnly: false }));
  return [...statements, ...others];
}

/** The tier of a path's module inside its layer, or null when the layer has no tiers. */
function tierOf(layer: Layer, pathUnderSrc: string): { module: string; tier: number } | null {
  const tiers = SUB_LAYERS.get(layer);
  if (!tiers) return null;
  const module = pathUnderSrc.split(sep)[1].replace(/\.(js|ts)$/, '');
  return { module, tier: tiers.findIndex((modules) => modules.includes(module)) };
}

/** Why an import inside one layer points the wrong way, or null when it is allowed. */
function subLayerProblem(layer: Layer, file: string, target: string): string | null {
  const from = tierOf(layer, file);
  const to = tierOf(layer, target);
  if (!from || !to || from.module === to.module) return null;
  if (from.tier < 0) return `${file}: ${layer}/${from.module} has no tier in SUB_LAYERS`;
  if (to.tier < 0) return `${file}: imports ${target}, and ${layer}/${to.module} has no tier in SUB_LAYERS`;
  if (to.tier < from.tier) return null;
  const lower = SUB_LAYERS.get(layer)!.slice(0, from.tier).flat();
  return `${file}: imports ${target} — ${layer}/${from.module} may import only ${lower.length ? lower.join(', ') : 'nothing else'} within ${layer}`;
}

function layerOf(pathUnderSrc: string): Layer | null {
  const top = pathUnderSrc.split(sep)[0];
  return top in MAY_IMPORT ? (top as Layer) : null;
}

/** The import edges of src/: relative imports resolved to paths under src/, packages by name. */
export function importEdges(files: readonly string[]): ImportEdge[] {
  return files.flatMap((file) =>
    specifiers(readFileSync(file, 'utf8')).map(({ from, typeOnly }) => ({
      file: relative(SRC, file),
      target: from.startsWith('.') ? relative(SRC, join(file, '..', from)) : from,
      typeOnly,
    })),
  );
}

/** The edges that point the wrong way, each as a sentence naming the file, its import and the rule. */
export function wrongWayImports(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { file, target, typeOnly } of edges) {
    const from = layerOf(file);
    if (from === null) {
      problems.push(`${file}: not in a known layer (${Object.keys(MAY_IMPORT).join(', ')})`);
      continue;
    }
    if (target.startsWith('..')) {
      problems.push(`${file}: imports ${target}, outside src/`);
      continue;
    }
    const to = layerOf(target);
    if (to === null) {
      const packageName = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0];
      const only = PACKAGE_LAYERS.get(packageName);
      if (only && !only.includes(from))
        problems.push(`${file}: imports the package ${packageName}, which only ${only.join(', ')} may use`);
      continue;
    }
    if (from === to) {
      const problem = subLayerProblem(from, file, target);
      if (problem) problems.push(problem);
      continue;
    }
    if (MAY_IMPORT[from].includes(to)) {
      if (to === 'core' && CORE_TYPES_ONLY.has(from) && typeOnly !== true)
        problems.push(`${file}: imports ${target} — ${from} may import only types from core`);
      continue;
    }
    problems.push(`${file}: imports ${target} — ${from} may import only ${MAY_IMPORT[from].join(', ')}`);
  }
  return problems;
}

describe('layers of src/', () => {
  const files = sources(SRC);
  const edges = importEdges(files);

  it('are all checked: every file is in a layer and the graph has edges of each kind', () => {
    assert.ok(files.length > 300, `found ${files.length} files under src/`);
    const layers = new Set(edges.map((e) => layerOf(e.file)));
    for (const layer of ['core', 'backend', 'cli', 'extension', 'webview'] as const)
      assert.ok(layers.has(layer), `imports found in ${layer}`);
  });

  it('import only downward: shared ← core ← backend ← cli and extension; vscode only in the extension', () => {
    assert.deepEqual(wrongWayImports(edges), []);
  });

  it('place every module of a tiered layer in a tier', () => {
    for (const [layer, tiers] of SUB_LAYERS) {
      const modules = new Set(
        files
          .map((f) => relative(SRC, f))
          .filter((f) => layerOf(f) === layer)
          .map((f) => tierOf(layer, f)!.module),
      );
      assert.deepEqual(
        [...modules].filter((m) => !tiers.flat().includes(m)),
        [],
        `modules of ${layer} without a tier`,
      );
      assert.deepEqual(
        tiers.flat().filter((m) => !modules.has(m)),
        [],
        `tiers of ${layer} naming no module`,
      );
    }
  });

  it('import only downward inside the extension: util ← ports, trust, config ← common ← features ← commands ← extension', () => {
    assert.deepEqual(wrongWayImports(edges.filter((e) => layerOf(e.file) === 'extension')), []);
  });

  it('import only downward inside core: helpers ← files, random, wasm ← model, linalg ← data, image ← train ← store ← analysis, jobs ← reproduce', () => {
    assert.deepEqual(wrongWayImports(edges.filter((e) => layerOf(e.file) === 'core')), []);
  });

  it('fail on a planted wrong-way import of each kind', () => {
    const planted: ImportEdge[] = [
      { file: join('core', 'train', 'trainLoop.ts'), target: join('backend', 'protocol') },
      { file: join('core', 'model', 'mlp.ts'), target: 'vscode' },
      { file: join('backend', 'session.ts'), target: join('extension', 'extension') },
      { file: join('cli', 'main.ts'), target: join('webview', 'charts', 'lossChart') },
      { file: join('webview', 'app', 'inspectorApp.ts'), target: join('extension', 'inspector', 'inspectorPanel') },
      { file: join('shared', 'formatNumber.ts'), target: join('core', 'analysis', 'types'), typeOnly: true },
      { file: join('core', 'analysis', 'types.ts'), target: join('contracts', 'inspectorProtocol'), typeOnly: true },
      { file: join('contracts', 'inspectorProtocol.ts'), target: join('core', 'analysis', 'analyze') },
      { file: join('extension', 'inspector', 'hostMessages.ts'), target: join('webview', 'state', 'model') },
    ];
    const problems = wrongWayImports(planted);
    assert.equal(problems.length, planted.length, problems.join('\n'));
    assert.match(problems[0], /core may import only core, shared, types/);
    assert.match(problems[1], /the package vscode, which only extension may use/);
    assert.match(problems[5], /shared may import only shared, types/);
    assert.match(problems[7], /contracts may import only types from core/);
  });

  it('let every layer import shared, and the host and the webview the contracts', () => {
    const allowed: ImportEdge[] = [
      ...(['core', 'backend', 'cli', 'extension', 'webview', 'contracts'] as const).map((layer) => ({
        file: join(layer, 'x.ts'),
        target: join('shared', 'formatNumber'),
      })),
      {
        file: join('extension', 'inspector', 'hostMessages.ts'),
        target: join('contracts', 'inspectorProtocol'),
        typeOnly: true,
      },
      { file: join('webview', 'state', 'model.ts'), target: join('contracts', 'inspectorProtocol'), typeOnly: true },
      { file: join('contracts', 'inspectorProtocol.ts'), target: join('core', 'analysis', 'types'), typeOnly: true },
    ];
    assert.deepEqual(wrongWayImports(allowed), []);
  });

  it('fail on a planted wrong-way import inside core, for each tier', () => {
    const planted: ImportEdge[] = [
      { file: 'errors.ts', target: join('files', 'fsError') },
      { file: join('random', 'rng.ts'), target: join('files', 'makeFolder') },
      { file: join('linalg', 'luTypes.ts'), target: join('analysis', 'types') },
      { file: join('model', 'params.ts'), target: join('linalg', 'matmul') },
      { file: join('data', 'readIdx.ts'), target: join('image', 'png') },
      { file: join('train', 'engine.ts'), target: join('store', 'runTypes') },
      { file: join('store', 'runTypes.ts'), target: join('jobs', 'trainingJob') },
      { file: join('analysis', 'analyzeCheckpoint.ts'), target: join('jobs', 'resumePoint') },
      { file: join('jobs', 'trainingJob.ts'), target: join('reproduce', 'plan') },
      { file: join('newModule', 'x.ts'), target: join('model', 'params') },
    ].map(({ file, target }) => ({ file: join('core', file), target: join('core', target) }));
    const problems = wrongWayImports(planted);
    assert.equal(problems.length, planted.length, problems.join('\n'));
    assert.match(
      problems[2],
      /core\/linalg may import only errors, assets, stripUndefined, escapeHtml, files, random, wasm within core/,
    );
    assert.match(problems[5], /core\/train may import only .*data, image within core/);
    assert.deepEqual(
      wrongWayImports([
        { file: join('core', 'store', 'runTypes.ts'), target: join('core', 'train', 'config') },
        { file: join('core', 'jobs', 'trainingJob.ts'), target: join('core', 'store', 'runStore') },
        { file: join('core', 'train', 'flow', 'luLayer.ts'), target: join('core', 'train', 'engine') },
      ]),
      [],
    );
  });

  it('fail on a planted wrong-way import inside the extension, for each tier', () => {
    const planted: ImportEdge[] = [
      { file: join('util', 'dispose.ts'), target: join('config', 'settings') },
      { file: 'trust.ts', target: 'ports' },
      { file: join('common', 'errorMessages.ts'), target: 'runsLocation' },
      { file: join('training', 'liveProgress.ts'), target: join('tree', 'treePresentation') },
      { file: join('analysis', 'analysisService.ts'), target: join('commands', 'openInspector') },
      { file: join('inspector', 'inspectorPanel.ts'), target: join('commands', 'exportFigure') },
      { file: join('tree', 'runsTreeProvider.ts'), target: join('inspector', 'inspectorManager') },
      { file: join('dashboard', 'dashboardPanel.ts'), target: 'services' },
      { file: 'services.ts', target: join('commands', 'commandManager') },
      { file: join('commands', 'trainModel.ts'), target: 'extension' },
      { file: join('panels', 'x.ts'), target: join('util', 'dispose') },
    ].map(({ file, target }) => ({ file: join('extension', file), target: join('extension', target) }));
    const problems = wrongWayImports(planted);
    assert.equal(problems.length, planted.length, problems.join('\n'));
    assert.match(
      problems[3],
      /extension\/training may import only util, ports, trust, config, common, runsLocation within extension/,
    );
    assert.match(problems[10], /extension\/panels has no tier/);
    assert.deepEqual(
      wrongWayImports([
        {
          file: join('extension', 'tree', 'runsTreeProvider.ts'),
          target: join('extension', 'training', 'liveProgress'),
        },
        {
          file: join('extension', 'inspector', 'inspectorPanel.ts'),
          target: join('extension', 'common', 'commandArgs'),
        },
        { file: join('extension', 'commands', 'trainModel.ts'), target: 'vscode' },
      ]),
      [],
    );
  });
});
