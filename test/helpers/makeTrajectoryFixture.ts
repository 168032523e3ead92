/**
 * Writes a RunTrajectory of a real run as a test fixture (JSON on stdout):
 * every checkpoint analysed in full with small settings, each point taken from
 * that analysis (source 'full'), and the all-float64 round trip measured here
 * on the same test images, since a full analysis inverts the float32 embedding
 * only. Used to build test/webview/fixtures/trajectory-*.json:
 *
 *   npx tsc -p tsconfig.json && node out/test/helpers/makeTrajectoryFixture.js runs/<run> > test/webview/fixtures/trajectory-<model>.json
 */
import { join } from 'node:path';
import { analyzeCheckpoint, BROKEN_MAE, encodeJson, forwardRows, invertRows, openCheckpoint, type CheckpointAnalysis } from '../../src/core/analysis';
import { balancedSelection } from '../../src/core/analysis/balancedSelection';
import { imageErrors } from '../../src/core/analysis/imageErrors';
import { median } from '../../src/core/analysis/stats/median';
import type { RoundTripStats, RunTrajectory, TrajectoryPoint } from '../../src/core/analysis/trajectoryTypes';
import { RunStore } from '../../src/core/store/runStore';

const OPTIONS = { testImages: 200, amplificationImages: 50, backwardImages: 20, samplesPerClass: 32, imagesPerClass: 2, extraTemperatures: [] };
const FLOAT64_LIMIT = 2 ** 52;

function stats(reconstructed: ArrayLike<number>, original: ArrayLike<number>, count: number): RoundTripStats {
  const e = imageErrors(reconstructed, original, count, 784);
  const broken = Array.from(e.meanAbs).filter((m) => !(m <= BROKEN_MAE)).length;
  return {
    imageCount: count,
    brokenFraction: broken / count,
    meanAbsError: Array.from(e.meanAbs).reduce((a, b) => a + b, 0) / count,
    medianPsnr: median(Array.from(e.psnr)),
  };
}

async function point(file: string, analysis: CheckpointAnalysis): Promise<TrajectoryPoint> {
  const opened = await openCheckpoint(file);
  const test = opened.data.split.test;
  const rows = balancedSelection(test.labels, test.classes, OPTIONS.testImages);
  const x = new Float64Array(rows.length * 784);
  rows.forEach((r, k) => x.set(test.images.subarray(r * 784, (r + 1) * 784), k * 784));
  const z64 = forwardRows(opened.net, x, rows.length, 'float64');
  const x64 = invertRows(opened.net, opened.factors.map((f) => f.float64), z64, rows.length);
  const reconstruction = analysis.reconstruction.overall;
  const asRoundTrip = (s: typeof reconstruction.float32): RoundTripStats => ({
    imageCount: analysis.reconstruction.imageCount, brokenFraction: s.brokenFraction, meanAbsError: s.meanAbsError, medianPsnr: s.psnr,
  });
  const target = analysis.generation.sets.find((s) => s.source === 'target' && s.precision === 'float64');
  return {
    epoch: analysis.epoch,
    checkpointSha256: analysis.checkpointSha256,
    source: 'full',
    layers: analysis.layers.map((l) => ({ index: l.index, sigmaMax: l.sigmaMax, sigmaMin: l.sigmaMin, cond: l.cond, logAbsDet: l.logAbsDet })),
    jacobian: {
      cond: analysis.jacobian.cond, sigmaMax: analysis.jacobian.sigmaMax, sigmaMin: analysis.jacobian.sigmaMin,
      resolvable: analysis.jacobian.cond < FLOAT64_LIMIT, pointDescription: analysis.jacobian.pointDescription,
    },
    roundTrips: { float32: asRoundTrip(reconstruction.float32), mixed: asRoundTrip(reconstruction.float64), float64: stats(x64, x, rows.length) },
    verdict: analysis.jacobian.verdict,
    noise: analysis.amplification.map((a) => {
      const smallest = a.points[0];
      const growth = smallest.errorAfterStage[smallest.errorAfterStage.length - 1] / smallest.delta;
      return { precision: a.precision, recognizableUpTo: a.recognizableUpTo, medianGrowth: a.worstCaseGrowth, pooledGrowth: growth, imageCount: OPTIONS.amplificationImages };
    }),
    ...(target ? { generation: { temperature: target.temperature, prior: target.prior ?? 'paper', sampleCount: target.perClass.reduce((n, c) => n + (c.sampleCount ?? c.images.length), 0), accuracy: target.accuracy } } : {}),
    ...(analysis.density ? { testBitsPerDim: analysis.density.testBitsPerDim } : {}),
    computeSeconds: analysis.computeSeconds,
  };
}

async function main(runFolder: string): Promise<void> {
  const store = new RunStore(join(runFolder, '..'));
  const record = await store.readRun(runFolder.split('/').filter(Boolean).pop() ?? '');
  const points: TrajectoryPoint[] = [];
  for (const entry of record.checkpoints) {
    const file = join(store.folderOf(record.id), entry.file);
    const { analysis } = await analyzeCheckpoint({ checkpoint: file, options: OPTIONS });
    points.push(await point(file, analysis));
    process.stderr.write(`epoch ${entry.epoch}\n`);
  }
  const trajectory: RunTrajectory = {
    runId: record.id, architectureName: record.config.architecture.name, objective: record.config.objective,
    points, dataDescription: `${OPTIONS.testImages} test images of the run's split (${record.data.description})`,
  };
  process.stdout.write(`${encodeJson(trajectory)}\n`);
}

void main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
