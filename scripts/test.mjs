// Runs every check in order: lint (ESLint, `npm run lint`), format (Prettier, `npm run
// format:check`), then the test suites: unit (node:test), webview (headless Chromium),
// end-to-end (a real VS Code). `npm test -- unit` or `-- lint webview e2e` runs a subset.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = {
  lint: { npmScript: 'lint' },
  format: { npmScript: 'format:check' },
  unit: { dir: 'out/test/unit', pattern: /\.test\.js$/ },
  webview: { dir: 'out/test/webview', pattern: /\.test\.js$/ },
  e2e: { script: 'test/e2e/run.mjs' },
};
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = requested.length > 0 ? requested : Object.keys(suites);
for (const name of names) {
  if (!(name in suites)) {
    console.error(`test: unknown suite "${name}"; expected one of ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

function findTests(dir, pattern) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((entry) => {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) return findTests(full, pattern);
      return pattern.test(entry) ? [full] : [];
    })
    .sort();
}

let failed = [];
for (const name of names) {
  const suite = suites[name];
  const started = Date.now();
  let status;
  if (suite.npmScript) {
    console.log(`\n== ${name}: npm run ${suite.npmScript}`);
    status = spawnSync('npm', ['run', '--silent', suite.npmScript], { cwd: root, stdio: 'inherit' }).status;
  } else if (suite.script) {
    const script = join(root, suite.script);
    // A suite that finds nothing to run has failed: a moved folder must not pass silently.
    if (!existsSync(script)) {
      console.log(`\n== ${name}: FAILED, its script ${suite.script} is missing`);
      failed.push(name);
      continue;
    }
    console.log(`\n== ${name}: ${suite.script}`);
    status = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' }).status;
  } else {
    const files = findTests(join(root, suite.dir), suite.pattern);
    if (files.length === 0) {
      console.log(`\n== ${name}: FAILED, no tests found under ${suite.dir} (is the build done?)`);
      failed.push(name);
      continue;
    }
    console.log(`\n== ${name}: ${files.length} files`);
    status = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files.map((f) => relative(root, f))], {
      cwd: root,
      stdio: 'inherit',
    }).status;
  }
  console.log(`== ${name}: ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nFailed suites: ${failed.join(', ')}`);
  process.exit(1);
}
