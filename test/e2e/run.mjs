// The real-VS-Code suite: installs code-server (cached), packages the extension with
// `npm run package` (as the README says; it builds first) and checks the .vsix, trains
// from the installed copy alone, installs the npm package and runs its CLI through npx,
// starts the server, drives the workbench with Debian's Chromium (test/e2e/ui; the CLI
// and the extension share a runs folder there), then runs the extension-host tests
// (test/extension-host) inside the same server. Run through `node scripts/test.mjs e2e`.
// Screenshots, the server's log and the extension's log go to test-artifacts/e2e/.
//   E2E_ONLY=ui|host   run one half
//   E2E_KEEP=1         leave the profile folders for a look afterwards
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProfile, freePort, installExtension, startCodeServer } from './lib/codeServer.mjs';
import { runExtensionHostTests } from './lib/extensionHostTests.mjs';
import { ensureCodeServer } from './lib/installCodeServer.mjs';
import { installNpmPackage } from './lib/npmPackage.mjs';
import {
  checkInstalledRuntime,
  checkVsixContents,
  installedExtensionDir,
  packageVsix,
} from './lib/packageExtension.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cache = join(root, '.cache');
const work = join(cache, 'e2e');
const artifacts = join(root, 'test-artifacts', 'e2e');
const only = process.env.E2E_ONLY ?? '';
const started = Date.now();
const timings = [];

async function phase(name, body) {
  const t = Date.now();
  console.log(`-- ${name}`);
  const result = await body();
  timings.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return result;
}

/** Copies the extension's own log (its LogOutputChannel) of every window into the artifacts. */
function collectExtensionLogs(userData) {
  const logs = join(userData, 'logs');
  if (!existsSync(logs)) return;
  let n = 0;
  for (const entry of readdirSync(logs, { recursive: true })) {
    if (!String(entry).endsWith(join('invertscope.invertscope', 'Invertscope.log'))) continue;
    copyFileSync(join(logs, String(entry)), join(artifacts, `invertscope-log-${++n}.log`));
  }
}

async function main() {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const codeServer = await phase('code-server', () => ensureCodeServer(join(cache, 'code-server')));
  const vsix = join(work, 'invertscope.vsix');
  const packaged = await phase('npm run package (builds, then vsce package)', () => packageVsix(root, vsix));
  for (const line of packaged.vsceLines) console.log(`   vsce: ${line.trim()}`);
  const contents = checkVsixContents(root, vsix);
  console.log(
    `   ${vsix}: ${(contents.bytes / 1e6).toFixed(2)} MB, ${contents.files} files (targets: 2.5 MB, 40 files)`,
  );

  const profile = createProfile(join(work, 'profile'));
  await phase('install .vsix', () => installExtension(codeServer, profile, vsix));
  const runtime = await phase('training from the installed copy alone', () =>
    checkInstalledRuntime(installedExtensionDir(profile.extensions, root)),
  );
  console.log(`   ${runtime}`);
  const npmPackage = await phase('npm package: npm pack, npm install, npx invertscope', () => {
    const installed = installNpmPackage(root, work);
    const help = installed.invertscope(['train', '--help']);
    if (!/--runs <folder>/.test(help)) throw new Error(`npx invertscope train --help printed:\n${help}`);
    return installed;
  });
  console.log(`   ${npmPackage.tarball} installed in ${npmPackage.project}`);

  // Two workspaces: an empty one for the UI (the welcome view, then a training),
  // and one with prepared runs for the extension-host tests.
  const uiWorkspace = join(profile.dir, 'ws-ui');
  mkdirSync(uiWorkspace, { recursive: true });
  writeFileSync(join(uiWorkspace, 'README.md'), '# A workspace for the Invertscope UI tests\n');
  const hostWorkspace = join(profile.dir, 'ws-host');
  const fixtures = createRequire(import.meta.url)(join(root, 'out/test/extension-host/fixtures/fixtureRuns.js'));
  await fixtures.writeFixtureRuns(join(hostWorkspace, '.invertscope', 'runs'));

  const port = await freePort();
  const server = await phase('start code-server', () =>
    startCodeServer(codeServer, profile, { port, logFile: join(artifacts, 'code-server.log') }),
  );
  console.log(`   ${server.url} (pid ${server.pid})`);
  const failures = [];
  try {
    if (only === '' || only === 'ui') {
      await phase('UI tests (Chromium)', () => {
        const files = readdirSync(join(here, 'ui'))
          .filter((f) => f.endsWith('.test.mjs'))
          .sort()
          .map((f) => join(here, 'ui', f));
        const result = spawnSync(
          process.execPath,
          ['--test', '--test-concurrency=1', '--test-timeout=420000', '--test-reporter=spec', ...files],
          {
            cwd: root,
            stdio: 'inherit',
            env: {
              ...process.env,
              CS_URL: server.url,
              WS_DIR: uiWorkspace,
              ARTIFACTS_DIR: artifacts,
              LOGS_DIR: join(profile.userData, 'logs'),
              NPM_PROJECT: npmPackage.project,
            },
          },
        );
        if (result.status !== 0) failures.push('UI tests');
      });
    }
    if (only === '' || only === 'host') {
      await phase('extension-host tests (mocha in code-server)', async () => {
        const code = await runExtensionHostTests({
          url: server.url,
          extensionPath: root,
          testsPath: join(root, 'out/test/extension-host/index'),
          workspace: hostWorkspace,
          logFile: join(artifacts, 'extension-host.log'),
        });
        console.log(`   extension-host tests exit code: ${code}`);
        if (code !== 0)
          failures.push(`extension-host tests (exit ${code}; log in test-artifacts/e2e/extension-host.log)`);
      });
    }
  } finally {
    await server.stop();
    collectExtensionLogs(profile.userData);
    if (!process.env.E2E_KEEP) {
      rmSync(profile.dir, { recursive: true, force: true });
      npmPackage.remove();
    }
  }
  console.log(`e2e: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length > 0) {
    console.error(`e2e failed: ${failures.join('; ')} (screenshots and logs in ${artifacts})`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
