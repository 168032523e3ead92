import type { CliContext } from './context';

/** Runs `body` with a signal that Ctrl-C aborts. */
export async function withInterrupt<T>(ctx: CliContext, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const remove = ctx.onInterrupt(() => controller.abort());
  try {
    return await body(controller.signal);
  } finally {
    remove();
  }
}
