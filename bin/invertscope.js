#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'out', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('invertscope: not built yet; run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(1);
}
require(entry).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
