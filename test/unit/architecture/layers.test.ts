import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The direction of dependency between the top-level layers of src/, which the
 * compiler cannot see: the science (core) knows nothing of processes, editors or
 * terminals; child processes (backend) build on core; the CLI and the extension
 * build on both; the webview is its own program (its finer rules are in
 * test/webview/webviewSources.test.ts). The one crossing still allowed is the
 * host↔webview message contracts (the inspector's and the dashboard's), which
 * the extension reads from the webview's protocol modules until they move to a
 * layer of their own.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const SRC = join(ROOT, 'src');

type Layer = 'core' | 'backend' | 'cli' | 'extension' | 'webview' | 'types';

const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ['core', 'types'],
  backend: ['backend', 'core', 'types'],
  cli: ['cli', 'backend', 'core', 'types'],
  extension: ['extension', 'backend', 'core', 'types'],
  webview: ['webview', 'core', 'types'],
  types: ['types'],
};

/** Files another layer may import although their layer is not in its list, each with the reason. */
const CONTRACTS: ReadonlyMap<string, string> = new Map([
  [join('webview', 'protocol.ts'), 'the host↔webview message contract'],
  [join('webview', 'dashboardProtocol.ts'), 'the host↔dashboard message contract'],
]);

/** Only the extension runs inside VS Code. */
const PACKAGE_LAYERS: ReadonlyMap<string, readonly Layer[]> = new Map([['vscode', ['extension']]]);

export interface ImportEdge { readonly file: string; readonly target: string }

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? sources(full) : entry.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports, dynamic imports and require calls included. */
function specifiers(text: string): string[] {
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((m) => m[1]);
}

function layerOf(pathUnderSrc: string): Layer | null {
  const top = pathUnderSrc.split(sep)[0];
  return top in MAY_IMPORT ? (top as Layer) : null;
}

/** The import edges of src/: relative imports resolved to paths under src/, packages by name. */
export function importEdges(files: readonly string[]): ImportEdge[] {
  return files.flatMap((file) => specifiers(readFileSync(file, 'utf8')).map((from) => ({
    file: relative(SRC, file),
    target: from.startsWith('.') ? relative(SRC, join(file, '..', from)) : from,
  })));
}

/** The edges that point the wrong way, each as a sentence naming the file, its import and the rule. */
export function wrongWayImports(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { file, target } of edges) {
    const from = layerOf(file);
    if (from === null) { problems.push(`${file}: not in a known layer (${Object.keys(MAY_IMPORT).join(', ')})`); continue; }
    if (target.startsWith('..')) { problems.push(`${file}: imports ${target}, outside src/`); continue; }
    const to = layerOf(target);
    if (to === null) {
      const packageName = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0];
      const only = PACKAGE_LAYERS.get(packageName);
      if (only && !only.includes(from)) problems.push(`${file}: imports the package ${packageName}, which only ${only.join(', ')} may use`);
      continue;
    }
    if (MAY_IMPORT[from].includes(to)) continue;
    if (CONTRACTS.has(`${target.replace(/\.(js|ts)$/, '')}.ts`)) continue;
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
    for (const layer of ['core', 'backend', 'cli', 'extension', 'webview'] as const) assert.ok(layers.has(layer), `imports found in ${layer}`);
  });

  it('import only downward: core ← backend ← cli and extension; vscode only in the extension', () => {
    assert.deepEqual(wrongWayImports(edges), []);
  });

  it('fail on a planted wrong-way import of each kind', () => {
    const planted: ImportEdge[] = [
      { file: join('core', 'train', 'trainLoop.ts'), target: join('backend', 'protocol') },
      { file: join('core', 'model', 'mlp.ts'), target: 'vscode' },
      { file: join('backend', 'session.ts'), target: join('extension', 'extension') },
      { file: join('cli', 'main.ts'), target: join('webview', 'charts', 'lossChart') },
      { file: join('webview', 'app', 'inspectorApp.ts'), target: join('extension', 'inspector', 'inspectorPanel') },
    ];
    const problems = wrongWayImports(planted);
    assert.equal(problems.length, planted.length, problems.join('\n'));
    assert.match(problems[0], /core may import only core, types/);
    assert.match(problems[1], /the package vscode, which only extension may use/);
    assert.deepEqual(wrongWayImports([{ file: join('extension', 'inspector', 'hostMessages.ts'), target: join('webview', 'protocol') }]), []);
  });
});
