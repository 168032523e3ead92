// Packages the extension as a .vsix with vsce (offline), then checks that the
// installed copy can load its runtime dependencies: a .vscodeignore rule that
// drops a needed file fails here rather than in a person's VS Code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageVsix(root, vsixPath) {
  mkdirSync(dirname(vsixPath), { recursive: true });
  rmSync(vsixPath, { force: true });
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const output = execFileSync(vsce, ['package', '--no-yarn', '--skip-license', '--out', vsixPath], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: 300_000,
  });
  if (!existsSync(vsixPath)) throw new Error(`vsce did not write ${vsixPath}:\n${output}`);
  const summary = /Packaged: .*\(([^)]+)\)/.exec(output)?.[1] ?? '';
  return summary;
}

/** The installed extension's folder inside a code-server extensions folder. */
export function installedExtensionDir(extensionsDir, root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dir = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`the extension is not installed at ${dir}`);
  return dir;
}

/**
 * Loads, in a separate Node process and from the installed folder only, every
 * runtime dependency, the extension's non-vscode modules, and tfjs's WebAssembly
 * backend (which reads its .wasm files from disk).
 */
export function checkInstalledRuntime(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const script = `
    const { join } = require('node:path');
    const dir = ${JSON.stringify(dir)};
    const req = require('node:module').createRequire(join(dir, 'package.json'));
    for (const name of ${JSON.stringify(Object.keys(pkg.dependencies ?? {}))}) req.resolve(name);
    req('./out/src/core/store/runStore.js');
    req('./out/src/backend/trainingClient.js');
    req('./out/src/extension/inspector/inspectorHtml.js');
    const digits = req('mnist/src/digits/0.json');
    if (!Array.isArray(digits.data) && !Array.isArray(digits)) throw new Error('mnist digits unreadable');
    const tf = req('@tensorflow/tfjs');
    req('@tensorflow/tfjs-backend-wasm');
    tf.setBackend('wasm').then((ok) => {
      if (!ok) throw new Error('tfjs wasm backend did not initialise');
      const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync();
      if (y[0] !== 3) throw new Error('wasm matMul gave ' + y[0]);
      console.log('runtime ok: tfjs ' + tf.version.tfjs + ' on ' + tf.getBackend());
    }).catch((e) => { console.error(e); process.exit(1); });
  `;
  return execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
