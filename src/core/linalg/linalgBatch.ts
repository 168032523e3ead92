import { checkFinite, checkOrder, checkShape, matrixLabel, type NumericArray } from './checks';
import { WORK } from './kernelCalls';
import {
  runKernelGroups,
  runKernelGroupsAlongside,
  runKernelGroupsAlongsideAsync,
  type KernelGroup,
} from './kernelThreads';
import { openScratch, withScratch, type Scratch } from './linalgKernels';
import type { LuFactors32, LuFactors64 } from './luTypes';
import { diagonalOf } from './diagonalOf';
import { maxAbs } from './maxAbs';
import { pivotSummary } from './pivotSummary';

/**
 * One factorization of an n×n row-major matrix: its LU factors in float64 or
 * float32, all its singular values, or only the largest and the smallest
 * ('extremeSingularValues': [σmax, σmin], in every case tested the bits of the
 * first and last of 'singularValues', in a fifth less time at n = 784).
 */
export interface LinalgJob {
  readonly kind: 'lu' | 'lu32' | 'singularValues' | 'extremeSingularValues';
  readonly w: NumericArray;
  readonly n: number;
  /** How messages name the matrix. */
  readonly name?: string;
  /** True when the caller knows W is diagonal (NetworkLayer.diagonal): its n² entries are not scanned again. */
  readonly diagonal?: boolean;
}

export type LinalgResult = LuFactors64 | LuFactors32 | Float64Array;

/**
 * Runs independent factorizations at once, one per kernel thread at a time
 * (a Base network's four layers in both precisions, or a Jacobian and its
 * inverse), and returns their results in order: what luFactor, luFactor32
 * and singularValues return for each. Each job runs exactly those kernels on
 * its own buffers, so the numbers are the same as one at a time. Inputs are
 * checked first, every job before any runs, and errors name the matrix.
 *
 * @example
 *   const [f, sigma] = linalgBatch([{ kind: 'lu', w, n }, { kind: 'singularValues', w, n }]);
 */
export function linalgBatch(jobs: readonly LinalgJob[]): LinalgResult[] {
  return withScratch((s) => {
    const batch = placeBatch(jobs, 'shared', s);
    runKernelGroups(batch.groups, batch.workBytes);
    return batch.collect();
  });
}

/**
 * linalgBatch's jobs on the helper threads while this thread runs
 * `meanwhile` (runKernelGroupsAlongside), with the same results: for a
 * factorization whose result is needed only after other work that does not
 * keep both threads busy.
 *
 * @example
 *   const { results: [sigma], value } = linalgBatchAlongside([{ kind: 'singularValues', w, n }], () => iterate());
 */
export function linalgBatchAlongside<T>(
  jobs: readonly LinalgJob[],
  meanwhile: () => T,
): { readonly results: LinalgResult[]; readonly value: T } {
  return withScratch((s) => {
    const batch = placeBatch(jobs, 'own', s);
    const value = runKernelGroupsAlongside(batch.groups, meanwhile);
    return { results: batch.collect(), value };
  });
}

/** linalgBatchAlongside for a `meanwhile` that awaits (runKernelGroupsAlongsideAsync). */
export async function linalgBatchAlongsideAsync<T>(
  jobs: readonly LinalgJob[],
  meanwhile: () => Promise<T>,
): Promise<{ readonly results: LinalgResult[]; readonly value: T }> {
  const s = openScratch();
  try {
    const batch = placeBatch(jobs, 'own', s);
    const value = await runKernelGroupsAlongsideAsync(batch.groups, meanwhile);
    return { results: batch.collect(), value };
  } finally {
    s.release();
  }
}

/** Work areas: each thread's own (WORK), or a buffer per job (what a background group needs). */
type WorkAreas = 'shared' | 'own';

interface PlacedBatch {
  /** The jobs' kernel groups, the longest first so the threads finish together. */
  readonly groups: KernelGroup[];
  readonly workBytes: number;
  /** The results, once the groups have run. */
  collect(): LinalgResult[];
}

/** The jobs' inputs copied into `s` (checked first, every job before any runs) and their kernel groups. */
function placeBatch(jobs: readonly LinalgJob[], areas: WorkAreas, s: Scratch): PlacedBatch {
  const inputs = jobs.map(checkedInput);
  const k = s.kernels;
  let workBytes = 0;
  const workArea = (bytes: number): number => {
    workBytes = Math.max(workBytes, bytes);
    return areas === 'own' ? s.bytes(bytes, false) : WORK;
  };
  const placed = jobs.map((job, i) => {
    const { n } = job;
    const diagonal = job.diagonal ? diagonalEntries(inputs[i], n) : diagonalOf(inputs[i], n);
    const spectral = job.kind === 'singularValues' || job.kind === 'extremeSingularValues';
    if (spectral && diagonal) {
      // Exactly: |diagonal| in descending order (bidiagonalizing a diagonal matrix costs as much as any other).
      const sorted = diagonal.map(Math.abs).sort((a, b) => b - a);
      const direct = job.kind === 'singularValues' ? sorted : Float64Array.of(sorted[0], sorted[n - 1]);
      return { group: null, cost: 0, a: 0, out: 0, pivots: 0, direct, diagonal: null };
    }
    const single = job.kind === 'lu32';
    if (!spectral && diagonal?.every((d) => d !== 0)) {
      // Partial pivoting keeps every row of a diagonal matrix, and L = I, U = W: the factors are W itself,
      // shared rather than copied (a flow's 24 kink layers would take 177 MB of copies in both precisions).
      const input = inputs[i];
      const lu = single || input instanceof Float64Array ? input : new Float64Array(input);
      const pivots = Int32Array.from({ length: n }, (_, r) => r);
      return { group: null, cost: 0, a: 0, out: 0, pivots: 0, direct: null, diagonal: { lu, pivots } };
    }
    const a = single ? s.f32(n * n, false) : s.f64(n * n, false);
    (single ? s.float32(a, n * n) : s.float64(a, n * n)).set(inputs[i]);
    if (spectral) {
      const d = s.f64(n),
        e = s.f64(n),
        tauq = s.f64(n),
        taup = s.f64(n),
        out = s.f64(Math.max(n, 2));
      const bytes = Math.max(k.bidiag_work_bytes(n), k.bidiag_sv_work_bytes(n));
      const work = workArea(bytes);
      const group: KernelGroup = [
        { kernel: 'zero_bytes', args: [work, bytes] },
        { kernel: 'bidiag_f64', args: [n, a, d, e, tauq, taup, work] },
        {
          kernel: job.kind === 'singularValues' ? 'bidiag_singular_values_f64' : 'bidiag_extreme_singular_values_f64',
          args: [n, d, e, out, work],
        },
      ];
      return { group, cost: 8 * n ** 3, a, out, pivots: 0, direct: null, diagonal: null };
    }
    const pivots = s.i32(n, false);
    const work = workArea(k.gemm_work_bytes(single ? 4 : 8));
    const group: KernelGroup = [{ kernel: single ? 'lu_f32' : 'lu_f64', args: [n, a, pivots, work] }];
    return { group, cost: n ** 3, a, out: 0, pivots, direct: null, diagonal: null };
  });
  const order = placed.map((_, i) => i).sort((x, y) => placed[y].cost - placed[x].cost);
  const groups = order.flatMap((i) => {
    const group = placed[i].group;
    return group ? [group] : [];
  });
  const collect = () =>
    jobs.map((job, i): LinalgResult => {
      const { n } = job;
      const p = placed[i];
      if (p.direct) return p.direct;
      if (job.kind === 'singularValues') return s.float64(p.out, n).slice();
      if (job.kind === 'extremeSingularValues') return s.float64(p.out, 2).slice();
      const pivots = p.diagonal?.pivots ?? s.int32(p.pivots, n).slice();
      const named = job.name === undefined ? {} : { name: job.name };
      if (job.kind === 'lu32') {
        const lu = (p.diagonal?.lu as Float32Array | undefined) ?? s.float32(p.a, n * n).slice();
        return {
          precision: 'float32',
          n,
          lu,
          pivots,
          ...pivotSummary(lu, n, pivots),
          maxAbsEntry: maxAbs(inputs[i]),
          ...named,
        };
      }
      const lu = (p.diagonal?.lu as Float64Array | undefined) ?? s.float64(p.a, n * n).slice();
      return {
        precision: 'float64',
        n,
        lu,
        pivots,
        ...pivotSummary(lu, n, pivots),
        maxAbsEntry: maxAbs(job.w),
        ...named,
      };
    });
  return { groups, workBytes, collect };
}

/** The n entries on the diagonal of the n×n row-major `w` (as the job's input holds them: rounded, for lu32). */
function diagonalEntries(w: NumericArray, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => w[i * n + i]);
}

/** The job's matrix as the kernel takes it, after the checks its single-matrix function makes. */
function checkedInput(job: LinalgJob): NumericArray {
  const op = job.kind === 'lu' ? 'luFactor' : job.kind === 'lu32' ? 'luFactor32' : job.kind;
  checkOrder(op, job.n);
  checkShape(op, 'w', job.w, job.n, job.n);
  if (job.kind !== 'lu32') {
    checkFinite(op, matrixLabel(job.name, 'w'), job.w, job.n);
    return job.w;
  }
  // As a PyTorch float32 layer stores it; an entry that overflows float32 is refused like a NaN.
  const rounded = job.w instanceof Float32Array ? job.w : new Float32Array(job.w);
  checkFinite(op, `${matrixLabel(job.name, 'w')} rounded to float32`, rounded, job.n);
  return rounded;
}
