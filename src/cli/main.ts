import { describeError, InvertscopeError } from '../core/errors';
import { UsageError } from './args';
import type { CliContext, Command } from './context';
import { processContext } from './context';
import { EXIT, exitCodeFor } from './exitCodes';
import { analyzeCommand } from './commands/analyze';
import { compareCommand } from './commands/compare';
import { downloadMnistCommand } from './commands/downloadMnist';
import { generateCommand } from './commands/generate';
import { importCommand } from './commands/importCheckpoint';
import { reconstructCommand } from './commands/reconstruct';
import { resumeCommand } from './commands/resume';
import { runsCommand } from './commands/runs';
import { showCommand } from './commands/show';
import { trainCommand } from './commands/train';

export const COMMANDS: readonly Command[] = [
  trainCommand, runsCommand, showCommand, resumeCommand, importCommand, downloadMnistCommand,
  analyzeCommand, reconstructCommand, generateCommand, compareCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'invertscope — train invertible MNIST networks, invert them exactly, and see why inversion fails',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `invertscope <command> --help` for a command\'s options.',
    `Exit status: ${EXIT.ok} ok, ${EXIT.failed} failed, ${EXIT.usage} usage error, ${EXIT.badInput} bad or missing input, ${EXIT.network} network, ${EXIT.backend} no backend, ${EXIT.cancelled} cancelled.`,
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.summary}\n\nUsage: ${command.usage}`;
}

export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(`${help()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    ctx.stdout.write(`${(require('../../../package.json') as { version: string }).version}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr.write(`invertscope: unknown command "${name}"\n\n${help()}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(`${commandHelp(command)}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.stderr.write(`invertscope ${name}: ${error.message}\nUsage: ${command.usage}\n`);
    } else if (error instanceof InvertscopeError) {
      ctx.stderr.write(`invertscope ${name}: ${error.message}\n`);
    } else {
      // A stack trace helps a bug report, not a user; it is printed only when asked for.
      const stack = process.env.INVERTSCOPE_DEBUG && error instanceof Error ? `${error.stack ?? ''}\n` : '';
      ctx.stderr.write(`invertscope ${name}: internal error: ${describeError(error)} (this is a bug; INVERTSCOPE_DEBUG=1 prints where it happened)\n${stack}`);
    }
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
