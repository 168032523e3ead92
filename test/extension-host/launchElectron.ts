/**
 * Runs the extension-host tests in a VS Code that @vscode/test-electron downloads
 * (for machines with internet access): `node out/test/extension-host/launchElectron.js`.
 * Offline, test/e2e/run.mjs runs the same suite inside code-server.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { writeFixtureRuns } from './fixtures/fixtureRuns';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const workspace = await mkdtemp(join(tmpdir(), 'invertscope-exthost-'));
  await writeFixtureRuns(join(workspace, '.invertscope', 'runs'));
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(__dirname, 'index'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
