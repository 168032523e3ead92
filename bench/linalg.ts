/**
 * Times the float64 analysis of a Base checkpoint's four 784×784 layers (LU
 * factorization with log|det|, and all singular values of each) against numpy
 * doing the same (np.linalg.slogdet and np.linalg.svd(compute_uv=False)) in a
 * /usr/bin/python3 subprocess, alternating them in one run so all see the
 * same machine load. Ours runs twice per round: on the calling thread, and
 * as spectralSummaries on two threads (one layer per thread at a time, as
 * numpy's OpenBLAS also uses both cores). Also checks that both give the same
 * numbers. Beside it, one 784³ matrix product on one thread each (numpy in a
 * second process held to one OpenBLAS thread): the arithmetic rate of the
 * kernels everything else is built on, thread for thread.
 *
 *   npm run build && node out/bench/linalg.js [--rounds 7] [--python /usr/bin/python3] [--numpy-threads 1]
 *
 * numpy runs with its default threads (OpenBLAS uses every core unless
 * OPENBLAS_NUM_THREADS or --numpy-threads says otherwise); ours runs on one
 * thread. On a shared machine the medians move with other work: the best
 * round of each is printed too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { logAbsDeterminant } from '../src/core/linalg/logAbsDeterminant';
import { luFactor } from '../src/core/linalg/luFactor';
import { matmul } from '../src/core/linalg/matmul';
import { singularValues } from '../src/core/linalg/singularValues';
import { spectralSummaries } from '../src/core/linalg/spectralSummaries';
import { createRng } from '../src/core/random/rng';
import { PythonServer } from './pythonServer';
import { answerHelpOrUnknownFlags } from './benchUsage';

const N = 784;
const LAYERS = 4;

const NUMPY_SERVER = `
import json, sys, time
import numpy as np
n, count, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
layers = np.fromfile(path, dtype='<f8').reshape(count, n, n)
print(json.dumps({'numpy': np.__version__}), flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == 'run':
        start = time.perf_counter()
        for a in layers:
            np.linalg.slogdet(a)
            np.linalg.svd(a, compute_uv=False)
        print(json.dumps({'seconds': time.perf_counter() - start}), flush=True)
    elif command == 'product':
        best = float('inf')
        for _ in range(5):
            start = time.perf_counter()
            layers[0] @ layers[1]
            best = min(best, time.perf_counter() - start)
        print(json.dumps({'seconds': best}), flush=True)
    elif command == 'values':
        out = []
        for a in layers:
            sign, logdet = np.linalg.slogdet(a)
            out.append({'sign': float(sign), 'logAbsDet': float(logdet),
                        'sigma': np.linalg.svd(a, compute_uv=False).tolist()})
        print(json.dumps(out), flush=True)
    else:
        break
`;

interface LayerResult {
  sign: number;
  logAbsDet: number;
  sigma: ArrayLike<number>;
}

/** PyTorch's nn.Linear initialization, uniform(±1/√784) rounded to float32, for each layer. */
function baseLayers(seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: LAYERS }, (_, i) => {
    const r = rng.fork(`layer ${i}`);
    return Float64Array.from({ length: N * N }, () => Math.fround((2 * r.uniform() - 1) / Math.sqrt(N)));
  });
}

/** The analysis being timed; returns the per-phase seconds and the results. */
function analyze(layers: Float64Array[]): { seconds: number; lu: number; svd: number; results: LayerResult[] } {
  let lu = 0;
  let svd = 0;
  const start = performance.now();
  const results = layers.map((w) => {
    const t0 = performance.now();
    const { logAbsDet, sign } = logAbsDeterminant(luFactor(w, N));
    const t1 = performance.now();
    const sigma = singularValues(w, N);
    svd += performance.now() - t1;
    lu += t1 - t0;
    return { sign, logAbsDet, sigma };
  });
  return { seconds: (performance.now() - start) / 1000, lu: lu / 1000, svd: svd / 1000, results };
}

/** Seconds of our 784³ float64 product on the calling thread, best of 5 (as the numpy server times its own). */
function product(layers: Float64Array[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    matmul(layers[0], layers[1], N, N, N);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

/** GFLOP/s of an n³ product (2n³ operations) done in `seconds`. */
function productRate(seconds: number): string {
  return `${((2 * N ** 3) / seconds / 1e9).toFixed(1)} GFLOP/s`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

const USAGE = `
The float64 linear algebra of a Base checkpoint's four layers (LU with log|det|, all singular
values) against numpy doing the same, alternated in one run.

  node out/bench/linalg.js [--rounds 7] [--python /usr/bin/python3] [--numpy-threads 1]
`;

async function main(): Promise<void> {
  answerHelpOrUnknownFlags(USAGE, ['--rounds', '--python', '--numpy-threads']);
  const rounds = Number(option('rounds') ?? '7');
  const python = option('python') ?? '/usr/bin/python3';
  const numpyThreads = option('numpy-threads') ?? process.env.OPENBLAS_NUM_THREADS;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`--rounds must be a positive integer, got ${rounds}`);
  const layers = baseLayers(20240611);
  const dir = mkdtempSync(join(tmpdir(), 'invertscope-linalg-bench-'));
  const file = join(dir, 'layers.f64');
  const all = new Float64Array(LAYERS * N * N);
  layers.forEach((w, i) => all.set(w, i * N * N));
  writeFileSync(file, new Uint8Array(all.buffer));

  let numpy: PythonServer | undefined;
  let version = '';
  try {
    const env =
      numpyThreads === undefined
        ? process.env
        : { ...process.env, OPENBLAS_NUM_THREADS: numpyThreads, OMP_NUM_THREADS: numpyThreads };
    const started = await PythonServer.start<{ numpy: string }>(
      python,
      ['-c', NUMPY_SERVER, String(N), String(LAYERS), file],
      env,
    );
    numpy = started.server;
    version = started.hello.numpy;
  } catch (error) {
    console.log(`numpy is not available (${(error as Error).message}); timing ours only`);
  }
  let numpy1: PythonServer | undefined;
  if (numpy) {
    const single = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
    numpy1 = (await PythonServer.start(python, ['-c', NUMPY_SERVER, String(N), String(LAYERS), file], single)).server;
  }
  try {
    console.log(
      `linalg bench: ${LAYERS} layers ${N}×${N} (float32 uniform ±1/28 widened to float64): LU + log|det| + all singular values`,
    );
    console.log(
      `  ours: WebAssembly SIMD; numpy ${version || '—'}: OpenBLAS/LAPACK, threads ${numpyThreads ?? 'default'}`,
    );
    console.log(`  machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} at start`);
    // Warm-up, and the agreement check.
    const first = analyze(layers);
    if (numpy) {
      const reference = await numpy.request<LayerResult[]>('values');
      let worstSigma = 0;
      let worstLogDet = 0;
      reference.forEach((ref, i) => {
        const ours = first.results[i];
        if (ours.sign !== ref.sign)
          throw new Error(`layer ${i}: determinant sign ${ours.sign} but numpy says ${ref.sign}`);
        worstLogDet = Math.max(worstLogDet, Math.abs(ours.logAbsDet - ref.logAbsDet));
        for (let j = 0; j < N; j++)
          worstSigma = Math.max(worstSigma, Math.abs(ours.sigma[j] - ref.sigma[j]) / ref.sigma[j]);
      });
      console.log(
        `  agreement with numpy: max relative difference of σᵢ ${worstSigma.toExponential(2)}, max |Δ log|det|| ${worstLogDet.toExponential(2)}`,
      );
    }
    const ours: number[] = [];
    const parallel: number[] = [];
    const theirs: number[] = [];
    const jobs = layers.map((w) => ({ w, n: N }));
    await spectralSummaries(jobs, { threads: 2 });
    const phases: Array<{ lu: number; svd: number }> = [];
    const products: number[] = [];
    const theirProducts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      products.push(product(layers));
      if (numpy1) theirProducts.push((await numpy1.request<{ seconds: number }>('product')).seconds);
      const run = analyze(layers);
      ours.push(run.seconds);
      phases.push(run);
      const start = performance.now();
      await spectralSummaries(jobs, { threads: 2 });
      parallel.push((performance.now() - start) / 1000);
      if (numpy) theirs.push((await numpy.request<{ seconds: number }>('run')).seconds);
      const line =
        `  round ${r + 1}/${rounds}: ours ${run.seconds.toFixed(3)} s (LU ${run.lu.toFixed(3)}, singular values ${run.svd.toFixed(3)}), ` +
        `ours on 2 threads ${parallel[r].toFixed(3)} s; product ours ${(products[r] * 1000).toFixed(1)} ms`;
      console.log(
        numpy
          ? `${line}, numpy ${theirs[r].toFixed(3)} s; product numpy ${(theirProducts[r] * 1000).toFixed(1)} ms`
          : line,
      );
    }
    const oursMedian = median(ours);
    const parallelMedian = median(parallel);
    const luMedian = median(phases.map((p) => p.lu));
    const svdMedian = median(phases.map((p) => p.svd));
    if (numpy) {
      const numpyMedian = median(theirs);
      const ratio = oursMedian / numpyMedian;
      const ratio2 = parallelMedian / numpyMedian;
      console.log(
        `  best rounds: ours ${Math.min(...ours).toFixed(3)} s, on 2 threads ${Math.min(...parallel).toFixed(3)} s, ` +
          `numpy ${Math.min(...theirs).toFixed(3)} s`,
      );
      console.log(
        `RESULT linalg: ours ${oursMedian.toFixed(3)} s on 1 thread (LU ${luMedian.toFixed(3)}, singular values ${svdMedian.toFixed(3)}), ` +
          `${parallelMedian.toFixed(3)} s on 2 threads; numpy ${numpyMedian.toFixed(3)} s; ` +
          `ratio ${ratio.toFixed(2)}× (1 thread), ${ratio2.toFixed(2)}× (2 threads) (median of ${rounds}; ` +
          `target ≤ 3×: ${Math.min(ratio, ratio2) <= 3 ? 'met' : 'NOT met'})`,
      );
      const oursProduct = median(products);
      const theirProduct = median(theirProducts);
      console.log(
        `RESULT linalg product: ${N}³ float64 on 1 thread: ours ${(oursProduct * 1000).toFixed(1)} ms (${productRate(oursProduct)}), ` +
          `numpy ${(theirProduct * 1000).toFixed(1)} ms (${productRate(theirProduct)}); ratio ${(oursProduct / theirProduct).toFixed(2)}× ` +
          `(best of 5 per round, median of ${rounds} rounds)`,
      );
    } else {
      console.log(
        `RESULT linalg: ours ${oursMedian.toFixed(3)} s on 1 thread, ${parallelMedian.toFixed(3)} s on 2 threads ` +
          `(median of ${rounds}); numpy not measured`,
      );
    }
  } finally {
    numpy?.stop();
    numpy1?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
