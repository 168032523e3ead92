import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunTrajectory, TrajectoryPoint } from '../../../src/core/analysis/trajectoryTypes';
import { findings, type ClaimModel } from '../../../src/core/reproduce/claims';
import {
  FINDINGS_BEGIN,
  FINDINGS_END,
  findingsMarkdown,
  replaceFindings,
} from '../../../src/core/reproduce/readmeFindings';
import { REPORT_FORMAT_VERSION, REPORT_KIND, type ReportData } from '../../../src/core/reproduce/reportData';
import { findingsTable, markdownTable, modelTable } from '../../../src/core/reproduce/summaryTable';

/** A checkpoint's point with the figures a claim reads; everything else plausible. */
function point(
  epoch: number,
  broken32: number,
  broken64: number,
  accuracy: number,
  upTo: number | null,
  conds: number[] = [100],
): TrajectoryPoint {
  const trip = (b: number) => ({ imageCount: 300, brokenFraction: b, meanAbsError: b, medianPsnr: 40 });
  return {
    epoch,
    checkpointSha256: 'x'.repeat(64),
    source: 'light',
    layers: conds.map((cond, index) => ({ index, sigmaMax: cond, sigmaMin: 1, cond, logAbsDet: 0 })),
    jacobian: { cond: 1e3, sigmaMax: 1e3, sigmaMin: 1, resolvable: true, pointDescription: 'the first test image' },
    roundTrips: { float32: trip(broken32), mixed: trip(broken32), float64: trip(broken64) },
    verdict: 'invertible',
    noise: [{ precision: 'float64', recognizableUpTo: upTo, medianGrowth: 10, pooledGrowth: 20, imageCount: 50 }],
    generation: {
      temperature: 1,
      prior: 'paper',
      sampleCount: 3000,
      accuracy,
      seedAccuracies: [accuracy - 0.01, accuracy, accuracy + 0.01],
    },
    computeSeconds: 1,
  };
}

function model(label: string, objective: 'seed' | 'flow', points: TrajectoryPoint[]): ClaimModel {
  return {
    label,
    objective,
    analyses: [],
    trajectory: { runId: label, architectureName: label, objective, points, dataDescription: '300 test images' },
  };
}

const verdictOf = (models: ClaimModel[], id: string) => findings(models).find((f) => f.id === id)?.verdict;

describe('findings against the paper', () => {
  it('confirm "works early, breaks later" only when every model reconstructs early and not late', () => {
    const breaks = model('A', 'seed', [point(1, 0, 0, 0.1, 1e-3), point(50, 0.9, 0, 0.1, null)]);
    const brokenFromTheStart = model('B', 'seed', [point(1, 1, 0, 0.1, null), point(50, 1, 0, 0.1, null)]);
    const neverBreaks = model('C', 'seed', [point(1, 0, 0, 0.1, 1e-3), point(50, 0.02, 0, 0.1, 1e-3)]);
    assert.equal(verdictOf([breaks], 'reconstruction'), 'confirms');
    assert.equal(verdictOf([breaks, brokenFromTheStart], 'reconstruction'), 'qualifies');
    assert.equal(verdictOf([brokenFromTheStart, neverBreaks], 'reconstruction'), 'contradicts');
    const text = findings([breaks]).find((f) => f.id === 'reconstruction')?.text ?? '';
    assert.match(
      text,
      /A: float32 round trip 0% at epoch 1 → 90% at epoch 50; all-float64 round trip exact \(no image broken\) at every checkpoint/,
    );
  });

  it('confirm "generation never works" for the paper\u2019s loss at chance, and qualify it when a flow generates', () => {
    const seed = model('Base', 'seed', [point(1, 1, 0, 0.11, null), point(30, 1, 0, 0.09, null)]);
    const flow = model('Flow', 'flow', [point(0, 0, 0, 0.63, 0.1)]);
    const weakFlow = model('Flow', 'flow', [point(0, 0, 0, 0.14, 0.1)]);
    assert.equal(verdictOf([seed], 'generation'), 'confirms');
    assert.equal(verdictOf([seed, weakFlow], 'generation'), 'confirms');
    assert.equal(verdictOf([seed, flow], 'generation'), 'qualifies');
    assert.equal(verdictOf([model('Small', 'seed', [point(1, 0, 0, 0.6, 1e-3)])], 'generation'), 'contradicts');
    assert.match(
      findings([seed, flow]).find((f) => f.id === 'generation')?.text ?? '',
      /Flow: 63% of 3,000 \(3 seeds: 62%–64%\)/,
    );
  });

  it('confirm "a perturbation under 0.001 ruins the inverse" only when no checkpoint tolerates δ = 1e-3', () => {
    assert.equal(
      verdictOf([model('Base', 'seed', [point(1, 1, 0, 0.1, null), point(30, 1, 0, 0.1, 1e-4)])], 'perturbation'),
      'confirms',
    );
    assert.equal(
      verdictOf([model('Small', 'seed', [point(1, 0, 0, 0.1, 1e-3), point(30, 0, 0, 0.1, 1e-5)])], 'perturbation'),
      'qualifies',
    );
  });

  it('describes per-layer κ as measured: which layers grew and which shrank', () => {
    const m = model('Base', 'seed', [
      point(1, 1, 0, 0.1, null, [10, 100, 1000, 10]),
      point(30, 1, 0, 0.1, null, [20, 50, 1000, 1e4]),
    ]);
    const f = findings([m]).find((x) => x.id === 'layer-condition');
    assert.equal(f?.verdict, 'defines');
    assert.match(f?.text ?? '', /×2, ×0\.5, ×1, ×1000 \(grew: layer 1, 4; shrank: layer 2\)/);
  });
});

describe('README findings section', () => {
  const load = (name: string): RunTrajectory =>
    JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', '..', '..', 'test', 'webview', 'fixtures', `trajectory-${name}.json`),
        'utf8',
      ),
      (_k, v: unknown) => (v === 'Infinity' ? Infinity : v === 'NaN' ? Number.NaN : v),
    ) as RunTrajectory;
  const models = (
    [
      ['small', 'Small'],
      ['base', 'Base'],
    ] as const
  ).map(([key, label]) => {
    const trajectory = load(key);
    return {
      key,
      label,
      runId: trajectory.runId,
      architecture: key,
      objective: 'seed' as const,
      epochs: 10,
      trainSeconds: 1,
      backend: null,
      dataWarning: null,
      trajectory,
      table: modelTable(trajectory),
      epochMetrics: [],
      analyses: [],
    };
  });
  const data: ReportData = {
    kind: REPORT_KIND,
    formatVersion: REPORT_FORMAT_VERSION,
    title: 't',
    generatedAt: '2026-01-21T09:00:00.000Z',
    invertscopeVersion: '0.1.0',
    schedule: 'default',
    classifierTestAccuracy: 0.969,
    models,
    findingsTable: findingsTable(models),
    findings: findings(models.map((m) => ({ ...m, analyses: [] }))),
    timing: {
      wallSeconds: 502,
      loadAverage: [1.2, 1.4, 1.5],
      cpus: 2,
      cpuModel: 'AMD EPYC',
      reused: { runs: 0, analyses: 0 },
    },
  };

  it('is the findings table and every finding of findings.json, between its markers', () => {
    const section = findingsMarkdown(data);
    assert.ok(section.startsWith(FINDINGS_BEGIN) && section.endsWith(FINDINGS_END));
    assert.ok(section.includes(markdownTable(data.findingsTable)), 'the table as computed from the trajectories');
    for (const f of data.findings) assert.ok(section.includes(f.text), f.id);
    assert.match(section, /\*\*(Confirms|Contradicts|Qualifies)\*\* the paper/);
    assert.match(
      section,
      /Training and analyses took 8 min 22 s on 2 × AMD EPYC \(load average 1\.2, 1\.4, 1\.5 at the end\)\./,
    );
  });

  it('replaces only the section of a README, and refuses one without the markers', () => {
    const readme = `# Title\n\n## What it finds\n\n${FINDINGS_BEGIN}\nold figures\n${FINDINGS_END}\n\n## Next\n`;
    const updated = replaceFindings(readme, findingsMarkdown(data));
    assert.ok(updated.startsWith('# Title\n\n## What it finds\n\n'));
    assert.ok(updated.endsWith('\n\n## Next\n'));
    assert.doesNotMatch(updated, /old figures/);
    assert.throws(() => replaceFindings('# no markers', 'x'), /no findings section/);
  });
});
