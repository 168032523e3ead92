// The npm package as a person installs it: `npm pack`, then `npm install` of the tarball
// into an empty project outside the source tree, offline (the bundles need no
// dependency; the optional tfjs-node is left out), and the CLI run through `npx`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/**
 * Packs the package (its prepack step builds; the .vsix step has just built, so it
 * is skipped here) and installs the tarball into a new project; returns how to run
 * its CLI there and how to remove the project.
 */
export function installNpmPackage(root, work) {
  const packs = join(work, 'npm-pack');
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  execFileSync(NPM, ['pack', '--ignore-scripts', '--silent', '--pack-destination', packs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  const tarball = join(
    packs,
    readdirSync(packs).find((f) => f.endsWith('.tgz')),
  );
  const project = mkdtempSync(join(tmpdir(), 'invertscope-npm-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-invertscope', private: true }));
  execFileSync(NPM, ['install', '--offline', '--omit=optional', '--no-audit', '--no-fund', '--silent', tarball], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  const installed = readdirSync(join(project, 'node_modules')).filter((f) => !f.startsWith('.'));
  if (installed.join(',') !== 'invertscope')
    throw new Error(`installing the package brought more than itself: ${installed.join(', ')}`);
  /** Runs `npx invertscope …` in the project; returns stdout, throws with stderr on a non-zero exit. */
  const invertscope = (args, options = {}) =>
    execFileSync(NPX, ['--no-install', 'invertscope', ...args], {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeout ?? 300_000,
    });
  return { project, tarball, invertscope, remove: () => rmSync(project, { recursive: true, force: true }) };
}
