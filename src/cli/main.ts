import { describeError, InvertscopeError } from '../core/errors';
import { invertscopeVersion } from '../core/store/packageVersion';
import { pathErrorOf } from '../core/files/fsError';
import { didYouMean, UsageError } from './args';
import { commandLine } from './commandLine';
import type { CliContext, Command } from './context';
import { processContext } from './context';
import { EXIT, exitCodeFor } from './exitCodes';
import { commandHelp, helpWidth, mainHelp } from './help';
import { analyzeCommand } from './commands/analyze';
import { compareCommand } from './commands/compare';
import { downloadMnistCommand } from './commands/downloadMnist';
import { generateCommand } from './commands/generate';
import { importCommand } from './commands/importCheckpoint';
import { reconstructCommand } from './commands/reconstruct';
import { reportCommand } from './commands/report';
import { reproduceCommand } from './commands/reproduce';
import { resumeCommand } from './commands/resume';
import { runsCommand } from './commands/runs';
import { showCommand } from './commands/show';
import { timelineCommand } from './commands/timeline';
import { trainCommand } from './commands/train';

export const COMMANDS: readonly Command[] = [
  reproduceCommand,
  reportCommand,
  trainCommand,
  runsCommand,
  showCommand,
  resumeCommand,
  importCommand,
  downloadMnistCommand,
  analyzeCommand,
  timelineCommand,
  reconstructCommand,
  generateCommand,
  compareCommand,
];

const HELP_FLAGS = new Set(['--help', '-h']);

export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  const width = helpWidth(ctx.stdout.columns);
  if (name === undefined || HELP_FLAGS.has(name)) {
    ctx.stdout.write(`${mainHelp(COMMANDS, width)}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === 'help') return help(rest[0], ctx);
  if (name === '--version' || name === '-v') {
    ctx.stdout.write(`${invertscopeVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknownCommand(name, ctx);
  if (rest.some((a) => HELP_FLAGS.has(a))) {
    ctx.stdout.write(`${commandHelp(command, width)}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, ctx);
  } catch (caught) {
    // A file-system error that names its path is about the user's files, not a bug: say so, with exit status 3.
    const error = pathErrorOf(caught) ?? caught;
    if (error instanceof UsageError) {
      ctx.stderr.write(`invertscope ${name}: ${error.message}\n`);
      if (error.rename)
        ctx.stderr.write(`Run instead: ${commandLine([name, ...renamed(rest, error.rename.from, error.rename.to)])}\n`);
      else ctx.stderr.write(`Usage: ${command.usage}\nRun \`invertscope ${name} --help\` for every option.\n`);
    } else if (error instanceof InvertscopeError) {
      ctx.stderr.write(`invertscope ${name}: ${error.message}\n`);
    } else {
      // A stack trace helps a bug report, not a user; it is printed only when asked for.
      const stack = process.env.INVERTSCOPE_DEBUG && error instanceof Error ? `${error.stack ?? ''}\n` : '';
      ctx.stderr.write(
        `invertscope ${name}: internal error: ${describeError(error)} (this is a bug; INVERTSCOPE_DEBUG=1 prints where it happened)\n${stack}`,
      );
    }
    return exitCodeFor(error);
  }
}

function help(topic: string | undefined, ctx: CliContext): number {
  const width = helpWidth(ctx.stdout.columns);
  if (topic === undefined) {
    ctx.stdout.write(`${mainHelp(COMMANDS, width)}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === topic);
  if (!command) return unknownCommand(topic, ctx);
  ctx.stdout.write(`${commandHelp(command, width)}\n`);
  return EXIT.ok;
}

function unknownCommand(name: string, ctx: CliContext): number {
  const hint = didYouMean(
    name,
    COMMANDS.map((c) => c.name),
    '',
  );
  ctx.stderr.write(
    `invertscope: unknown command "${name}"${hint}\nCommands: ${COMMANDS.map((c) => c.name).join(', ')}. Run \`invertscope --help\` for what each does.\n`,
  );
  return EXIT.usage;
}

/** The arguments with a flag's former name replaced by its new one (both `--old value` and `--old=value`). */
function renamed(args: readonly string[], from: string, to: string): string[] {
  return args.map((a) =>
    a === `--${from}` ? `--${to}` : a.startsWith(`--${from}=`) ? `--${to}=${a.slice(from.length + 3)}` : a,
  );
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
