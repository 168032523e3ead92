import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

/**
 * Boundaries of the webview program that the compiler cannot see: it runs in a
 * browser, so from outside src/webview it may only take types, or values of a
 * module that itself imports nothing but types (constants and pure functions
 * the bundle can hold, e.g. the round trips' labels); and the archived UI
 * toolkit is reachable through one file only, so it can be replaced.
 */
const ROOT = join(__dirname, '..', '..', '..');
const WEBVIEW = join(ROOT, 'src', 'webview');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? sources(full) : entry.endsWith('.ts') ? [full] : [];
  });
}

function imports(file: string): Array<{ statement: string; from: string }> {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(import|export)\s[^;]*?\sfrom\s+'([^']+)';/gms)].map((m) => ({
    statement: m[0],
    from: m[2],
  }));
}

describe('webview sources', () => {
  const files = sources(WEBVIEW);

  it('exist (the checks below have something to check)', () => {
    assert.ok(files.length > 20, `found ${files.length} files under src/webview`);
  });

  it('import only types from outside src/webview, or values of modules that import only types', () => {
    for (const file of files) {
      for (const { statement, from } of imports(file)) {
        if (!from.startsWith('.')) continue;
        const target = join(file, '..', from);
        if (target.startsWith(WEBVIEW) || /^(import|export) type /.test(statement)) continue;
        const leaf = imports(`${target}.ts`).every((i) => /^(import|export) type /.test(i.statement));
        assert.ok(
          leaf,
          `${relative(ROOT, file)}: ${statement.split('\n')[0]} (a value import from a module that imports values)`,
        );
      }
    }
  });

  it('reach the UI toolkit only through ui/controls.ts', () => {
    const users = files.filter((f) => imports(f).some((i) => i.from.startsWith('@vscode/webview-ui-toolkit')));
    assert.deepEqual(
      users.map((f) => relative(WEBVIEW, f)),
      [join('ui', 'controls.ts')],
    );
  });

  it('import named parts of d3, never the whole namespace', () => {
    for (const file of files) {
      for (const { statement, from } of imports(file)) {
        if (from === 'd3' || from.startsWith('d3-'))
          assert.match(statement, /^import (type )?\{/, `${relative(ROOT, file)}: ${statement}`);
      }
    }
  });

  it('have no package imports besides d3 and the toolkit', () => {
    const packages = new Set(
      files.flatMap((f) =>
        imports(f)
          .map((i) => i.from)
          .filter((from) => !from.startsWith('.')),
      ),
    );
    assert.deepEqual([...packages].sort(), ['@vscode/webview-ui-toolkit', 'd3']);
  });
});
