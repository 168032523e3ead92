// Installs code-server (a real VS Code workbench plus a Node extension host) from the npm registry
// into a cache folder, redoing by hand the post-install steps that would otherwise download from
// GitHub (which is unreachable offline). A marker file makes later runs reuse the install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

/** Paths of an install; `entry` starts the server, `vscode` is the bundled VS Code. */
export function codeServerPaths(cacheRoot, version = CODE_SERVER_VERSION) {
  const root = join(cacheRoot, version);
  const pkg = join(root, 'node_modules', 'code-server');
  return {
    root,
    pkg,
    entry: join(pkg, 'out', 'node', 'entry.js'),
    vscode: join(pkg, 'lib', 'vscode'),
    marker: join(root, '.installed'),
  };
}

function sh(cmd, args, cwd, log, extraEnv = {}) {
  log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  // npm_config_yes lets node-pty's post-install `npx node-gyp` fetch node-gyp without a prompt.
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_yes: 'true', ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
}

function linkIfMissing(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { force: true, recursive: false });
  } catch {
    /* absent: nothing to replace */
  }
  symlinkSync(target, path);
}

/** Installs unless the marker names the same version; returns the paths. */
export function ensureCodeServer(cacheRoot, log = console.log) {
  const paths = codeServerPaths(cacheRoot);
  if (
    existsSync(paths.marker) &&
    readFileSync(paths.marker, 'utf8').trim() === CODE_SERVER_VERSION &&
    existsSync(paths.entry)
  ) {
    log(`code-server ${CODE_SERVER_VERSION}: reusing ${paths.root}`);
    return paths;
  }
  for (const tool of ['/usr/bin/rg', '/usr/include/krb5.h']) {
    if (!existsSync(tool)) throw new Error(`code-server install needs ${tool}; run scripts/install-test-deps.sh first`);
  }
  const started = Date.now();
  rmSync(paths.root, { recursive: true, force: true });
  mkdirSync(paths.root, { recursive: true });
  writeFileSync(join(paths.root, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  // 1. The package without its post-install (it refuses to run as root and downloads from GitHub).
  sh(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    paths.root,
    log,
  );
  // argon2's prebuilt download fails offline; node-pre-gyp then builds it from source.
  sh('npm', ['rebuild', 'argon2'], paths.root, log);
  // 2. VS Code's own runtime dependencies, then only the native addons it loads, built against
  //    the local Node headers (a plain `npm rebuild` would rerun ripgrep's GitHub download).
  sh(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    paths.vscode,
    log,
  );
  sh(
    'npm',
    ['rebuild', '--foreground-scripts', 'node-pty', '@vscode/spdlog', 'native-watchdog', 'kerberos'],
    paths.vscode,
    log,
    { npm_config_nodedir: '/usr' },
  );
  // 3. Debian's ripgrep instead of the GitHub-downloaded one, and the symlinks post-install makes.
  const rgBin = join(paths.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  linkIfMissing('/usr/bin/rg', join(rgBin, 'rg'));
  linkIfMissing('node_modules', join(paths.vscode, 'node_modules.asar'));
  linkIfMissing('code-linux.sh', join(paths.vscode, 'bin', 'remote-cli', 'code-server'));
  linkIfMissing('browser-linux.sh', join(paths.vscode, 'bin', 'helpers', 'browser.sh'));
  // 4. The built-in extensions' shared dependencies (typescript for the TS/JS language features).
  sh(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'],
    join(paths.vscode, 'extensions'),
    log,
  );
  writeFileSync(paths.marker, `${CODE_SERVER_VERSION}\n`);
  log(
    `code-server ${CODE_SERVER_VERSION}: installed in ${((Date.now() - started) / 1000).toFixed(0)} s at ${paths.root}`,
  );
  return paths;
}
