import type { CliContext } from '../../src/cli/context';

/** A CLI context whose stdout and stderr are collected in memory, for running `main` in-process. */
export function captureCli(cwd: string): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '',
    err = '';
  const ctx: CliContext = {
    stdout: {
      write: (t: string) => {
        out += t;
      },
    },
    stderr: {
      write: (t: string) => {
        err += t;
      },
    },
    cwd,
    onInterrupt: () => () => undefined,
  };
  return { ctx, out: () => out, err: () => err };
}
