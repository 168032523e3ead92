import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../../src/cli/main';
import { analyzeCheckpoint } from '../../../src/core/analysis/analyzeCheckpoint';
import { readCheckpoint } from '../../../src/core/store/checkpoint';
import { RunStore } from '../../../src/core/store/runStore';
import { captureCli } from '../../helpers/cliCapture';
import { expectError } from '../store/storeTestUtils';
import { hasStackTrace } from './harness/runCli';
import { copyRun, trainTemplateRun, type TemplateRun } from './templateRun';

/** A run.json edited field by field, as untyped as the file it was read from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into any field to corrupt it
type EditableRun = Record<string, any>;

/** Every file below `folder` with the SHA-256 of its bytes: equal before and after means nothing was written there. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(folder, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(folder);
  return out;
}

describe('run folders that are damaged, tampered with or linked elsewhere', () => {
  let dir = '';
  let template: TemplateRun;
  let counter = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-runfolders-'));
    template = await trainTemplateRun(join(dir, 'template'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the trained run, in its own runs folder. */
  const fresh = (): TemplateRun => copyRun(template, join(dir, `case-${++counter}`, 'runs'));

  /** Runs the CLI in-process; returns its status and stderr, which must hold no stack trace. */
  async function cli(args: string[], cwd = dir): Promise<{ status: number; err: string; out: string }> {
    const c = captureCli(cwd);
    const status = await main(args, c.ctx);
    assert.equal(hasStackTrace(c.err()), false, c.err());
    return { status, err: c.err(), out: c.out() };
  }

  describe('a checkpoint whose SHA-256 differs from run.json', () => {
    function tamper(run: TemplateRun): string {
      const file = join(run.runs, run.id, 'checkpoints', 'epoch-0001.safetensors');
      const bytes = readFileSync(file);
      bytes[bytes.length - 3] ^= 0x01;
      writeFileSync(file, bytes);
      return file;
    }

    it('is refused by analyze <run id>', async () => {
      const run = fresh();
      const file = tamper(run);
      const result = await cli(['analyze', run.id, '--runs', run.runs]);
      assert.equal(result.status, 3, result.err);
      assert.ok(result.err.includes(file), result.err);
      assert.match(result.err, /sha256: the file's SHA-256 is [0-9a-f]{64} but run\.json recorded [0-9a-f]{64}/);
    });

    it('is refused by readCheckpoint and by the analysis the extension runs', async () => {
      const run = fresh();
      const file = tamper(run);
      await assert.rejects(readCheckpoint(file), expectError('CORRUPT', file, 'run.json recorded'));
      await assert.rejects(
        analyzeCheckpoint({ checkpoint: file, reuseCache: false }),
        expectError('CORRUPT', file, 'run.json recorded'),
      );
    });
  });

  describe('symbolic links', () => {
    it('refuses a run folder that is a link, in show, analyze and resume, writing nothing where it points', async () => {
      const real = fresh();
      const linked = join(dir, `case-${++counter}`, 'runs');
      mkdirSync(linked, { recursive: true });
      symlinkSync(join(real.runs, real.id), join(linked, real.id), 'dir');
      const before = snapshot(real.runs);
      for (const args of [
        ['show', real.id, '--runs', linked],
        ['analyze', real.id, '--runs', linked],
        ['resume', real.id, '--epochs', '2', '--runs', linked],
      ]) {
        const result = await cli(args);
        assert.equal(result.status, 3, `${args.join(' ')}: ${result.err}`);
        assert.match(result.err, /is a symbolic link/, args.join(' '));
      }
      assert.deepEqual(snapshot(real.runs), before);
    });

    it('refuses a checkpoint file that is a link, even to identical bytes', async () => {
      const run = fresh();
      const file = join(run.runs, run.id, 'checkpoints', 'epoch-0001.safetensors');
      const outside = join(dir, `outside-${counter}.safetensors`);
      renameSync(file, outside);
      symlinkSync(outside, file);
      const result = await cli(['analyze', run.id, '--runs', run.runs]);
      assert.equal(result.status, 3, result.err);
      assert.match(result.err, /epoch-0001\.safetensors: .*symbolic link/);
    });

    it('refuses to resume into a checkpoints folder that is a link', async () => {
      const run = fresh();
      const folder = join(run.runs, run.id, 'checkpoints');
      const outside = join(dir, `outside-checkpoints-${counter}`);
      renameSync(folder, outside);
      symlinkSync(outside, folder, 'dir');
      const before = snapshot(outside);
      const result = await cli(['resume', run.id, '--epochs', '2', '--runs', run.runs]);
      assert.equal(result.status, 3, result.err);
      assert.match(result.err, /checkpoints: .*symbolic link/);
      assert.deepEqual(snapshot(outside), before);
    });
  });

  describe('files that are folders, and folders that are files', () => {
    it('runs --runs <a file> names the file', async () => {
      const file = join(dir, `plain-${++counter}`);
      writeFileSync(file, 'x');
      const result = await cli(['runs', '--runs', file]);
      assert.equal(result.status, 3, result.err);
      assert.ok(result.err.includes(file), result.err);
      assert.match(result.err, /is not a folder/);
    });

    for (const name of ['run.json', 'metrics.jsonl']) {
      it(`show and analyze name a ${name} that is a folder`, async () => {
        const run = fresh();
        const path = join(run.runs, run.id, name);
        rmSync(path);
        mkdirSync(path);
        for (const args of [
          ['show', run.id, '--runs', run.runs],
          ['analyze', run.id, '--runs', run.runs],
        ]) {
          if (name === 'metrics.jsonl' && args[0] === 'analyze') continue;
          const result = await cli(args);
          assert.equal(result.status, 3, `${args.join(' ')}: ${result.err}`);
          assert.ok(result.err.includes(path), result.err);
          assert.match(result.err, /is a folder, not a (regular )?file/);
        }
      });
    }

    it('resume of a run whose metrics.jsonl is a folder fails with a named error and leaves run.json as it was', async () => {
      const run = fresh();
      const path = join(run.runs, run.id, 'metrics.jsonl');
      rmSync(path);
      mkdirSync(path);
      const runJson = readFileSync(join(run.runs, run.id, 'run.json'), 'utf8');
      const result = await cli(['resume', run.id, '--epochs', '2', '--runs', run.runs]);
      assert.equal(result.status, 3, result.err);
      assert.ok(result.err.includes(path), result.err);
      assert.doesNotMatch(result.err, /is marked failed/);
      assert.equal(readFileSync(join(run.runs, run.id, 'run.json'), 'utf8'), runJson);
    });
  });

  describe('run.json out of bounds', () => {
    function edit(run: TemplateRun, change: (record: EditableRun) => void): void {
      const file = join(run.runs, run.id, 'run.json');
      const record = JSON.parse(readFileSync(file, 'utf8')) as EditableRun;
      change(record);
      writeFileSync(file, JSON.stringify(record));
    }

    const cases: [string, (r: EditableRun) => void, RegExp][] = [
      [
        'a width of 1e9',
        (r) => {
          r.config.architecture.width = 1e9;
        },
        /config\.architecture\.width/,
      ],
      [
        '10,000 layers',
        (r) => {
          r.config.architecture.layers = Array.from({ length: 10_000 }, () => ({ activation: true }));
        },
        /config\.architecture\.layers/,
      ],
      [
        'two checkpoints of one epoch',
        (r) => {
          r.checkpoints.push(r.checkpoints[0]);
        },
        /checkpoints\[1\]\.epoch/,
      ],
      [
        'a batch size of 1e9 (resume only: show displays it)',
        (r) => {
          r.config.batchSize = 1e9;
        },
        /run\.json: config: invalid batchSize: 1000000000/,
      ],
    ];
    for (const [name, change, message] of cases) {
      it(`refuses ${name} in show and resume, before any backend starts`, async () => {
        const run = fresh();
        edit(run, change);
        const commands = [
          ['show', run.id, '--runs', run.runs],
          ['resume', run.id, '--epochs', '2', '--runs', run.runs],
        ];
        for (const args of name.includes('resume only') ? commands.slice(1) : commands) {
          const result = await cli(args);
          assert.equal(result.status, 3, `${args.join(' ')}: ${result.err}`);
          assert.match(result.err, message);
          assert.doesNotMatch(result.err, /is marked failed|WebAssembly|tfjs/);
        }
      });
    }

    it('refuses a run.json larger than the limit without parsing it', async () => {
      const run = fresh();
      const file = join(run.runs, run.id, 'run.json');
      writeFileSync(file, `${readFileSync(file, 'utf8')}${' '.repeat(20 * 2 ** 20)}`);
      const result = await cli(['show', run.id, '--runs', run.runs]);
      assert.equal(result.status, 3, result.err);
      assert.match(result.err, /run\.json is \d+ bytes, above the limit of \d+/);
    });

    it('still reads the untouched run', async () => {
      const run = fresh();
      assert.equal((await new RunStore(run.runs).readRun(run.id)).status, 'completed');
      assert.ok(existsSync(join(run.runs, run.id, 'resume', 'latest.json')));
    });
  });
});
