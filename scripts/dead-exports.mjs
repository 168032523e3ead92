// Lists the exported values (functions, classes, constants) of src/ that no other file imports (`node scripts/dead-exports.mjs`),
// and, separately, those that only tests import. Exits 1 when it finds any of the first kind.
// It reads import and export declarations with the TypeScript compiler (no type check), so it
// takes a second or two. Entry points (bundle and process entries, the extension's activate)
// and names a module loads by string are listed below as used.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Exports used from outside the import graph: by VS Code, by esbuild entries, by name at run time. */
const USED_ELSEWHERE = new Set([
  'src/extension/extension.ts#activate',
  'src/extension/extension.ts#deactivate',
  // poolTask.ts requires a worker's task module by path and calls this export.
  '*#createPoolTask',
  // scripts/readme-findings.mjs requires the compiled module and calls these.
  'src/core/reproduce/readmeFindings.ts#readFindings',
  'src/core/reproduce/readmeFindings.ts#findingsMarkdown',
  'src/core/reproduce/readmeFindings.ts#replaceFindings',
]);

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'node_modules' || entry === 'assembly' ? [] : sourceFiles(full);
    return /\.(ts|mts|mjs)$/.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

const files = ['src', 'test', 'bench', 'scripts'].flatMap((d) => sourceFiles(join(root, d)));
const rel = (f) => relative(root, f).split('\\').join('/');

/** The file an import specifier names, or null for a package. */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const exportsOf = new Map(); // file → Map(name → line)
const users = new Map(); // `${file}#${name}` → Set of importing files
const wholeModuleUsers = new Map(); // file → Set of files importing it with `* as` or `export *`

const use = (key, by) => {
  if (!users.has(key)) users.set(key, new Set());
  users.get(key).add(by);
};

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const declared = new Map();
  const line = (node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const hasExport = (node) => (ts.getModifiers?.(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

  const visitImport = (specifierNode, names, whole) => {
    const target = resolveImport(file, specifierNode.text);
    if (target === null) return;
    if (whole) {
      if (!wholeModuleUsers.has(target)) wholeModuleUsers.set(target, new Set());
      wholeModuleUsers.get(target).add(file);
    }
    for (const name of names) use(`${target}#${name}`, file);
  };

  for (const node of sf.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const names = [];
      let whole = false;
      if (clause?.name) names.push('default');
      if (clause?.namedBindings) {
        if (ts.isNamespaceImport(clause.namedBindings)) whole = true;
        else for (const el of clause.namedBindings.elements) names.push((el.propertyName ?? el.name).text);
      }
      visitImport(node.moduleSpecifier, names, whole);
    } else if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const names =
          node.exportClause && ts.isNamedExports(node.exportClause)
            ? node.exportClause.elements.map((el) => (el.propertyName ?? el.name).text)
            : [];
        visitImport(node.moduleSpecifier, names, !node.exportClause);
      }
      if (node.exportClause && ts.isNamedExports(node.exportClause) && !node.isTypeOnly) {
        for (const el of node.exportClause.elements) if (!el.isTypeOnly) declared.set(el.name.text, line(el));
      }
    } else if (hasExport(node)) {
      if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations)
          if (ts.isIdentifier(d.name)) declared.set(d.name.text, line(d));
      } else if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
        // Types: exported because a signature names them, which is no import.
      } else if (node.name && ts.isIdentifier(node.name)) {
        declared.set(node.name.text, line(node));
      }
    }
  }
  // `import('./x').Y` type references and `require('./x')` calls.
  const visitDeep = (node) => {
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const target = resolveImport(file, node.argument.literal.text);
      if (target && node.qualifier) use(`${target}#${node.qualifier.getText(sf).split('.')[0]}`, file);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const target = resolveImport(file, node.arguments[0].text);
      if (target) {
        if (!wholeModuleUsers.has(target)) wholeModuleUsers.set(target, new Set());
        wholeModuleUsers.get(target).add(file);
      }
    }
    ts.forEachChild(node, visitDeep);
  };
  visitDeep(sf);
  if (rel(file).startsWith('src/')) exportsOf.set(file, declared);
}

const isTest = (f) => !rel(f).startsWith('src/');
const dead = [];
const testOnly = [];
for (const [file, declared] of exportsOf) {
  if (wholeModuleUsers.has(file)) continue;
  for (const [name, line] of declared) {
    if (USED_ELSEWHERE.has(`${rel(file)}#${name}`) || USED_ELSEWHERE.has(`*#${name}`)) continue;
    const by = [...(users.get(`${file}#${name}`) ?? [])].filter((f) => f !== file);
    const where = `${rel(file)}:${line} ${name}`;
    if (by.length === 0) dead.push(where);
    else if (by.every(isTest)) testOnly.push(`${where}  (${by.map(rel).join(', ')})`);
  }
}
console.log(`Exports of src/ that nothing imports (${dead.length}):`);
for (const d of dead.sort()) console.log(`  ${d}`);
console.log(`\nExports of src/ that only tests, benchmarks or scripts import (${testOnly.length}):`);
for (const d of testOnly.sort()) console.log(`  ${d}`);
process.exitCode = dead.length > 0 ? 1 : 0;
