import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInvertscopeError } from '../../../src/core/errors';
import { spectralSummaries } from '../../../src/core/linalg/spectralSummaries';
import { spectralSummary } from '../../../src/core/linalg/spectralSummary';
import { createRng } from '../../../src/core/random/rng';
import { randomMatrix } from './linalgFixtures';

describe('spectralSummaries', () => {
  const rng = createRng(77);
  const jobs = [40, 70, 33, 90, 12].map((n, i) => ({ w: randomMatrix(rng, n, n), n, name: `layer ${i}` }));

  it('gives exactly what spectralSummary gives, in order, on two threads', async () => {
    const parallel = await spectralSummaries(jobs, { threads: 2 });
    assert.equal(parallel.length, jobs.length);
    parallel.forEach((s, i) => {
      const ref = spectralSummary(jobs[i].w, jobs[i].n, { name: jobs[i].name });
      assert.deepEqual(Array.from(s.singularValues), Array.from(ref.singularValues));
      assert.equal(s.logAbsDet, ref.logAbsDet);
      assert.deepEqual(Array.from(s.factors.lu), Array.from(ref.factors.lu));
      assert.equal(s.factors.name, `layer ${i}`);
      assert.equal(s.diagnosis.message, ref.diagnosis.message);
    });
  });

  it('works on one thread and with more threads than jobs', async () => {
    const one = await spectralSummaries(jobs.slice(0, 2), { threads: 1 });
    const many = await spectralSummaries(jobs.slice(0, 2), { threads: 8 });
    assert.deepEqual(Array.from(one[1].singularValues), Array.from(many[1].singularValues));
    assert.deepEqual(await spectralSummaries([]), []);
  });

  it('rejects with the job error, keeping its code, whichever thread ran it', async () => {
    const bad = [...jobs.slice(0, 3), { w: [1, Number.NaN, 0, 1], n: 2, name: 'layer 9' }];
    await assert.rejects(
      spectralSummaries(bad, { threads: 2 }),
      (e: unknown) =>
        isInvertscopeError(e, 'NUMERIC') &&
        /matrix "layer 9" has a non-finite entry NaN at row 0, column 1/.test(e.message),
    );
    await assert.rejects(spectralSummaries([{ w: [1, 2, 3], n: 2 }, jobs[0]], { threads: 2 }), RangeError);
    await assert.rejects(spectralSummaries(jobs, { threads: 0 }), /threads must be a positive integer, got 0/);
  });
});
