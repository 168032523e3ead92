import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable, disposeAll, toDisposable } from '../../../src/extension/util/dispose';
import { Emitter } from '../../../src/extension/util/emitter';

class Owner extends Disposable {
  own(fn: () => void) {
    return this._register(toDisposable(fn));
  }
  get disposed() {
    return this.isDisposed;
  }
}

describe('Disposable', () => {
  it('disposes what it registered, newest first, exactly once', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.own(() => order.push('a'));
    owner.own(() => order.push('b'));
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['b', 'a']);
    assert.equal(owner.disposed, true);
  });

  it('disposes at once what is registered after disposal', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    owner.own(() => {
      disposed = true;
    });
    assert.equal(disposed, true);
  });

  it('disposes everything even when one throws, then rethrows', () => {
    const order: string[] = [];
    const items = [
      toDisposable(() => order.push('a')),
      toDisposable(() => {
        throw new Error('b failed');
      }),
      toDisposable(() => order.push('c')),
    ];
    assert.throws(() => disposeAll(items), /b failed/);
    assert.deepEqual(order, ['c', 'a']);
    const two = [
      toDisposable(() => {
        throw new Error('x');
      }),
      toDisposable(() => {
        throw new Error('y');
      }),
    ];
    assert.throws(() => disposeAll(two), AggregateError);
  });
});

describe('Emitter', () => {
  it('calls every listener, isolates a throwing one, and stops after dispose', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((e) => errors.push(e));
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('bad listener');
    });
    const sub = emitter.event((n) => seen.push(n));
    emitter.fire(1);
    sub.dispose();
    emitter.fire(2);
    emitter.event((n) => seen.push(n * 10));
    emitter.dispose();
    emitter.fire(3);
    assert.deepEqual(seen, [1]);
    assert.equal(errors.length, 2);
  });
});
