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
  readonly usage: string;
  run(argv: readonly string[], ctx: CliContext): Promise<number>;
}
