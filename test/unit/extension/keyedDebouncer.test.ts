import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedDebouncer, type Timers } from '../../../src/extension/util/keyedDebouncer';

/** Timers on a clock the test advances. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const api: Timers = {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { api, advance, pending: () => timers.size };
}

describe('KeyedDebouncer', () => {
  it('hands over one batch of distinct keys after a quiet period', () => {
    const clock = fakeClock();
    const batches: string[][] = [];
    const d = new KeyedDebouncer<string>(100, 1000, (keys) => batches.push([...keys].sort()), clock.api);
    d.add('a');
    clock.advance(50);
    d.add('b');
    d.add('a');
    clock.advance(99);
    assert.deepEqual(batches, []);
    clock.advance(1);
    assert.deepEqual(batches, [['a', 'b']]);
  });

  it('flushes at the latest after maxWait even while keys keep coming', () => {
    const clock = fakeClock();
    const batches: number[] = [];
    const d = new KeyedDebouncer<string>(100, 300, (keys) => batches.push(keys.size), clock.api);
    for (let t = 0; t < 10; t++) {
      d.add(`k${t}`);
      clock.advance(50);
    }
    assert.ok(batches.length >= 1, 'a continuous stream still produces batches');
    assert.equal(batches[0], 6, 'the first batch comes 300 ms after the first key');
  });

  it('drops pending keys and timers when disposed', () => {
    const clock = fakeClock();
    const batches: unknown[] = [];
    const d = new KeyedDebouncer<string>(100, 300, (keys) => batches.push(keys), clock.api);
    d.add('a');
    d.dispose();
    clock.advance(1000);
    d.add('b');
    clock.advance(1000);
    assert.deepEqual(batches, []);
    assert.equal(clock.pending(), 0);
  });

  it('rejects a max wait shorter than the quiet period', () => {
    assert.throws(() => new KeyedDebouncer(500, 100, () => undefined), /quietMs <= maxWaitMs/);
  });
});
