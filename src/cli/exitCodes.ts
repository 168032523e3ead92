import { InvertscopeError } from '../core/errors';
import { UsageError } from './args';

/** Exit statuses scripts can rely on (also listed by `invertscope --help`). */
export const EXIT = {
  ok: 0,
  failed: 1, // the work ran and failed (a training run failed, an internal error)
  usage: 2, // the command line is wrong
  badInput: 3, // a file, run or value given is missing or malformed
  network: 4, // a download failed
  backend: 5, // no compute backend could start
  cancelled: 130, // stopped by Ctrl-C (128 + SIGINT)
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof InvertscopeError) {
    switch (error.code) {
      case 'BAD_INPUT':
      case 'NOT_FOUND':
      case 'CORRUPT':
        return EXIT.badInput;
      case 'NETWORK':
        return EXIT.network;
      case 'BACKEND':
        return EXIT.backend;
      case 'CANCELLED':
        return EXIT.cancelled;
      default:
        return EXIT.failed;
    }
  }
  return EXIT.failed;
}
