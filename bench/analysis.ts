// Time of a whole checkpoint analysis, stage by stage.
//
//   node out/bench/analysis.js [checkpoint.safetensors] [--model base|small|noact] [--rounds 2]
//
// Without a checkpoint it writes one of the model (default base) with PyTorch's
// initialization to a temporary folder. Every round recomputes (the cache is not
// read); the digit classifier comes from its cache (~/.cache/invertscope), so the
// first round of a fresh machine includes training it once. The load average is
// printed with each round, since other work on the machine slows every stage.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCheckpoint, type AnalysisStage } from '../src/core/analysis';
import { presetArchitecture, PRESET_NAMES, type PresetName } from '../src/core/model/architecture';
import { initParams } from '../src/core/model/params';
import { createRng } from '../src/core/random/rng';
import { writeCheckpoint } from '../src/core/store/checkpoint';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const given = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && (i === 0 || !all[i - 1].startsWith('--')));
  const model = (flag('model') ?? 'base') as PresetName;
  if (!PRESET_NAMES.includes(model)) throw new Error(`--model must be one of ${PRESET_NAMES.join(', ')}, got ${model}`);
  const rounds = Number(flag('rounds') ?? 2);
  const folder = given ? null : await mkdtemp(join(tmpdir(), 'invertscope-bench-'));
  const checkpoint = given ?? join(folder as string, 'epoch-0000.safetensors');
  if (!given) {
    const architecture = presetArchitecture(model);
    await writeCheckpoint(checkpoint, {
      architecture,
      params: initParams(architecture, createRng(0)),
      training: { epoch: 0, globalStep: 0, objective: 'seed', seed: 0, trainLoss: Number.NaN, testLoss: Number.NaN, createdAt: new Date().toISOString(), invertscopeVersion: '0.1.0' },
    });
  }
  try {
    for (let round = 1; round <= rounds; round++) {
      const seconds = new Map<AnalysisStage, number>();
      let stage: AnalysisStage | null = null;
      let since = Date.now();
      const started = since;
      const { analysis } = await analyzeCheckpoint({ checkpoint, reuseCache: false }, {
        onProgress: (p) => {
          if (p.stage === stage) return;
          const now = Date.now();
          if (stage) seconds.set(stage, (now - since) / 1000);
          stage = p.stage;
          since = now;
        },
      });
      if (stage) seconds.set(stage, (Date.now() - since) / 1000);
      const total = (Date.now() - started) / 1000;
      console.log(`round ${round}: ${analysis.architectureName}, ${analysis.layers.length} layers, ${total.toFixed(1)} s in all (load average ${loadavg()[0].toFixed(1)})`);
      for (const [name, s] of seconds) console.log(`  ${name.padEnd(15)} ${s.toFixed(2).padStart(6)} s`);
      console.log(`  verdict: ${analysis.jacobian.verdict}, κ(J) = ${analysis.jacobian.cond.toExponential(2)}`);
    }
  } finally {
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
