import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BACKEND_CHOICES } from '../../../src/extension/config/settings';

// Compiled to out/test/unit/packaging; the sources and manifest are four levels up.
const root = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const buildScript = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8');

/** The entries of scripts/build.mjs's Node bundles: name → source file. */
function bundleEntries(): Map<string, string> {
  const block = /const entries = \{([\s\S]*?)\};/.exec(buildScript)?.[1] ?? '';
  return new Map([...block.matchAll(/(\w+): '([^']+)'/g)].map((m) => [m[1], m[2]]));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('packaging', () => {
  it('bundles every file the code starts by path (processes, workers, pool tasks) under the same name', () => {
    const entries = bundleEntries();
    assert.ok(entries.size >= 7, `entries: ${[...entries.keys()].join(', ')}`);
    for (const [name, file] of entries) assert.ok(existsSync(join(root, file)), `${name}: ${file} does not exist`);
    const started = new Map<string, string>();
    for (const file of sources(join(root, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/join\(__dirname, '(\w+)\.js'\)/g))
        started.set(m[1], relative(root, file));
    }
    assert.ok(started.size >= 5, `found ${[...started.keys()].join(', ')}`);
    for (const [name, where] of started) {
      assert.ok(
        entries.has(name),
        `${where} starts ${name}.js, which scripts/build.mjs does not bundle: the .vsix and the npm package would lack it`,
      );
      assert.equal(
        entries.get(name)?.replace(/\.ts$/, '').split('/').pop(),
        name,
        `${name} is bundled from another file`,
      );
    }
  });

  it('ships the bundles and their assets, and nothing else, in the .vsix', () => {
    const rules = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(rules[0], '**', 'everything is left out first');
    for (const kept of [
      '!dist/*.js',
      '!dist/*.wasm',
      '!dist/mnist-digits.bin.br',
      '!media/dist/inspector.js',
      '!LICENSE',
      '!CHANGELOG.md',
      '!README.md',
    ]) {
      assert.ok(rules.includes(kept), `.vscodeignore does not keep ${kept.slice(1)}`);
    }
    assert.ok(
      !rules.some((r) => /node_modules|\.map/.test(r) && r.startsWith('!')),
      'no node_modules or source maps are kept',
    );
  });

  it('runs the extension and the CLI from the bundles, with no runtime dependency but the optional tfjs-node', () => {
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(
      manifest.dependencies,
      undefined,
      'runtime code is bundled: dependencies would be installed for nothing (and vsce would pack them)',
    );
    assert.deepEqual(Object.keys(manifest.optionalDependencies ?? {}), ['@tensorflow/tfjs-node']);
    assert.match(readFileSync(join(root, manifest.bin.invertscope), 'utf8'), /dist', 'invertscope\.js'/);
    // vsce refuses a "files" field beside .vscodeignore, so the npm package has its own list.
    assert.equal(manifest.files, undefined);
    const npmRules = readFileSync(join(root, '.npmignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    for (const kept of [
      '!/bin/',
      '!/dist/',
      '!/CHANGELOG.md',
      '!/media/dist/report.js',
      '!/media/inspector.css',
      '!/media/report.css',
    ]) {
      assert.ok(npmRules.includes(kept), `.npmignore does not keep ${kept.slice(1)}`);
    }
    assert.equal(npmRules[0], '/*', 'everything is left out first');
    assert.ok(npmRules.includes('/dist/*.map'));
    assert.match(
      buildScript,
      /external: \['vscode', '@tensorflow\/tfjs-node'/,
      'tfjs-node (platform-specific libtensorflow) is never bundled',
    );
    // playwright-core loads its own files at run time: a bundled copy fails, and the report's figures are then skipped.
    assert.match(buildScript, /external: \[[^\]]*'playwright-core'/, "playwright-core is left to the user's install");
  });

  it('packages the way the README says, building first and without node_modules', () => {
    assert.equal(manifest.scripts['vscode:prepublish'], 'npm run build');
    assert.match(manifest.scripts.package, /^vsce package --no-dependencies/);
    assert.ok(
      readFileSync(join(root, 'README.md'), 'utf8').includes('npm run package'),
      'the README names the packaging command',
    );
  });

  it('carries the licence, a changelog entry for this version, keywords and a square icon', () => {
    assert.equal(manifest.license, 'MIT');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} /);
    assert.match(
      readFileSync(join(root, 'CHANGELOG.md'), 'utf8'),
      new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}\\b`, 'm'),
    );
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30);
    const png = readFileSync(join(root, manifest.icon));
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'the Marketplace icon is 128 × 128');
  });

  it('offers in the backend setting exactly what the extension can load', () => {
    const setting = manifest.contributes.configuration.properties['invertscope.backend'];
    assert.deepEqual(setting.enum, [...BACKEND_CHOICES]);
    assert.ok(!setting.enum.includes('tensorflow'));
    assert.equal(setting.enumDescriptions.length, setting.enum.length);
  });
});
