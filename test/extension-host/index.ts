/**
 * The extension tests' entry: VS Code's test runner (and the code-server route
 * in test/e2e) loads this module in the extension host and awaits `run()`.
 */
import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`extension-host tests: ${failures} failure(s)`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
