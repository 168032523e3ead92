#!/usr/bin/env node
// Lists the longest functions under src/ (TypeScript sources), longest first, to find
// what has grown past one job. Usage: node scripts/longest-functions.mjs [count] [folder]
// Counts the lines a function spans, from its first line to its closing brace, comments
// included; a function nested in another is listed on its own and also counts toward its
// parent. Class bodies are not functions; their methods are.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const count = Number(process.argv[2] ?? 15);
const root = process.argv[3] ?? 'src';
if (!Number.isInteger(count) || count < 1) {
  console.error(`longest-functions: the count must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}

function sources(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

/** A readable name: the declaration's own, else the variable or property it is assigned to. */
function nameOf(node, file) {
  if (node.name) return node.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  ) {
    return parent.name.getText(file);
  }
  return '(anonymous)';
}

/** The enclosing class, if any, so methods read as Class.method. */
function qualified(node, file) {
  const name = nameOf(node, file);
  for (let up = node.parent; up; up = up.parent) {
    if (ts.isClassLike(up) && up.name) return `${up.name.getText(file)}.${name}`;
    if (ts.isFunctionLike(up)) break;
  }
  return name;
}

const found = [];
for (const path of sources(root)) {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ lines: end - start + 1, where: `${relative('.', path)}:${start + 1}`, name: qualified(node, file) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

found.sort((a, b) => b.lines - a.lines || a.where.localeCompare(b.where));
for (const { lines, where, name } of found.slice(0, count)) {
  console.log(`${String(lines).padStart(5)}  ${name}  ${where}`);
}
