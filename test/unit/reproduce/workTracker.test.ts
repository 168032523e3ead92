import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkTracker } from '../../../src/core/reproduce/workTracker';

function clock(): { now: () => number; advance: (s: number) => void } {
  let t = 0;
  return {
    now: () => t,
    advance: (s) => {
      t += s;
    },
  };
}

describe('work tracker', () => {
  it('gives no time left before anything has been timed, then the remaining estimate', () => {
    const c = clock();
    const work = new WorkTracker(
      [
        { id: 'a', estimate: 40 },
        { id: 'b', estimate: 60 },
      ],
      c.now,
    );
    assert.deepEqual(work.status(), { fraction: 0, secondsLeft: null, elapsedSeconds: 0 });
    work.start('a');
    c.advance(40);
    work.finish('a');
    const s = work.status();
    assert.equal(s.fraction, 0.4);
    assert.equal(s.secondsLeft, 60, 'the machine kept the reference pace');
  });

  it('scales what is left by this machine\u2019s pace once enough work has been timed', () => {
    const c = clock();
    const work = new WorkTracker(
      [
        { id: 'a', estimate: 30 },
        { id: 'b', estimate: 30 },
      ],
      c.now,
    );
    work.start('a');
    c.advance(60); // twice as slow as the reference
    work.finish('a');
    assert.equal(work.status().secondsLeft, 60);
  });

  it('trusts a short timing only partly, so one slow start does not multiply the forecast', () => {
    const c = clock();
    const work = new WorkTracker(
      [
        { id: 'a', estimate: 3 },
        { id: 'b', estimate: 97 },
      ],
      c.now,
    );
    work.start('a');
    c.advance(30); // ten times slower, but over 3 s of estimated work
    work.finish('a');
    const left = work.status().secondsLeft ?? 0;
    assert.ok(left > 97 && left < 97 * 10, `left ${left}`);
    assert.ok(Math.abs(left - 97 * (1 + 0.1 * 9)) < 1e-9);
  });

  it('counts a task in progress by its fraction, and reused work (estimate 0) as nothing', () => {
    const c = clock();
    const work = new WorkTracker(
      [
        { id: 'train', estimate: 100 },
        { id: 'cached', estimate: 50 },
      ],
      c.now,
    );
    work.reestimate('cached', 0);
    work.finish('cached');
    work.start('train');
    c.advance(50);
    work.progress('train', 0.5);
    const s = work.status();
    assert.equal(s.fraction, 0.5);
    assert.equal(s.secondsLeft, 50);
    work.progress('train', 0.25); // progress never goes back
    assert.equal(work.status().fraction, 0.5);
  });

  it('refuses unknown and repeated tasks, naming them', () => {
    assert.throws(
      () =>
        new WorkTracker([
          { id: 'a', estimate: 1 },
          { id: 'a', estimate: 2 },
        ]),
      /"a" is listed twice/,
    );
    assert.throws(() => new WorkTracker([{ id: 'a', estimate: 1 }]).start('b'), /no task "b"/);
  });
});
