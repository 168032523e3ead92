/**
 * Row ranges [start, end) that share `count` rows among `threads` threads: a
 * multiple of `threads` ranges (up to `perThread` each) whose sizes differ by
 * at most one row, each of at least `minRows` rows where the rows allow and
 * at most `maxRows`. Equal shares let the threads finish together: fixed-size
 * chunks of 32 rows made 100 rows run as 64 on one thread and 36 on the
 * other. Fewer than `minRows / 2` rows per thread stay one range, for the
 * calling thread alone.
 *
 * @example
 *   rowChunks(100, 2, 32, 256);  // [[0, 50], [50, 100]]
 *   rowChunks(10, 2, 32, 256);   // [[0, 10]]
 */
export function rowChunks(
  count: number,
  threads: number,
  minRows: number,
  maxRows = Number.POSITIVE_INFINITY,
  perThread = 4,
): Array<[number, number]> {
  if (count <= 0) return [];
  let groups = threads * perThread;
  while (groups > threads && count / groups < minRows) groups -= threads;
  if (count / groups < minRows / 2) groups = 1;
  while (count / groups > maxRows) groups += threads;
  groups = Math.min(groups, count);
  const base = Math.floor(count / groups);
  const larger = count % groups;
  const out: Array<[number, number]> = [];
  for (let g = 0, r0 = 0; g < groups; g++) {
    const r1 = r0 + base + (g < larger ? 1 : 0);
    out.push([r0, r1]);
    r0 = r1;
  }
  return out;
}
