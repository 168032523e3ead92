/** JSON.stringify replacer: NaN and ±Infinity as strings, so they are not silently printed as null. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
