// Writes the README's "What it finds" section from a reproduction's findings.json,
// so no figure in it is typed by hand:
//   node scripts/readme-findings.mjs [reproduction/report/findings.json] [README.md]
// Needs a build (npm run build); run it after `npm start` (invertscope reproduce).
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { findingsMarkdown, readFindings, replaceFindings } = require(
  join(root, 'out/src/core/reproduce/readmeFindings.js'),
);
const findings = resolve(process.argv[2] ?? join(root, 'reproduction/report/findings.json'));
const readme = resolve(process.argv[3] ?? join(root, 'README.md'));
const section = findingsMarkdown(await readFindings(findings));
await writeFile(readme, replaceFindings(await readFile(readme, 'utf8'), section));
console.log(`readme-findings: wrote the findings section of ${readme} from ${findings}`);
