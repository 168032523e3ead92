/**
 * The one error type the core throws for problems a user can act on. `code` is
 * stable (the CLI maps it to an exit status, the extension to a message with an
 * action); `detail` names the file, field and value when there is one.
 */
export type ErrorCode =
  | 'BAD_INPUT' // a file or value the user gave is malformed
  | 'NOT_FOUND' // a run, checkpoint or file does not exist
  | 'CORRUPT' // stored data failed validation (truncated, bad header, ...)
  | 'NUMERIC' // a numerical failure (singular matrix, divergence)
  | 'NETWORK' // a download failed
  | 'CANCELLED' // the user or caller cancelled
  | 'BACKEND' // no compute backend could be loaded
  | 'INTERNAL';

// A record rather than a list: a code added to ErrorCode and not here fails to compile.
const ERROR_CODES: Readonly<Record<ErrorCode, true>> = {
  BAD_INPUT: true,
  NOT_FOUND: true,
  CORRUPT: true,
  NUMERIC: true,
  NETWORK: true,
  CANCELLED: true,
  BACKEND: true,
  INTERNAL: true,
};

/** Whether a code that crossed a process boundary (as a plain string) is one of ours. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export class InvertscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: { file?: string; field?: string; value?: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvertscopeError';
  }
}

export function isInvertscopeError(error: unknown, code?: ErrorCode): error is InvertscopeError {
  return error instanceof InvertscopeError && (code === undefined || error.code === code);
}

/** Turns anything thrown into a one-line message for logs and protocol messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
