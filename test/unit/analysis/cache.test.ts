import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  analyzeCheckpoint,
  readAnyCachedAnalysis,
  readCachedAnalysis,
  type AnalyzeRequest,
} from '../../../src/core/analysis/analyzeCheckpoint';
import { analysisCachePath } from '../../../src/core/analysis/analysisCache';
import { analysisForFile, parseAnalysis } from '../../../src/core/analysis/analysisJson';
import { encodeJson } from '../../../src/shared/jsonNumbers';
import { CLASSIFIER_SETTINGS } from '../../../src/core/analysis/classifier/digitClassifier';
import { resolveAnalysisOptions } from '../../../src/core/analysis/options';
import type { CheckpointAnalysis } from '../../../src/core/analysis/types';
import type { AnalysisData } from '../../../src/core/analysis/checkpointData';
import { isInvertscopeError } from '../../../src/core/errors';
import { QUICK_CLASSIFIER, QUICK_OPTIONS, smallSplit, writeSmallCheckpoint } from './builders';

describe('analysis cache', () => {
  let folder = '';
  let data: AnalysisData;
  let request: AnalyzeRequest;
  let cacheFile = '';

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'invertscope-analysis-'));
    data = { split: await smallSplit(300, 60), description: 'the first test digits' };
    const checkpoint = join(folder, 'epoch-0001.safetensors');
    await writeSmallCheckpoint(checkpoint, 1);
    request = {
      checkpoint,
      options: QUICK_OPTIONS,
      data,
      cacheFolder: join(folder, 'cache'),
      classifierSettings: QUICK_CLASSIFIER,
    };
    cacheFile = analysisCachePath(checkpoint, resolveAnalysisOptions(QUICK_OPTIONS), {
      ...CLASSIFIER_SETTINGS,
      ...QUICK_CLASSIFIER,
    });
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('computes an analysis, caches it next to the checkpoint, and reuses it', async () => {
    const first = await analyzeCheckpoint(request);
    assert.equal(first.fromCache, false);
    assert.equal(first.cacheFile, cacheFile);
    assert.match(basename(cacheFile), /^epoch-0001\.analysis-[0-9a-f]{8}\.json$/);
    assert.equal(first.analysis.architectureName, 'small');
    assert.equal(first.analysis.reconstruction.imageCount, 40);
    const second = await analyzeCheckpoint(request);
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.analysis, first.analysis);
    assert.deepEqual(await readCachedAnalysis(request.checkpoint, QUICK_OPTIONS, QUICK_CLASSIFIER), first.analysis);
    assert.equal(
      await readCachedAnalysis(request.checkpoint, { ...QUICK_OPTIONS, seed: 9 }, QUICK_CLASSIFIER),
      null,
      'other options are another entry',
    );
    assert.deepEqual(await readAnyCachedAnalysis(request.checkpoint), first.analysis);
  });

  it('recomputes when the checkpoint file changes', async () => {
    const before = await analyzeCheckpoint(request);
    await writeSmallCheckpoint(request.checkpoint, 2);
    const after = await analyzeCheckpoint(request);
    assert.equal(after.fromCache, false);
    assert.notEqual(after.analysis.checkpointSha256, before.analysis.checkpointSha256);
    assert.notEqual(after.analysis.layers[0].sigmaMin, before.analysis.layers[0].sigmaMin);
    assert.equal((await analyzeCheckpoint(request)).fromCache, true);
  });

  const damages: Array<[string, (text: string) => string]> = [
    ['truncated', (text) => text.slice(0, text.length >> 1)],
    ['a field of the wrong type', (text) => text.replace(/"sigmaMax":[^,]+,/, '"sigmaMax":"large",')],
    [
      'an image of the wrong length',
      (text) => text.replace(/"original":\{"float32":"[^"]*"\}/, '"original":{"float32":"AAAAAA=="}'),
    ],
    [
      'an image that is not base64',
      (text) => text.replace(/"original":\{"float32":"[^"]{4}/, '"original":{"float32":"!!!!'),
    ],
    ["another checkpoint's key", (text) => text.replace(/[0-9a-f]{64}/g, '0'.repeat(64))],
    ['not an analysis at all', () => '{"kind":"something else"}'],
  ];
  for (const [what, damage] of damages) {
    it(`rebuilds a cache file with ${what} instead of trusting it`, async () => {
      const good = await analyzeCheckpoint(request);
      await writeFile(cacheFile, damage(await readFile(cacheFile, 'utf8')));
      const rebuilt = await analyzeCheckpoint(request);
      assert.equal(rebuilt.fromCache, false);
      assert.equal(rebuilt.analysis.checkpointSha256, good.analysis.checkpointSha256);
      assert.equal((await analyzeCheckpoint(request)).fromCache, true, 'the rebuilt file is valid');
    });
  }

  it('keeps NaN, ±Infinity and −0 through the cache file', async () => {
    const { analysis } = await analyzeCheckpoint(request);
    const broken: CheckpointAnalysis = {
      ...analysis,
      layers: analysis.layers.map((l) => ({
        ...l,
        cond: Number.POSITIVE_INFINITY,
        logAbsDet: Number.NEGATIVE_INFINITY,
      })),
      reconstruction: {
        ...analysis.reconstruction,
        examples: analysis.reconstruction.examples.map((e) => ({ ...e, float32: e.float32.map(() => Number.NaN) })),
      },
    };
    const text = encodeJson(broken);
    const raw = JSON.parse(text) as {
      layers: Array<{ cond: unknown; logAbsDet: unknown }>;
      reconstruction: { examples: Array<{ float32: unknown[] }> };
    };
    assert.equal(raw.layers[0].cond, 'Infinity');
    assert.equal(raw.layers[0].logAbsDet, '-Infinity');
    assert.equal(raw.reconstruction.examples[0].float32[0], 'NaN');
    assert.deepEqual(parseAnalysis(raw, 'test'), broken, 'images as number arrays, as caches before packing hold them');
  });

  it('packs every image of the cache file, float32 where each value is one, and reads back the same values', async () => {
    const { analysis } = await analyzeCheckpoint(request);
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e300, 0.1, -5e-324];
    const example = analysis.reconstruction.examples[0];
    const changed: CheckpointAnalysis = {
      ...analysis,
      reconstruction: {
        ...analysis.reconstruction,
        examples: [{ ...example, float64: example.float64.map((v, i) => (i < odd.length ? odd[i] : v)) }],
      },
    };
    const text = encodeJson(analysisForFile(changed));
    const raw = JSON.parse(text) as { reconstruction: { examples: Array<Record<string, unknown>> } };
    const packed = raw.reconstruction.examples[0];
    assert.deepEqual(Object.keys(packed.original as object), ['float32'], 'pixels are float32');
    assert.deepEqual(Object.keys(packed.float32 as object), ['float32']);
    assert.deepEqual(Object.keys(packed.float64 as object), ['float64'], '0.1 and 1e300 are not float32');
    const back = parseAnalysis(raw, 'test');
    assert.deepEqual(back, changed);
    assert.ok(Object.is(back.reconstruction.examples[0].float64[3], -0));
    const onDisk = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      analysis: { generation: { sets: Array<{ perClass: Array<{ images: unknown[] }> }> } };
    };
    const generated = onDisk.analysis.generation.sets.flatMap((set) => set.perClass.flatMap((c) => c.images));
    assert.ok(generated.length > 0);
    for (const image of generated) assert.ok(!Array.isArray(image), 'the cache file on disk packs generated images');
  });

  it('names the first wrong field of a damaged analysis', () => {
    assert.throws(
      () => parseAnalysis({ formatVersion: 1, layers: [{ index: 'x' }] }, 'cache.json'),
      (e: unknown) =>
        isInvertscopeError(e, 'CORRUPT') && /cache\.json: layers\[0\]\.index must be a number, got "x"/.test(e.message),
    );
  });

  it('refuses bad options, naming the option and the value', () => {
    assert.throws(
      () => resolveAnalysisOptions({ noiseLevels: [1e-3, -1] }),
      /noiseLevels\[1\] must be a positive finite number, got -1/,
    );
    assert.throws(
      () => resolveAnalysisOptions({ testImages: 3 }),
      /testImages must be an integer in 10\.\.100000, got 3/,
    );
  });

  it('stops at the next stage boundary when cancelled', async () => {
    const controller = new AbortController();
    const stages: string[] = [];
    await assert.rejects(
      analyzeCheckpoint(
        { ...request, reuseCache: false },
        {
          signal: controller.signal,
          onProgress: (p) => {
            stages.push(p.stage);
            if (p.stage === 'reconstruction') controller.abort();
          },
        },
      ),
      (e: unknown) => isInvertscopeError(e, 'CANCELLED'),
    );
    assert.ok(!stages.includes('jacobian'), `stages seen: ${[...new Set(stages)].join(', ')}`);
  });

  it('sends the spectra and κ first, then the reconstruction and the verdict, before the rest is computed', async () => {
    const seen: string[] = [];
    const result = await analyzeCheckpoint(
      { ...request, reuseCache: false },
      {
        onProgress: (p) => {
          if (seen[seen.length - 1] !== p.stage) seen.push(p.stage);
        },
        onPartial: (partial) =>
          seen.push(
            partial.jacobian
              ? 'partial: verdict'
              : `partial: ${partial.layers.length} layer(s), κ ${partial.layers[0].cond > 0}`,
          ),
      },
    );
    assert.deepEqual(
      seen.filter((s) => s.startsWith('partial') || s === 'reconstruction' || s === 'amplification'),
      ['partial: 1 layer(s), κ true', 'reconstruction', 'partial: verdict', 'amplification'],
    );
    const cached = await analyzeCheckpoint(request, { onPartial: () => assert.fail('a cached analysis comes whole') });
    assert.equal(cached.fromCache, true);
    assert.deepEqual(cached.analysis.layers, result.analysis.layers);
  });

  it('leaves no cache file, partial or whole, and no classifier when cancelled after its first results', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'invertscope-analysis-cancel-'));
    try {
      const checkpoint = join(fresh, 'epoch-0003.safetensors');
      await writeSmallCheckpoint(checkpoint, 3);
      const controller = new AbortController();
      let partials = 0;
      await assert.rejects(
        analyzeCheckpoint(
          { ...request, checkpoint, cacheFolder: join(fresh, 'cache') },
          {
            signal: controller.signal,
            onPartial: () => {
              partials++;
              controller.abort();
            },
          },
        ),
        (e: unknown) => isInvertscopeError(e, 'CANCELLED'),
      );
      assert.equal(partials, 1);
      assert.deepEqual(await readdir(fresh), ['epoch-0003.safetensors']);
      assert.equal(await readAnyCachedAnalysis(checkpoint), null);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
