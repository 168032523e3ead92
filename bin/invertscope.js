#!/usr/bin/env node
'use strict';
// The installed package runs its bundle (dist/); a source checkout without one runs the compiled sources.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = [join(root, 'dist', 'invertscope.js'), join(root, 'out', 'src', 'cli', 'main.js')].find((file) =>
  existsSync(file),
);
if (!entry) {
  process.stderr.write(`invertscope: not built yet; run \`npm run build\` in ${root}\n`);
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
