import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Command lines the CLI prints for people to copy ("Next: …"), so they must work
 * when pasted: arguments quoted for a POSIX shell, and the runs folder named
 * whenever it is not the default.
 */
export function commandLine(args: readonly string[]): string {
  return ['invertscope', ...args].map(shellQuote).join(' ');
}

/** The argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `--runs <folder>` for a runs folder other than ./runs (relative to cwd when inside it), else nothing. */
export function runsArgs(runsFolder: string, cwd: string): string[] {
  const folder = resolve(cwd, runsFolder);
  if (folder === resolve(cwd, 'runs')) return [];
  return ['--runs', displayPath(folder, cwd)];
}

/** A path as the user would type it from cwd: relative inside cwd, absolute elsewhere. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
