import type { FlagSpec } from './args';

/** What a command needs from its surroundings, injected so commands can be tested in-process. */
export interface CliContext {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly cwd: string;
  /** Registers a Ctrl-C handler for the duration of a command; returns its remover. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The command line's shape without its options, e.g. 'invertscope show <run> [options]'. */
  readonly usage: string;
  /**
   * Every flag the command accepts. run() parses with `parseArgs(argv, <these>)`,
   * and `--help` lists each with its description, allowed values and default.
   */
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** The positional arguments: [as in usage, what it is]. */
  readonly arguments?: readonly (readonly [string, string])[];
  /** Whole command lines that work when copied (from a folder with a ./runs of trained runs). */
  readonly examples?: readonly string[];
  run(argv: readonly string[], ctx: CliContext): Promise<number>;
}
