import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Whether a relative path climbs out of its base: ".." or "../…" (not a name
 * that merely starts with two dots, like "..models").
 */
function leavesFolder(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** Whether `path` is `folder` itself or lies somewhere below it. */
export function isInsideFolder(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || !leavesFolder(rel);
}

/** The first path segment of `path` below `folder` (a run id for a path in the runs folder), or null. */
export function firstSegmentBelow(path: string, folder: string): { segment: string; rest: string } | null {
  const rel = relative(resolve(folder), resolve(path));
  if (rel === '' || leavesFolder(rel)) return null;
  const parts = rel.split(sep);
  return { segment: parts[0], rest: parts.slice(1).join('/') };
}
