// A code-server instance with an isolated profile: its own HOME, user-data and
// extensions folders, bound to 127.0.0.1 on a free port, no auth, no marketplace.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Settings that keep the workbench quiet and deterministic for tests. */
export const TEST_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'workbench.hover.delay': 200,
  'window.commandCenter': false,
  'git.openRepositoryInParentFolders': 'never',
  'git.enabled': false,
};

export function createProfile(dir) {
  rmSync(dir, { recursive: true, force: true });
  const profile = {
    dir,
    home: join(dir, 'home'),
    userData: join(dir, 'user-data'),
    extensions: join(dir, 'extensions'),
  };
  for (const d of [profile.home, join(profile.userData, 'User'), profile.extensions]) mkdirSync(d, { recursive: true });
  writeFileSync(join(profile.userData, 'User', 'settings.json'), JSON.stringify(TEST_USER_SETTINGS, null, 2));
  return profile;
}

function serverEnv(profile) {
  // '{}' as the gallery: no marketplace, so nothing tries to reach open-vsx.org.
  return { ...process.env, HOME: profile.home, EXTENSIONS_GALLERY: '{}' };
}

function profileArgs(profile) {
  return ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

export async function installExtension(paths, profile, vsix) {
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    [paths.entry, ...profileArgs(profile), '--install-extension', vsix],
    {
      env: serverEnv(profile),
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const output = `${stdout}${stderr}`;
  if (!/successfully installed/i.test(output))
    throw new Error(`installing ${vsix} into code-server failed:\n${output}`);
  return output.trim();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the server and waits for /healthz; `stop()` ends it and waits for its exit. */
export async function startCodeServer(paths, profile, { port, logFile, timeoutMs = 60_000 }) {
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      paths.entry,
      ...profileArgs(profile),
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    { env: serverEnv(profile), stdio: ['ignore', log, log] },
  );
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 300))]);
    if (early) throw new Error(`code-server exited during start-up (${JSON.stringify(early)}); see ${logFile}`);
    try {
      const response = await fetch(`${url}healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s; see ${logFile}`);
    }
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
