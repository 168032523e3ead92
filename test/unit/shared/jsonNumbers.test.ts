import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJson, encodeJson, numberFromJson } from '../../../src/shared/jsonNumbers';

describe('numbers in JSON', () => {
  it('are written as before: NaN, ±Infinity and −0 as words, every other number as JSON.stringify writes it', () => {
    assert.equal(
      encodeJson({ cond: Infinity, psnr: [NaN, 3, -Infinity], zero: -0, x: 0.1, n: null }),
      '{"cond":"Infinity","psnr":["NaN",3,"-Infinity"],"zero":"-0","x":0.1,"n":null}',
    );
  });

  it('read back to the very numbers written, words and all', () => {
    const value = { a: [NaN, Infinity, -Infinity, -0, 0, 5.3e8, -1e-300], label: 'base' };
    const back = decodeJson(encodeJson(value)) as typeof value;
    assert.equal(back.label, 'base');
    back.a.forEach((v, i) => assert.ok(Object.is(v, value.a[i]), `${i}: ${v} is not ${value.a[i]}`));
  });

  it('take a word as a number only where it is one of the four, not any string or inherited name', () => {
    assert.ok(Number.isNaN(numberFromJson('NaN')));
    assert.ok(Object.is(numberFromJson('-0'), -0));
    for (const v of ['nan', '3', 'toString', '', null, true, {}])
      assert.equal(numberFromJson(v), undefined, JSON.stringify(v));
    assert.deepEqual(decodeJson('{"s":"toString","t":"constructor"}'), { s: 'toString', t: 'constructor' });
  });
});
