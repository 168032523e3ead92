/**
 * d3-style chainable accessors: `chart.width()` reads, `chart.width(640)` sets and
 * returns the chart. Setting validates loudly and names the chart and option.
 */
export interface Accessor<C, T> {
  (): T;
  (value: T): C;
}

export function accessor<C, T>(
  chart: C,
  name: string,
  get: () => T,
  set: (value: T) => void,
  validate?: (value: T) => boolean,
): Accessor<C, T> {
  function access(): T;
  function access(value: T): C;
  function access(...args: [] | [T]): T | C {
    if (args.length === 0) return get();
    const [value] = args;
    if (validate && !validate(value)) throw new RangeError(`invalid ${name}: ${describe(value)}`);
    set(value);
    return chart;
  }
  return access;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
  } catch {
    return String(value);
  }
}

export const isPositiveSize = (v: number): boolean => Number.isFinite(v) && v > 0 && v < 100_000;
export const isLayerOrNull = (v: number | null): boolean => v === null || (Number.isInteger(v) && v >= 0);

/** A [low, high] pair of numbers, e.g. a y domain. */
export type Domain = readonly [number, number];

/** A positive, increasing domain a log scale can use, or null. */
export const isLogDomainOrNull = (v: Domain | null): boolean =>
  v === null || (Array.isArray(v) && v.length === 2 && v[0] > 0 && v[1] > v[0] && Number.isFinite(v[1]));

/** The smallest domain holding all of `domains`; null when there are none. */
export function unionDomain(domains: ReadonlyArray<Domain | null>): Domain | null {
  const present = domains.filter((d): d is Domain => d !== null);
  if (present.length === 0) return null;
  return [Math.min(...present.map((d) => d[0])), Math.max(...present.map((d) => d[1]))];
}
