// Packages the extension the way the README tells people to (`npm run package`, which
// builds first through vscode:prepublish), checks what the .vsix holds against the
// targets, and checks that the installed copy trains on its own: a .vscodeignore rule or
// a bundle that drops something training needs fails here rather than in a person's VS Code.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listZip } from './zipListing.mjs';

/** The targets of a .vsix: its size in bytes and its number of files. */
export const VSIX_LIMITS = { bytes: 2.5e6, files: 40 };

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function packageVsix(root, vsixPath) {
  mkdirSync(dirname(vsixPath), { recursive: true });
  rmSync(vsixPath, { force: true });
  const output = execFileSync(NPM, ['run', '--silent', 'package', '--', '--out', vsixPath], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 900_000,
  });
  if (!existsSync(vsixPath)) throw new Error(`npm run package did not write ${vsixPath}:\n${output}`);
  const vsceLines = output.split('\n').filter((l) => /^\s*(WARNING|ERROR|DONE|INFO)\b/.test(l));
  const warnings = vsceLines.filter((l) => /^\s*(WARNING|ERROR)/.test(l));
  if (warnings.length > 0) throw new Error(`vsce package printed warnings:\n${warnings.join('\n')}`);
  const summary = /Packaged: .*\(([^)]+)\)/.exec(output)?.[1] ?? '';
  return { summary, vsceLines };
}

/**
 * What the .vsix holds, checked: within VSIX_LIMITS; no node_modules, source maps or
 * TypeScript; every bundle the build makes, every .wasm and the embedded digits.
 */
export function checkVsixContents(root, vsixPath) {
  const entries = listZip(vsixPath);
  const names = entries.map((e) => e.name);
  const bytes = statSync(vsixPath).size;
  const problems = [];
  if (bytes > VSIX_LIMITS.bytes) problems.push(`${(bytes / 1e6).toFixed(2)} MB, over ${VSIX_LIMITS.bytes / 1e6} MB`);
  if (entries.length > VSIX_LIMITS.files) problems.push(`${entries.length} files, over ${VSIX_LIMITS.files}`);
  for (const bad of names.filter((n) => /(^|\/)node_modules\/|\.map$|\.ts$/.test(n))) problems.push(`holds ${bad}`);
  const dist = join(root, 'dist');
  const shipped = readdirSync(dist).filter((f) => /\.(js|wasm|br)$/.test(f));
  for (const file of [
    ...shipped.map((f) => `dist/${f}`),
    'media/dist/inspector.js',
    'media/icon.png',
    'LICENSE.txt',
    'changelog.md',
    'readme.md',
  ]) {
    if (!names.some((n) => n.toLowerCase() === `extension/${file}`.toLowerCase()))
      problems.push(`lacks extension/${file}`);
  }
  if (problems.length > 0)
    throw new Error(`the .vsix does not meet its targets: ${problems.join('; ')}\n${names.join('\n')}`);
  return { bytes, files: entries.length, names };
}

/** The installed extension's folder inside a code-server extensions folder. */
export function installedExtensionDir(extensionsDir, root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dir = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`the extension is not installed at ${dir}`);
  return dir;
}

/**
 * Trains from a copy of the installed extension outside the source tree (so that no
 * node_modules up the folder chain can stand in for what it lacks), with the CLI bundle
 * it carries: the paper's loss on the SIMD kernels, and a flow on tfjs's WebAssembly
 * backend, each for one epoch on a few embedded digits.
 */
export function checkInstalledRuntime(dir) {
  const copy = mkdtempSync(join(tmpdir(), 'invertscope-installed-'));
  try {
    cpSync(dir, join(copy, 'extension'), { recursive: true });
    const cli = join(copy, 'extension', 'dist', 'invertscope.js');
    const runs = join(copy, 'runs');
    const quick = [
      '--epochs',
      '1',
      '--train-count',
      '256',
      '--test-count',
      '64',
      '--batch-size',
      '32',
      '--runs',
      runs,
      '--json',
    ];
    const env = { ...process.env, NODE_PATH: '' };
    const train = (...args) => {
      const lines = execFileSync(process.execPath, [cli, 'train', ...args, ...quick], {
        cwd: copy,
        env,
        encoding: 'utf8',
        timeout: 300_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const started = lines.find((m) => m.type === 'started');
      if (lines.at(-1)?.type !== 'finished' || !started)
        throw new Error(
          `training ${args.join(' ')} from the installed copy did not finish: ${JSON.stringify(lines.at(-1))}`,
        );
      return `${started.backend.name} (${started.objective})`;
    };
    const trained = [
      train('--model', 'small', '--backend', 'simd'),
      train('--model', 'small', '--objective', 'flow', '--backend', 'wasm'),
    ];
    return `trained from the installed copy alone: ${trained.join(', ')}`;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
