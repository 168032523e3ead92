import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MNIST_IDX_NAMES } from '../../../src/core/data/idxFormat';
import { idxImages, idxLabels, randomPixelSet, writeMnistFolder } from '../data/idxFixtures';
import { writeGzipOfZeros } from './builders';
import { hasStackTrace, runCli } from './harness/runCli';

const MiB = 2 ** 20;

/**
 * A gzipped IDX file is inflated only as far as its header promises, and the
 * header may promise no more than a sane maximum: a small .gz that inflates to
 * gigabytes costs neither the memory nor the time.
 */
describe('gzipped IDX files that inflate past what they promise', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'invertscope-gzbomb-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A valid MNIST folder whose train images are replaced by `write`'s file. */
  async function folderWith(
    name: string,
    write: (file: string) => Promise<void>,
  ): Promise<{ folder: string; file: string }> {
    const folder = join(dir, name);
    mkdirSync(folder);
    writeMnistFolder(folder, { gzip: true, trainCount: 10, testCount: 5 });
    const file = join(folder, `${MNIST_IDX_NAMES.trainImages}.gz`);
    await write(file);
    return { folder, file };
  }

  async function train(folder: string) {
    return runCli(['train', '--data', folder, '--epochs', '1', '--backend', 'wasm', '--runs', join(dir, 'runs')], {
      cwd: dir,
      timeoutMs: 60_000,
    });
  }

  it('stops inflating 1 GiB of zeros behind a header that promises 10 images', async () => {
    const header = idxImages(new Uint8Array(0), 10);
    const { folder, file } = await folderWith('bomb', (f) => writeGzipOfZeros(f, header, 1024 * MiB));
    const result = await train(folder);
    assert.equal(result.status, 3, result.stderr);
    assert.ok(result.stderr.includes(file), result.stderr);
    assert.match(result.stderr, /inflates to more than the 7856 bytes its header promises \(10 images of 28×28\)/);
    assert.equal(hasStackTrace(result.stderr), false);
    assert.ok(result.peakRss < 300 * MiB, `peak RSS ${(result.peakRss / MiB).toFixed(0)} MiB`);
  });

  it('refuses a header promising 1.37 million images before inflating them', async () => {
    const count = 1_370_000;
    const header = idxImages(new Uint8Array(0), count);
    // Only the header matters: it is refused before a byte of the data is inflated.
    const { folder, file } = await folderWith('huge', (f) => writeGzipOfZeros(f, header, 16 * MiB));
    const result = await train(folder);
    assert.equal(result.status, 3, result.stderr);
    assert.ok(result.stderr.includes(file), result.stderr);
    assert.match(result.stderr, /count: 1370000 images is above the maximum of [\d,]+/);
    assert.ok(result.peakRss < 300 * MiB, `peak RSS ${(result.peakRss / MiB).toFixed(0)} MiB`);
  });

  it('refuses a plain IDX file whose header promises 2^32-1 labels without reading it', async () => {
    const folder = join(dir, 'plain-huge');
    mkdirSync(folder);
    writeMnistFolder(folder, { gzip: false, trainCount: 10, testCount: 5 });
    const file = join(folder, MNIST_IDX_NAMES.trainLabels);
    writeFileSync(file, idxLabels(new Uint8Array(16), 2 ** 32 - 1));
    const result = await train(folder);
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, /count: 4294967295 labels is above the maximum/);
  });

  it('still reads a valid gzipped folder', async () => {
    const folder = join(dir, 'valid');
    mkdirSync(folder);
    const set = randomPixelSet(3, 40);
    writeMnistFolder(folder, { gzip: true, trainCount: 40, testCount: 10 });
    writeFileSync(join(folder, `${MNIST_IDX_NAMES.trainImages}.gz`), gzipSync(idxImages(set.pixels, 40)));
    const result = await train(folder);
    assert.equal(result.status, 0, result.stderr);
  });
});
