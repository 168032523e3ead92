import { InvertscopeError } from '../errors';

/**
 * Stored data failed validation. Every message starts with the file and names
 * the field (a tensor, a metadata key, a run.json path) and the value found, so a
 * user can open the file and see what is wrong without a debugger.
 */
export function corrupt(
  file: string,
  field: string,
  problem: string,
  value?: unknown,
  cause?: unknown,
): InvertscopeError {
  return new InvertscopeError(
    'CORRUPT',
    `${file}: ${field}: ${problem}`,
    { file, field, value },
    cause === undefined ? undefined : { cause },
  );
}

/** A value handed to the store by a caller (or a file given by a user) that cannot be stored or imported. */
export function badInput(file: string, field: string, problem: string, value?: unknown): InvertscopeError {
  return new InvertscopeError('BAD_INPUT', `${file}: ${field}: ${problem}`, { file, field, value });
}

/** Short, bounded rendering of an offending value for messages (a corrupt file can hold megabytes in one field). */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'bigint') text = `${value}`;
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // A cycle, or nesting too deep to render (String() of nested arrays recurses as well).
      text = Array.isArray(value) ? '[…]' : typeof value === 'object' && value !== null ? '{…}' : typeof value;
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export { errnoCode } from '../files/fsError';
