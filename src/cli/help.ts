import { allowedValues, placeholder, type FlagSpec } from './args';
import type { Command } from './context';
import { EXIT } from './exitCodes';
import { wrapText } from './format';

/** Help is read on terminals of any width; past 100 columns lines get hard to follow. */
const MAX_WIDTH = 100;
/** Descriptions start here; a longer flag puts its description on the next line. */
const FLAG_COLUMN = 26;

export function helpWidth(columns: number | undefined): number {
  return Math.max(60, Math.min(MAX_WIDTH, columns ?? MAX_WIDTH));
}

/** `invertscope <command> --help`: usage, arguments, every option by group, former spellings, examples. */
export function commandHelp(command: Command, width = MAX_WIDTH): string {
  const out = [...wrapText(`invertscope ${command.name}: ${command.summary}`, width), '', `Usage: ${command.usage}`];
  if (command.arguments && command.arguments.length > 0) {
    out.push('', 'Arguments:');
    for (const [name, text] of command.arguments) out.push(...entry(name, text, [], width));
  }
  const groups = new Map<string, [string, FlagSpec][]>();
  const renamed: [string, FlagSpec][] = [];
  for (const [name, spec] of Object.entries(command.flags)) {
    if (spec.renamedTo !== undefined) {
      renamed.push([name, spec]);
      continue;
    }
    const group = spec.group ?? 'Options';
    groups.set(group, [...(groups.get(group) ?? []), [name, spec]]);
  }
  for (const [group, flags] of groups) {
    out.push('', `${group}:`);
    for (const [name, spec] of flags) out.push(...flagEntry(name, spec, width));
  }
  out.push('', 'Help:');
  out.push(...entry('--help, -h', 'print this help', [], width));
  if (renamed.length > 0) {
    out.push('', 'Renamed (the old spelling is refused with a pointer to the new one):');
    for (const [name, spec] of renamed)
      out.push(...entry(`--${name}`, `now --${spec.renamedTo}: ${spec.description}`, [], width));
  }
  if (command.examples && command.examples.length > 0) {
    out.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  return out.join('\n');
}

/** `invertscope --help`: the commands, the flags that mean one thing everywhere, exit statuses. */
export function mainHelp(commands: readonly Command[], width = MAX_WIDTH): string {
  const nameWidth = Math.max(...commands.map((c) => c.name.length));
  const column = nameWidth + 4;
  const commandLines = commands.flatMap((c) => {
    const [first, ...rest] = wrapText(c.summary, width - column);
    return [`  ${c.name.padEnd(nameWidth)}  ${first}`, ...rest.map((l) => `${' '.repeat(column)}${l}`)];
  });
  return [
    'invertscope: train invertible MNIST networks, invert them exactly, and see why inversion fails',
    '',
    'Usage: invertscope <command> [arguments] [options]',
    '',
    'Commands:',
    ...commandLines,
    '',
    'Options that mean the same in every command that has them:',
    ...entry(
      '--runs <folder>',
      'the runs folder, read and written (default ./runs); the VS Code extension reads the same runs',
      [],
      width,
    ),
    ...entry(
      '--out <path>',
      'the file or folder the command writes: the PNG of reconstruct, generate and compare, the data folder of download-mnist',
      [],
      width,
    ),
    ...entry('--json', 'machine-readable output on stdout', [], width),
    '',
    'Run `invertscope <command> --help` for every option of a command, with its default and allowed values.',
    ...wrapText(
      `Exit status: ${EXIT.ok} ok, ${EXIT.failed} failed, ${EXIT.usage} usage error, ${EXIT.badInput} bad or missing input, ` +
        `${EXIT.network} network, ${EXIT.backend} no backend, ${EXIT.cancelled} cancelled.`,
      width,
    ),
  ].join('\n');
}

function flagEntry(name: string, spec: FlagSpec, width: number): string[] {
  const head = spec.type === 'boolean' ? `--${name}` : `--${name} <${placeholder(spec)}>`;
  const facts: string[] = [];
  const allowed = allowedValues(spec);
  if (allowed) facts.push(allowed);
  facts.push(`default: ${defaultText(spec)}`);
  return entry(head, spec.description, [facts.join(' · ')], width);
}

function defaultText(spec: FlagSpec): string {
  if (spec.default === undefined) return spec.type === 'boolean' ? 'off' : 'none';
  if (typeof spec.default === 'boolean') return spec.default ? 'on' : 'off';
  return String(spec.default);
}

/** `  head  text…` with the text wrapped into the description column, then each extra paragraph. */
function entry(head: string, text: string, extra: readonly string[], width: number): string[] {
  const textWidth = width - FLAG_COLUMN;
  const body = [text, ...extra].flatMap((paragraph) => wrapText(paragraph, textWidth));
  const pad = ' '.repeat(FLAG_COLUMN);
  const first = `  ${head}`;
  if (first.length + 2 > FLAG_COLUMN) return [first, ...body.map((l) => pad + l)];
  return [first.padEnd(FLAG_COLUMN) + body[0], ...body.slice(1).map((l) => pad + l)];
}
