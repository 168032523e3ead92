import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../../../../src/core/random/rng';
import type { BuiltCase, HostileCase } from './hostileCase';

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** A word of random letters and digits. */
function word(rng: Rng, length: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => letters[rng.int(letters.length)]).join('');
}

function cliCase(name: string, status: 2 | 3, build: (folder: string) => BuiltCase): HostileCase {
  return { family: 'cli arguments', name, status, build };
}

/** Flags with a numeric value, per command, and whether it must be an integer. */
const NUMERIC: readonly [command: string, flag: string, integer: boolean, outOfRange: string | null][] = [
  ['train', 'epochs', true, '-1'],
  ['train', 'batch-size', true, '4097'],
  ['train', 'seed', true, '-3'],
  ['train', 'train-count', true, '0'],
  ['train', 'test-count', true, '0'],
  ['train', 'depth', true, '65'],
  ['train', 'lr', false, null],
  ['train', 'slope', false, null],
  ['train', 'ridge', false, '-1'],
  ['train', 'tau', false, '-0.5'],
  ['resume', 'epochs', true, '0'],
  ['import', 'epoch', true, '-1'],
  ['import', 'slope', false, null],
  ['analyze', 'test-images', true, '9'],
  ['analyze', 'samples', true, '0'],
  ['analyze', 'temperature', false, '101'],
  ['analyze', 'epoch', true, '-2'],
];

const CHOICES: readonly [command: string, flag: string][] = [
  ['train', 'model'],
  ['train', 'backend'],
  ['train', 'objective'],
  ['train', 'prior'],
  ['train', 'init'],
  ['resume', 'backend'],
  ['import', 'model'],
];

/** Arguments a command needs to get as far as its flags (a run or file that is never reached). */
const LEAD: Readonly<Record<string, string[]>> = {
  train: [],
  resume: ['some-run'],
  import: ['model.safetensors'],
  analyze: ['some-run'],
  show: ['some-run'],
  runs: [],
};

/** About 50 malformed command lines: usage errors (exit 2) naming the flag and value, and missing inputs (exit 3). */
export function cliCases(rng: Rng): HostileCase[] {
  const cases: HostileCase[] = [];
  const commands = Object.keys(LEAD);

  for (let i = 0; i < 6; i++) {
    const r = rng.fork(`unknown-${i}`);
    const command = pick(r, commands);
    const flag = word(r, 3 + r.int(12));
    cases.push(
      cliCase(`${command}: unknown option --${flag}`, 2, () => ({
        args: [command, ...LEAD[command], `--${flag}`, 'x'],
        mentions: [`unknown option --${flag}`],
      })),
    );
  }
  cases.push(
    cliCase('an option name of 100,000 characters', 2, () => ({
      args: ['show', `--${'y'.repeat(100_000)}`],
      mentions: ['unknown option --yyyy'],
    })),
  );

  for (const [command, flag, integer, outOfRange] of NUMERIC) {
    const r = rng.fork(`${command}-${flag}`);
    const bad = [
      ...(integer ? ['1.5'] : []),
      'NaN',
      'abc',
      '1e999',
      'Infinity',
      '',
      ' ',
      '0x',
      ...(outOfRange ? [outOfRange] : []),
    ];
    const value = pick(r, bad);
    const shown = value.trim() === '' ? '' : value;
    cases.push(
      cliCase(`${command} --${flag} ${JSON.stringify(value)}`, 2, () => ({
        args: [command, ...LEAD[command], `--${flag}`, value],
        mentions: [`--${flag}`, shown],
      })),
    );
  }
  for (const [command, flag] of CHOICES) {
    const r = rng.fork(`${command}-${flag}-choice`);
    const value = pick(r, [word(r, 5), 'BASE', 'auto ', '']);
    cases.push(
      cliCase(`${command} --${flag} ${JSON.stringify(value)}`, 2, () => ({
        args: [command, ...LEAD[command], `--${flag}`, value],
        mentions: [`--${flag}`],
      })),
    );
  }
  for (const [command, flag] of [
    ['train', 'epochs'],
    ['analyze', 'noise'],
    ['show', 'runs'],
    ['resume', 'epochs'],
  ] as const) {
    cases.push(
      cliCase(`${command} --${flag} with no value`, 2, () => ({
        args: [command, ...LEAD[command], `--${flag}`],
        mentions: [`--${flag} needs a value`],
      })),
    );
  }
  for (const [command, flag] of [
    ['train', 'json'],
    ['runs', 'json'],
    ['train', 'lu'],
  ] as const) {
    cases.push(
      cliCase(`${command} --${flag}=yes`, 2, () => ({
        args: [command, `--${flag}=yes`],
        mentions: [`--${flag} takes no value`],
      })),
    );
  }
  const usage: [string, string[], string][] = [
    ['train with a positional argument', ['train', 'extra'], 'extra'],
    ['show without a run', ['show'], 'show needs exactly one run'],
    ['show with two runs', ['show', 'a', 'b'], 'show needs exactly one run'],
    ['import without a file', ['import'], 'import needs one or more'],
    ['resume without --epochs', ['resume', 'some-run'], 'resume needs --epochs'],
    ['train --model custom without --depth', ['train', '--model', 'custom'], '--depth'],
    ['train --prior for the seed objective', ['train', '--objective', 'seed', '--prior', 'class'], '--prior'],
    ['train --dequantize --no-dequantize', ['train', '--dequantize', '--no-dequantize'], '--no-dequantize'],
    ['train --model flow11 --objective seed', ['train', '--model', 'flow11', '--objective', 'seed'], 'flow11'],
    ['train --lr 2', ['train', '--lr', '2'], 'learningRate: 2'],
    ['train --checkpoints a,b', ['train', '--checkpoints', 'a,b'], '--checkpoints'],
    ['train --train-count with an IDX folder', ['train', '--data', 'folder', '--train-count', '5'], '--train-count'],
    ['analyze --epoch with a file', ['analyze', 'x.safetensors', '--epoch', '2'], '--epoch'],
    ['analyze --noise 0', ['analyze', 'x.safetensors', '--noise', '0'], '--noise'],
    ['an unknown command', ['tr4in'], 'unknown command "tr4in"'],
  ];
  for (const [name, args, mention] of usage) cases.push(cliCase(name, 2, () => ({ args, mentions: [mention] })));

  const missing: [string, (folder: string) => string[], string][] = [
    ['show of a run that does not exist', (f) => ['show', 'no-such-run', '--runs', join(f, 'runs')], 'no-such-run'],
    [
      'show of a path that is no run',
      (f) => ['show', join(f, 'nowhere', '..', '..'), '--runs', join(f, 'runs')],
      'no run',
    ],
    [
      'import of a missing file',
      (f) => ['import', join(f, 'missing.safetensors'), '--runs', join(f, 'runs')],
      'missing.safetensors',
    ],
    ['analyze of a missing file', (f) => ['analyze', join(f, 'missing.safetensors')], 'missing.safetensors'],
    [
      'resume of a run id with a slash',
      (f) => ['resume', 'a/../../b', '--epochs', '2', '--runs', join(f, 'runs')],
      'a/../../b',
    ],
    [
      'train on a data folder that does not exist',
      (f) => ['train', '--data', join(f, 'no-data'), '--epochs', '1', '--backend', 'wasm', '--runs', join(f, 'runs')],
      'no-data',
    ],
  ];
  missing.push([
    'download-mnist --out a file',
    (f) => {
      writeFileSync(join(f, 'a-file'), 'x');
      return ['download-mnist', '--out', join(f, 'a-file')];
    },
    'is a file, not a folder',
  ]);
  if (process.platform === 'linux')
    missing.push([
      'download-mnist --out /proc/nope',
      () => ['download-mnist', '--out', '/proc/nope'],
      'does not accept new entries',
    ]);
  for (const [name, args, mention] of missing)
    cases.push(cliCase(name, 3, (folder) => ({ args: args(folder), mentions: [mention] })));
  return cases;
}
