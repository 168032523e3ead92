import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowedValues, type FlagSpec } from '../../../src/cli/args';
import { EXIT } from '../../../src/cli/exitCodes';
import { commandHelp } from '../../../src/cli/help';
import { COMMANDS, main } from '../../../src/cli/main';
import { captureCli as capture } from '../../helpers/cliCapture';

/** The lines --help prints for one flag: its head line and the indented lines below it. */
function flagBlock(help: string, name: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  --${name} `) || l === `  --${name}`);
  assert.ok(start >= 0, `--${name} is not in the help`);
  let end = start + 1;
  while (end < lines.length && /^ {26}\S/.test(lines[end])) end++;
  return lines
    .slice(start, end)
    .map((l) => l.trim())
    .join(' ');
}

const current = (flags: Readonly<Record<string, FlagSpec>>) =>
  Object.entries(flags).filter(([, spec]) => spec.renamedTo === undefined);

describe('invertscope --help', () => {
  it('lists every option of every command with its description, allowed values and default', () => {
    for (const command of COMMANDS) {
      const help = commandHelp(command);
      for (const [name, spec] of current(command.flags)) {
        const where = `${command.name} --${name}`;
        assert.ok(spec.type === 'boolean' || spec.default !== undefined, `${where} declares no default`);
        const block = flagBlock(help, name);
        assert.ok(
          block.includes(spec.description.split(' ').slice(0, 3).join(' ')),
          `${where}: no description in ${block}`,
        );
        assert.match(block, /default: \S/, `${where}: no default in ${block}`);
        const allowed = allowedValues(spec);
        if (allowed)
          assert.ok(block.replace(/\s+/g, ' ').includes(allowed), `${where}: "${allowed}" missing from ${block}`);
      }
    }
  });

  it('shows the allowed values and the default of a flag as the parser applies them', () => {
    const train = COMMANDS.find((c) => c.name === 'train');
    assert.ok(train);
    const help = commandHelp(train);
    assert.match(flagBlock(help, 'backend'), /one of: auto, tensorflow, simd, wasm, cpu · default: auto/);
    assert.match(flagBlock(help, 'batch-size'), /an integer from 1 to 4096 · default: 64/);
    assert.match(flagBlock(help, 'runs'), /default: \.\/runs/);
    for (const name of [
      'lr',
      'batch-size',
      'seed',
      'backend',
      'prior',
      'init',
      'kink-layers',
      'ridge',
      'warmup',
      'no-cosine',
      'tau',
      'no-dequantize',
    ]) {
      assert.ok(flagBlock(help, name).length > 0);
    }
  });

  it('keeps every help line within 100 columns', () => {
    for (const command of COMMANDS) {
      for (const line of commandHelp(command).split('\n'))
        assert.ok(line.length <= 100, `${command.name}: ${line.length} columns: ${line}`);
    }
  });

  it("prints a command's help for --help, -h and `help <command>`, with status 0", async () => {
    const expected = commandHelp(COMMANDS.find((c) => c.name === 'generate') as (typeof COMMANDS)[number]);
    for (const argv of [
      ['generate', '--help'],
      ['generate', 'x', '-h'],
      ['help', 'generate'],
    ]) {
      const c = capture('/tmp');
      assert.equal(await main(argv, c.ctx), EXIT.ok);
      assert.equal(c.out(), `${expected}\n`);
    }
  });
});

describe('invertscope command-line mistakes', () => {
  it('suggests the closest command for a mistyped one, with the usage status', async () => {
    for (const [typed, meant] of [
      ['trian', 'train'],
      ['analyse', 'analyze'],
      ['generat', 'generate'],
      ['shwo', 'show'],
      ['download', 'download-mnist'],
    ]) {
      const c = capture('/tmp');
      assert.equal(await main([typed], c.ctx), EXIT.usage);
      assert.match(c.err(), new RegExp(`unknown command "${typed}" \\(did you mean ${meant}\\?\\)`));
    }
    const far = capture('/tmp');
    assert.equal(await main(['frobnicate'], far.ctx), EXIT.usage);
    assert.doesNotMatch(far.err(), /did you mean/);
    assert.match(far.err(), /Commands: reproduce, report, train, runs, show/);
  });

  it('suggests the closest option and the closest allowed value', async () => {
    const option = capture('/tmp');
    assert.equal(await main(['train', '--epoch', '3'], option.ctx), EXIT.usage);
    assert.match(option.err(), /unknown option --epoch \(did you mean --epochs\?\)/);
    const value = capture('/tmp');
    assert.equal(await main(['train', '--model', 'smal'], value.ctx), EXIT.usage);
    assert.match(
      value.err(),
      /invalid --model: "smal" \(expected one of base, small, noact, custom, flow11, flowgen\) \(did you mean small\?\)/,
    );
  });

  it('refuses the former --out of train, runs, show, resume and import, and prints the command line to run instead', async () => {
    const cases: Array<[string[], string]> = [
      [['train', '--out', 'my runs', '--epochs', '1'], "invertscope train --runs 'my runs' --epochs 1"],
      [['runs', '--out=elsewhere'], 'invertscope runs --runs=elsewhere'],
      [['show', 'abc', '--out', 'r'], 'invertscope show abc --runs r'],
      [['resume', 'abc', '--epochs', '4', '--out', 'r'], 'invertscope resume abc --epochs 4 --runs r'],
      [['import', 'm.safetensors', '--out', 'r'], 'invertscope import m.safetensors --runs r'],
      [['download-mnist', '--dest', 'data'], 'invertscope download-mnist --out data'],
    ];
    for (const [argv, instead] of cases) {
      const c = capture('/tmp');
      assert.equal(await main(argv, c.ctx), EXIT.usage, argv.join(' '));
      assert.match(c.err(), /is now --(runs|out): /);
      assert.ok(c.err().includes(`Run instead: ${instead}\n`), c.err());
    }
  });
});

describe('one meaning per flag name', () => {
  it('--runs is the runs folder in every command that reads or writes runs', () => {
    const withRuns = COMMANDS.filter((c) => c.flags.runs !== undefined).map((c) => c.name);
    assert.deepEqual(withRuns, [
      'report',
      'train',
      'runs',
      'show',
      'resume',
      'import',
      'analyze',
      'timeline',
      'reconstruct',
      'generate',
      'compare',
    ]);
    for (const command of COMMANDS) {
      const runs = command.flags.runs;
      if (!runs) continue;
      assert.equal(runs.type, 'string');
      assert.equal(runs.default, './runs', command.name);
      assert.match(runs.description, /runs folder/, command.name);
    }
  });

  it('--out only ever names the file or folder a command writes', () => {
    for (const command of COMMANDS) {
      const out = command.flags.out;
      if (!out || out.renamedTo !== undefined) continue;
      assert.match(out.description, /write/, `${command.name} --out: ${out.description}`);
      assert.doesNotMatch(out.description, /runs folder/, command.name);
    }
    const png = COMMANDS.filter((c) => c.flags.out?.valueName === 'file.png').map((c) => c.name);
    assert.deepEqual(png, ['reconstruct', 'generate', 'compare']);
  });

  it('--samples counts generated samples per class and set wherever it appears', () => {
    for (const command of COMMANDS) {
      const samples = command.flags.samples;
      if (samples) assert.match(samples.description, /^generated samples per class and set/, command.name);
    }
  });
});
