import { after, before } from 'node:test';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { EXIT } from '../../../src/cli/exitCodes';
import { captureCli } from '../../helpers/cliCapture';

/** Flags that make a real training run take a few seconds. */
export const QUICK_TRAIN = [
  '--model',
  'small',
  '--train-count',
  '64',
  '--test-count',
  '16',
  '--batch-size',
  '32',
  '--backend',
  'wasm',
];

export interface TemplateRun {
  /** The runs folder holding the run. */
  readonly runs: string;
  readonly id: string;
}

/** Trains a real run of `epochs` epochs (a checkpoint and a resume point after each) in `folder`/runs. */
export async function trainTemplateRun(folder: string, epochs = 1): Promise<TemplateRun> {
  const runs = join(folder, 'runs');
  const checkpoints = Array.from({ length: epochs }, (_, i) => i + 1).join(',');
  const cli = captureCli(folder);
  const status = await main(
    ['train', ...QUICK_TRAIN, '--epochs', String(epochs), '--checkpoints', checkpoints, '--runs', runs],
    cli.ctx,
  );
  if (status !== EXIT.ok) throw new Error(`the template run did not train (${status}):\n${cli.err()}`);
  const [id] = readdirSync(runs).filter((name) => !name.startsWith('.'));
  return { runs, id };
}

/** A copy of the template run in a new runs folder `runs`, under the same id. */
export function copyRun(template: TemplateRun, runs: string): TemplateRun {
  mkdirSync(runs, { recursive: true });
  cpSync(join(template.runs, template.id), join(runs, template.id), { recursive: true });
  return { runs, id: template.id };
}

/**
 * Registers before/after hooks for a describe block: a trained template run in
 * a temporary folder (removed afterwards), and fresh copies of it, one per case.
 */
export function useTemplateRun(label: string): {
  readonly dir: () => string;
  readonly template: () => TemplateRun;
  readonly fresh: () => TemplateRun;
} {
  let dir = '';
  let template: TemplateRun | null = null;
  let counter = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `invertscope-${label}-`));
    template = await trainTemplateRun(join(dir, 'template'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const current = (): TemplateRun => {
    if (!template) throw new Error('the template run is trained in a before hook');
    return template;
  };
  return { dir: () => dir, template: current, fresh: () => copyRun(current(), join(dir, `case-${++counter}`, 'runs')) };
}
