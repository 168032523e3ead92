import { spawnSync } from 'node:child_process';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Rng } from '../../../../src/core/random/rng';
import { nestedJson } from '../builders';
import type { TemplateRun } from '../templateRun';
import type { BuiltCase, HostileCase } from './hostileCase';

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/**
 * A copy of the template run whose large files are hard links (a case that
 * changes one replaces it first: see replace), so eighty copies cost little.
 */
function linkRun(template: TemplateRun, runs: string): string {
  const copy = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      const source = join(from, name);
      const target = join(to, name);
      const info = statSync(source);
      if (info.isDirectory()) copy(source, target);
      else if (info.size > 64 * 1024) linkSync(source, target);
      else writeFileSync(target, readFileSync(source));
    }
  };
  const folder = join(runs, template.id);
  copy(join(template.runs, template.id), folder);
  return folder;
}

/** Writes new contents without touching a hard-linked original. */
function replace(file: string, bytes: Buffer | string): void {
  rmSync(file, { recursive: true, force: true });
  writeFileSync(file, bytes);
}

/** Replaces a file of the run with a symbolic link to a copy of it outside the run. */
function linkToCopyOutside(file: string, outside: string): void {
  writeFileSync(outside, readFileSync(file));
  rmSync(file);
  symlinkSync(outside, file);
}

type Command = 'show' | 'analyze' | 'resume';
function commandArgs(command: Command, id: string, runs: string): string[] {
  if (command === 'show') return ['show', id, '--runs', runs];
  if (command === 'analyze') return ['analyze', id, '--runs', runs];
  return ['resume', id, '--epochs', '3', '--runs', runs];
}

interface Damaged {
  readonly command: Command;
  readonly mentions: string[];
  /** Arguments other than the command's usual ones. */
  readonly args?: string[];
}

function runCase(
  template: () => TemplateRun,
  name: string,
  rng: Rng,
  damage: (folder: string, rng: Rng) => Damaged,
): HostileCase {
  return {
    family: 'run folder',
    name,
    status: 3,
    build(folder: string): BuiltCase {
      const t = template();
      const runs = join(folder, 'runs');
      const run = linkRun(t, runs);
      const { command, mentions, args } = damage(run, rng);
      return { args: args ?? commandArgs(command, t.id, runs), mentions };
    },
  };
}

/** run.json fields and values that no valid record holds, with the field path the error must name. */
const FIELD_DAMAGE: readonly [string, readonly unknown[], string][] = [
  ['formatVersion', [99, -1, '1', null, 1.5], 'formatVersion'],
  ['id', ['another-id', 7, ''], 'id'],
  ['status', ['paused', 3, null], 'status'],
  ['createdAt', ['yesterday', 42], 'createdAt'],
  ['config.architecture.width', [0, 1e9, -5, 1.5, '784', 4097], 'config.architecture.width'],
  [
    'config.architecture.layers',
    [[], 'four', Array.from({ length: 65 }, () => ({ activation: true })), [{ activation: 'yes' }]],
    'config.architecture.layers',
  ],
  ['config.architecture.negativeSlope', [0, 2, -0.1, '0.01'], 'config.architecture.negativeSlope'],
  ['config.architecture.parametrization', ['qr', null], 'config.architecture.parametrization'],
  ['config.objective', ['gan', 1], 'config.objective'],
  ['config.epochs', [-1, 1.5, 'ten'], 'config.epochs'],
  ['config.batchSize', [0, -32, 'x'], 'config.batchSize'],
  ['config.learningRate', [0, -1, 'fast', null], 'config.learningRate'],
  ['config.checkpointEpochs', [[-1], 'all', [1.5]], 'config.checkpointEpochs'],
  ['config.data.kind', ['csv', null], 'config.data.kind'],
  ['config.backend', ['gpu', 3], 'config.backend'],
  ['checkpoints.0.sha256', ['xyz', 'A'.repeat(64), 5], 'checkpoints[0].sha256'],
  [
    'checkpoints.0.file',
    ['../../etc/passwd', 'checkpoints/../run.json', '/tmp/x.safetensors', 'checkpoints/a/b.safetensors'],
    'checkpoints[0].file',
  ],
  ['checkpoints.0.epoch', [-1, 'one'], 'checkpoints[0].epoch'],
  ['timings.trainSeconds', [-1, 'long'], 'timings.trainSeconds'],
  ['error', [{ message: 'x', code: 42 }, 'boom'], 'error'],
  ['process', [{ pid: 0, hostname: 'h', startedAt: '2026-01-01T00:00:00Z' }], 'process.pid'],
  ['epochsCompleted', [-3, 'one'], 'epochsCompleted'],
  ['data.split.kind', ['random'], 'data.split.kind'],
  ['data.split.train', ['0-63', [-1]], 'data.split.train'],
  ['versions', [null, 'x'], 'versions'],
];

function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: Record<string, unknown> = record;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
}

/** Offsets of run.json's text that lie outside strings (brackets, digits, keywords, spaces). */
function structuralOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (text[i] !== '\n') {
      out.push(i);
    }
  }
  return out;
}

/** About 80 damaged copies of a real run, each refused by show, analyze or resume with the file and field named. */
export function runFolderCases(rng: Rng, template: () => TemplateRun): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (name: string, damage: (folder: string, rng: Rng) => Damaged) => {
    cases.push(runCase(template, name, rng.fork(`${name}-${cases.length}`), damage));
  };
  const commands: Command[] = ['show', 'show', 'analyze', 'resume'];

  for (const [path, values, mention] of FIELD_DAMAGE) {
    for (const value of values) {
      if (rng.uniform() < 0.55) continue;
      add(`run.json ${path} = ${JSON.stringify(value)?.slice(0, 30)}`, (folder, r) => {
        const file = join(folder, 'run.json');
        const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        setPath(record, path, value);
        replace(file, JSON.stringify(record, null, 2));
        return { command: pick(r, commands), mentions: [file, mention] };
      });
    }
  }
  for (let i = 0; i < 6; i++) {
    add(`run.json with a stray bracket #${i + 1}`, (folder, r) => {
      const file = join(folder, 'run.json');
      const text = readFileSync(file, 'utf8');
      const at = pick(r, structuralOffsets(text));
      replace(file, text.slice(0, at) + pick(r, ['{', '[', ']', '}', ',']) + text.slice(at + 1));
      return { command: pick(r, commands), mentions: [file, '(root)'] };
    });
  }
  for (let i = 0; i < 3; i++) {
    add(`run.json cut short #${i + 1}`, (folder, r) => {
      const file = join(folder, 'run.json');
      const text = readFileSync(file);
      replace(file, text.subarray(0, r.int(text.length - 2)));
      return { command: pick(r, commands), mentions: [file, '(root)'] };
    });
  }
  add('run.json nested 100,000 deep', (folder) => {
    replace(join(folder, 'run.json'), nestedJson(100_000, 'mixed'));
    return { command: 'show', mentions: ['run.json', 'levels deep'] };
  });
  add('run.json not UTF-8', (folder) => {
    const file = join(folder, 'run.json');
    const bytes = Buffer.from(readFileSync(file));
    bytes[bytes.indexOf('"status"') + 3] = 0xff;
    replace(file, bytes);
    return { command: 'show', mentions: [file, 'UTF-8'] };
  });
  add('run.json of 17 MB', (folder) => {
    const file = join(folder, 'run.json');
    replace(file, readFileSync(file, 'utf8') + ' '.repeat(17 * 2 ** 20));
    return { command: 'resume', mentions: [file, 'above the limit'] };
  });
  for (const value of ['[]', '"run"', '3', 'null', '']) {
    add(`run.json holding ${value || 'nothing'}`, (folder) => {
      replace(join(folder, 'run.json'), value);
      return { command: 'show', mentions: ['run.json', '(root)'] };
    });
  }

  add('run.json is a folder', (folder) => {
    rmSync(join(folder, 'run.json'));
    mkdirSync(join(folder, 'run.json'));
    return { command: 'show', mentions: ['run.json', 'is a folder'] };
  });
  add('run.json is a link', (folder) => {
    linkToCopyOutside(join(folder, 'run.json'), join(folder, '..', 'elsewhere.json'));
    return { command: 'show', mentions: ['run.json', 'symbolic link'] };
  });
  for (const command of ['show', 'analyze', 'resume'] as const) {
    add(`the run folder is a link (${command})`, (folder) => {
      const real = `${folder}-real`;
      renameSync(folder, real);
      symlinkSync(real, folder, 'dir');
      return { command, mentions: [folder, 'symbolic link'] };
    });
  }
  add('metrics.jsonl is a folder', (folder) => {
    rmSync(join(folder, 'metrics.jsonl'));
    mkdirSync(join(folder, 'metrics.jsonl'));
    return { command: pick(rng, ['show', 'resume'] as const), mentions: ['metrics.jsonl', 'is a folder'] };
  });
  add('metrics.jsonl is a link', (folder) => {
    linkToCopyOutside(join(folder, 'metrics.jsonl'), join(folder, '..', 'metrics-elsewhere.jsonl'));
    return { command: 'show', mentions: ['metrics.jsonl', 'symbolic link'] };
  });
  for (const sub of ['checkpoints', 'resume'] as const) {
    add(`${sub}/ is a file`, (folder) => {
      rmSync(join(folder, sub), { recursive: true });
      writeFileSync(join(folder, sub), 'x');
      return { command: 'resume', mentions: [sub] };
    });
    add(`${sub}/ is a link`, (folder) => {
      const real = join(folder, '..', `${sub}-elsewhere`);
      renameSync(join(folder, sub), real);
      symlinkSync(real, join(folder, sub), 'dir');
      return { command: 'resume', mentions: [sub, 'symbolic link'] };
    });
  }

  const checkpoint = (folder: string) => join(folder, 'checkpoints', 'epoch-0001.safetensors');
  for (let i = 0; i < 4; i++) {
    add(`the checkpoint with a changed byte #${i + 1}`, (folder, r) => {
      const file = checkpoint(folder);
      const bytes = Buffer.from(readFileSync(file));
      bytes[r.int(bytes.length)] ^= 1 + r.int(255);
      replace(file, bytes);
      return { command: 'analyze', mentions: [file] };
    });
  }
  add('the checkpoint cut short', (folder, r) => {
    const file = checkpoint(folder);
    const b = readFileSync(file);
    replace(file, b.subarray(0, r.int(b.length)));
    return { command: 'analyze', mentions: [file] };
  });
  add('the checkpoint missing', (folder) => {
    rmSync(checkpoint(folder));
    return { command: 'analyze', mentions: ['epoch-0001.safetensors'] };
  });
  add('the checkpoint is a link to the same bytes', (folder) => {
    const file = checkpoint(folder);
    linkToCopyOutside(file, join(folder, '..', 'outside.safetensors'));
    return { command: 'analyze', mentions: [file, 'symbolic link'] };
  });
  if (process.platform !== 'win32') {
    add('the checkpoint is a FIFO', (folder) => {
      const file = checkpoint(folder);
      rmSync(file);
      spawnSync('mkfifo', [file]);
      return { command: 'analyze', mentions: [file, 'named pipe'] };
    });
  }

  const resumeDir = (folder: string) => join(folder, 'resume');
  for (const [name, text] of [
    ['not JSON', '{"completedEpochs": 1,'],
    ['fields of the wrong type', '{"completedEpochs": "one", "completedSteps": 2, "checkpointSha256": "x"}'],
    ['nested deeply', nestedJson(50_000, 'array')],
    ['an array', '[1, 2]'],
    [
      'naming a point that is not in resume/',
      '{"completedEpochs": 1, "completedSteps": 2, "partialEpoch": null, "checkpointSha256": "00", "file": "../checkpoints/epoch-0001.safetensors"}',
    ],
  ] as const) {
    add(`resume/latest.json ${name}`, (folder) => {
      replace(join(resumeDir(folder), 'latest.json'), text);
      return { command: 'resume', mentions: ['latest.json'] };
    });
  }
  add("resume/latest.json naming another checkpoint's hash", (folder) => {
    const file = join(resumeDir(folder), 'latest.json');
    replace(
      file,
      JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), checkpointSha256: '0'.repeat(64) }),
    );
    return { command: 'resume', mentions: [file, 'names checkpoint 000000000000'] };
  });
  /** The resume point's checkpoint, as latest.json names it. */
  const pointFile = (folder: string) =>
    join(
      resumeDir(folder),
      (JSON.parse(readFileSync(join(resumeDir(folder), 'latest.json'), 'utf8')) as { file: string }).file,
    );
  for (let i = 0; i < 3; i++) {
    add(`the resume point's checkpoint with a changed byte #${i + 1}`, (folder, r) => {
      const file = pointFile(folder);
      const bytes = Buffer.from(readFileSync(file));
      bytes[r.int(bytes.length)] ^= 1 + r.int(255);
      replace(file, bytes);
      return { command: 'resume', mentions: ['resume'] };
    });
  }
  add('the optimizer sidecar of the resume point missing', (folder) => {
    const sidecar = pointFile(folder).replace(/\.safetensors$/, '.optim.safetensors');
    unlinkSync(sidecar);
    return { command: 'resume', mentions: [sidecar] };
  });
  add('the resume point missing', (folder) => {
    rmSync(resumeDir(folder), { recursive: true });
    mkdirSync(resumeDir(folder));
    return { command: 'resume', mentions: ['has no resume point'] };
  });
  add('a runs folder that is a file', (folder) => {
    const file = join(folder, '..', '..', 'a-file');
    writeFileSync(file, 'x');
    return { command: 'show', mentions: ['a-file', 'is not a folder'], args: ['runs', '--runs', file] };
  });
  // Products written where they cannot be: refused by name before anything is written (a hang under /proc).
  type Product = [
    name: string,
    out: (runs: string) => string,
    command: (id: string, runs: string, out: string) => string[],
    mentions: (out: string) => string[],
  ];
  const products: Product[] = [
    [
      'reconstruct --out inside a file',
      (runs) => join(runs, '..', 'a-file', 'x.png'),
      (id, runs, out) => ['reconstruct', id, '--runs', runs, '--out', out],
      (out) => [out, 'is a file, not a folder'],
    ],
    [
      'generate --out in a missing folder',
      (runs) => join(runs, '..', 'missing', 'x.png'),
      (id, runs, out) => ['generate', id, '--runs', runs, '--out', out],
      (out) => [out, 'does not exist'],
    ],
    [
      'compare --out inside a file',
      (runs) => join(runs, '..', 'a-file', 'x.png'),
      (id, runs, out) => ['compare', id, id, '--runs', runs, '--out', out],
      (out) => [out, 'is a file, not a folder'],
    ],
    [
      'report --out a file',
      (runs) => join(runs, '..', 'a-file'),
      (id, runs, out) => ['report', id, '--runs', runs, '--out', out, '--no-figures'],
      (out) => [out, 'is a file, not a folder'],
    ],
  ];
  if (process.platform === 'linux') {
    products.push(
      [
        'report --out /proc/nope',
        () => '/proc/nope',
        (id, runs, out) => ['report', id, '--runs', runs, '--out', out, '--no-figures'],
        () => ['/proc/nope', 'does not accept new entries'],
      ],
      [
        'reconstruct --out /proc/nope/x.png',
        () => '/proc/nope/x.png',
        (id, runs, out) => ['reconstruct', id, '--runs', runs, '--out', out],
        () => ['/proc/nope/x.png', 'does not exist'],
      ],
    );
  }
  for (const [name, outOf, command, mentions] of products) {
    add(name, (folder) => {
      const runs = dirname(folder);
      writeFileSync(join(runs, '..', 'a-file'), 'x');
      const out = outOf(runs);
      return { command: 'show', mentions: mentions(out), args: command(basename(folder), runs, out) };
    });
  }
  return cases;
}
