/**
 * `value` without its undefined entries: spread over defaults, an optional
 * field passed through as undefined would otherwise replace its default.
 */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
