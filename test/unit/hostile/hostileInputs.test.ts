import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../../src/core/random/rng';
import { cliCases } from './suite/cliCases';
import { changedPaths, runAll, treeState, type CaseOutcome, type Family, type HostileCase } from './suite/hostileCase';
import { idxCases } from './suite/idxCases';
import { runFolderCases } from './suite/runFolderCases';
import { safetensorsCases } from './suite/safetensorsCases';
import { trainTemplateRun, type TemplateRun } from './templateRun';

/** The seed of every generated input; INVERTSCOPE_HOSTILE_SEED replays another set. */
const SEED = Number(process.env.INVERTSCOPE_HOSTILE_SEED ?? 20261206);
/** "A few hundred MB": the most any case's processes may hold. */
const MAX_RSS = 400 * 2 ** 20;
const MiB = 2 ** 20;

/**
 * Generated malformed inputs (seeded, from builders) across safetensors files,
 * IDX folders (plain and gzipped), run folders and command lines. Each runs as
 * its own CLI process and must end with an error that names what is wrong,
 * exit status 2 (usage) or 3 (bad input), no stack trace, within the time
 * limit and without holding more than a few hundred MB.
 */
describe('hostile inputs', () => {
  let dir = '';
  let template: TemplateRun | null = null;
  let outcomes: CaseOutcome[] = [];
  let wallSeconds = 0;
  let templateChanged: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-hostile-suite-'));
    template = await trainTemplateRun(join(dir, 'template'));
    const rng = createRng(SEED);
    const cases: HostileCase[] = [
      ...safetensorsCases(rng.fork('safetensors')),
      ...idxCases(rng.fork('idx')),
      ...runFolderCases(rng.fork('run folders'), () => template as TemplateRun),
      ...cliCases(rng.fork('cli')),
    ];
    // The run-folder cases hard-link the template's large files: a write in place would show here.
    const templateBefore = treeState(template.runs);
    const started = performance.now();
    outcomes = await runAll(cases, join(dir, 'cases'));
    wallSeconds = (performance.now() - started) / 1000;
    templateChanged = changedPaths(templateBefore, treeState(template.runs));
    printCounts(outcomes, wallSeconds);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tries at least 200 inputs across every family', () => {
    assert.ok(outcomes.length >= 200, `${outcomes.length} inputs`);
    const families = new Set(outcomes.map((o) => o.hostile.family));
    assert.deepEqual([...families].sort(), ['cli arguments', 'idx', 'idx.gz', 'run folder', 'safetensors']);
  });

  it('ends every input with a named error and exit status 2 or 3, no stack trace, no hang', () => {
    const bad = outcomes.filter((o) => !o.statusOk || !o.named || o.stackTrace || o.hang);
    assert.deepEqual(bad.map(describe1), []);
  });

  it('writes nothing: every refused input leaves its folder (the working folder of the command) as it was', () => {
    const writers = outcomes.filter((o) => o.wrote.length > 0);
    assert.deepEqual(
      writers.map((o) => `${o.hostile.family} · ${o.hostile.name}: ${o.wrote.slice(0, 5).join(', ')}`),
      [],
    );
    assert.deepEqual(templateChanged, [], 'the template run the run-folder cases link to is unchanged');
  });

  it('holds no more than a few hundred MB for any input', () => {
    const heavy = outcomes.filter((o) => o.result.peakRss > MAX_RSS || o.result.peakRss === 0);
    assert.deepEqual(
      heavy.map((o) => `${o.hostile.name}: ${(o.result.peakRss / MiB).toFixed(0)} MiB`),
      [],
    );
  });
});

function describe1(o: CaseOutcome): string {
  const problems = [
    o.statusOk ? '' : `exit ${o.result.status ?? o.result.signal} (expected ${o.hostile.status})`,
    o.named ? '' : `does not name ${JSON.stringify(o.missing)}`,
    o.stackTrace ? 'prints a stack trace' : '',
    o.hang ? `still running after ${(o.result.ms / 1000).toFixed(0)} s` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const said = o.result.stderr.trim().split('\n').slice(-2).join(' / ').slice(0, 300);
  return `${o.hostile.family} · ${o.hostile.name}: ${problems} — ${JSON.stringify(o.built.args.slice(0, 2))} said: ${said}`;
}

function printCounts(outcomes: readonly CaseOutcome[], wallSeconds: number): void {
  const families = [...new Set(outcomes.map((o) => o.hostile.family))] as Family[];
  const perFamily = families.map((f) => `${f} ${outcomes.filter((o) => o.hostile.family === f).length}`).join(', ');
  const peak = outcomes.reduce((a, b) => (b.result.peakRss > a.result.peakRss ? b : a));
  const slowest = outcomes.reduce((a, b) => (b.result.ms > a.result.ms ? b : a));
  const lines = [
    `hostile inputs (seed ${SEED}): ${outcomes.length} tried (${perFamily})`,
    `  named errors with the expected exit status: ${outcomes.filter((o) => o.statusOk && o.named).length}`,
    `  stack traces: ${outcomes.filter((o) => o.stackTrace).length}`,
    `  hangs: ${outcomes.filter((o) => o.hang).length}`,
    `  inputs after which a file was created, changed or removed: ${outcomes.filter((o) => o.wrote.length > 0).length}`,
    `  peak memory of a case (largest RSS of its processes): ${(peak.result.peakRss / MiB).toFixed(0)} MiB (${peak.hostile.name})`,
    `  slowest case: ${(slowest.result.ms / 1000).toFixed(1)} s (${slowest.hostile.name}); all ${outcomes.length} in ${wallSeconds.toFixed(0)} s`,
  ];
  console.log(lines.join('\n'));
}
