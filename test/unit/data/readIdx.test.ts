import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isInvertscopeError, type ErrorCode, type InvertscopeError } from '../../../src/core/errors';
import { findIdxFiles, readIdxFolder } from '../../../src/core/data/readIdx';
import { idxImages, idxLabels, makeTempFolder, randomPixelSet, writeMnistFolder } from './idxFixtures';

let root: { folder: string; remove: () => void };
let counter = 0;
/** A new folder holding a valid plain or gzipped set, ready to be damaged. */
function freshFolder(gzip: boolean) {
  const folder = join(root.folder, `case-${counter++}`);
  mkdirSync(folder);
  return writeMnistFolder(folder, { gzip, trainCount: 12, testCount: 5, seed: counter });
}

async function assertRejects(
  promise: Promise<unknown>,
  code: ErrorCode,
  file: string,
  ...fragments: string[]
): Promise<InvertscopeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isInvertscopeError(error), `expected an InvertscopeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.includes(file), `message should name ${file}: ${error.message}`);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `message should say "${fragment}": ${error.message}`);
    return error;
  }
  assert.fail('expected the load to fail');
}

before(() => {
  root = makeTempFolder('idx');
});
after(() => root.remove());

describe('readIdxFolder on valid files', () => {
  for (const gzip of [false, true]) {
    it(`loads ${gzip ? 'gzipped' : 'plain'} files as byte / 255 with their labels`, async () => {
      const fixture = freshFolder(gzip);
      const data = await readIdxFolder(fixture.folder);
      assert.equal(data.train.count, 12);
      assert.equal(data.test.count, 5);
      assert.equal(data.train.classes, 10);
      assert.deepEqual(Array.from(data.train.labels), Array.from(fixture.train.labels));
      assert.deepEqual(Array.from(data.test.labels), Array.from(fixture.test.labels));
      for (let i = 0; i < fixture.train.pixels.length; i += 97) {
        assert.equal(data.train.images[i], Math.fround(fixture.train.pixels[i] / 255));
      }
      assert.equal(data.train.images.length, 12 * 784);
      assert.equal(data.files.trainImages, fixture.paths.trainImages);
    });
  }

  it('detects gzip by its magic bytes, not by the name', async () => {
    const fixture = freshFolder(false);
    writeFileSync(fixture.paths.trainImages, gzipSync(readFileSync(fixture.paths.trainImages)));
    const data = await readIdxFolder(fixture.folder);
    assert.equal(data.train.images[5], Math.fround(fixture.train.pixels[5] / 255));
  });

  it('maps byte 0 to 0 and byte 255 to exactly 1', async () => {
    const fixture = freshFolder(false);
    const pixels = new Uint8Array(784 * 12);
    pixels[1] = 255;
    pixels[2] = 51;
    writeFileSync(fixture.paths.trainImages, idxImages(pixels, 12));
    const data = await readIdxFolder(fixture.folder);
    assert.equal(data.train.images[0], 0);
    assert.equal(data.train.images[1], 1);
    assert.equal(data.train.images[2], Math.fround(0.2));
  });
});

describe('readIdxFolder on damaged files', () => {
  it('names the expected and found magic numbers', async () => {
    const fixture = freshFolder(false);
    writeFileSync(fixture.paths.trainImages, readFileSync(fixture.paths.trainLabels));
    const error = await assertRejects(
      readIdxFolder(fixture.folder),
      'BAD_INPUT',
      fixture.paths.trainImages,
      'wrong magic number',
      'expected 0x00000803 (2051, IDX images)',
      'found 0x00000801 (2049, IDX labels)',
    );
    assert.equal(error.detail?.field, 'magic');
  });

  it('reports truncated image data with bytes expected and present', async () => {
    const fixture = freshFolder(false);
    const full = readFileSync(fixture.paths.testImages);
    writeFileSync(fixture.paths.testImages, full.subarray(0, full.length - 100));
    await assertRejects(
      readIdxFolder(fixture.folder),
      'CORRUPT',
      fixture.paths.testImages,
      'truncated',
      `${full.length} bytes expected`,
      `${full.length - 100} present`,
    );
  });

  it('reports a file cut inside its header', async () => {
    const fixture = freshFolder(true);
    writeFileSync(fixture.paths.trainLabels, gzipSync(Buffer.from([0, 0, 8, 1, 0, 0])));
    await assertRejects(
      readIdxFolder(fixture.folder),
      'CORRUPT',
      fixture.paths.trainLabels,
      'header needs 8 bytes, 6 present',
    );
  });

  it('reports bytes beyond what the header promises', async () => {
    const fixture = freshFolder(false);
    writeFileSync(
      fixture.paths.trainLabels,
      Buffer.concat([readFileSync(fixture.paths.trainLabels), Buffer.from([1, 2, 3])]),
    );
    await assertRejects(readIdxFolder(fixture.folder), 'CORRUPT', fixture.paths.trainLabels, '3 bytes after the data');
  });

  it('reports an image count that differs from the label count', async () => {
    const fixture = freshFolder(true);
    writeFileSync(fixture.paths.trainLabels, gzipSync(idxLabels(fixture.train.labels.subarray(0, 11))));
    await assertRejects(
      readIdxFolder(fixture.folder),
      'BAD_INPUT',
      fixture.paths.trainLabels,
      fixture.paths.trainImages,
      '12 images',
      '11 labels',
    );
  });

  it('reports a label outside 0..9 with its position and value', async () => {
    const fixture = freshFolder(false);
    const labels = fixture.test.labels.slice();
    labels[3] = 10;
    writeFileSync(fixture.paths.testLabels, idxLabels(labels));
    const error = await assertRejects(
      readIdxFolder(fixture.folder),
      'CORRUPT',
      fixture.paths.testLabels,
      'label 3 is 10, outside 0..9',
    );
    assert.equal(error.detail?.value, 10);
  });

  it('rejects images that are not 28×28', async () => {
    const fixture = freshFolder(true);
    const small = randomPixelSet(9, 12);
    writeFileSync(fixture.paths.trainImages, gzipSync(idxImages(small.pixels.subarray(0, 12 * 27 * 27), 12, 27, 27)));
    await assertRejects(
      readIdxFolder(fixture.folder),
      'BAD_INPUT',
      fixture.paths.trainImages,
      'images are 27×27',
      'need 28×28',
    );
  });

  it('rejects a .gz file that is not gzip, showing its first bytes', async () => {
    const fixture = freshFolder(true);
    writeFileSync(fixture.paths.testLabels, idxLabels(fixture.test.labels));
    await assertRejects(
      readIdxFolder(fixture.folder),
      'BAD_INPUT',
      fixture.paths.testLabels,
      'named .gz but is not gzip',
      'first bytes 00 00 08 01',
      '1f 8b',
    );
  });

  it('rejects a gzip stream whose compressed bytes are damaged', async () => {
    const fixture = freshFolder(true);
    const bytes = Buffer.from(readFileSync(fixture.paths.trainImages));
    for (let i = 20; i < 60; i++) bytes[i] ^= 0x5a;
    writeFileSync(fixture.paths.trainImages, bytes);
    await assertRejects(readIdxFolder(fixture.folder), 'CORRUPT', fixture.paths.trainImages, 'corrupt gzip stream');
  });

  it('rejects a gzip stream cut short', async () => {
    const fixture = freshFolder(true);
    const bytes = readFileSync(fixture.paths.testImages);
    writeFileSync(fixture.paths.testImages, bytes.subarray(0, bytes.length >> 1));
    await assertRejects(readIdxFolder(fixture.folder), 'CORRUPT', fixture.paths.testImages, 'corrupt gzip stream');
  });

  it('rejects a pair that holds no images', async () => {
    const fixture = freshFolder(false);
    writeFileSync(fixture.paths.testImages, idxImages(new Uint8Array(0), 0));
    writeFileSync(fixture.paths.testLabels, idxLabels(new Uint8Array(0)));
    await assertRejects(readIdxFolder(fixture.folder), 'BAD_INPUT', fixture.paths.testImages, 'holds no images');
  });
});

describe('findIdxFiles', () => {
  it('lists every name it looked for when files are missing', async () => {
    const fixture = freshFolder(true);
    rmSync(fixture.paths.testLabels);
    renameSync(fixture.paths.trainImages, join(fixture.folder, 'train-images.gz'));
    const error = await assertRejects(
      Promise.resolve().then(() => findIdxFiles(fixture.folder)),
      'NOT_FOUND',
      fixture.folder,
      'train-images-idx3-ubyte or train-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz',
    );
    assert.deepEqual(error.detail?.value, ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
  });

  it('reports a folder that does not exist', async () => {
    const missing = join(root.folder, 'no-such-folder');
    await assertRejects(readIdxFolder(missing), 'NOT_FOUND', missing, 'does not exist');
  });

  it('prefers the plain file when both it and the .gz exist', () => {
    const fixture = freshFolder(true);
    const plain = fixture.paths.trainLabels.replace(/\.gz$/, '');
    writeFileSync(plain, idxLabels(fixture.train.labels));
    assert.equal(findIdxFiles(fixture.folder).trainLabels, plain);
    assert.equal(findIdxFiles(fixture.folder).testLabels, fixture.paths.testLabels);
  });
});
