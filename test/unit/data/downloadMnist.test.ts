import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isInvertscopeError, type InvertscopeError } from '../../../src/core/errors';
import { downloadMnist, type DownloadFile, type DownloadProgress } from '../../../src/core/data/downloadMnist';
import { loadData } from '../../../src/core/data/loadData';
import { MNIST_DOWNLOAD_FILES, MNIST_MIRRORS } from '../../../src/core/data/mnistSources';
import { idxImages, idxLabels, makeTempFolder, randomPixelSet } from './idxFixtures';
import { closedPort, startMirrorServer, type MirrorServer } from './mirrorServer';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// Small archives in the official layout; the train images (random pixels, ~120 KB) span many chunks.
const train = randomPixelSet(21, 150);
const test = randomPixelSet(22, 20);
const archives = new Map<string, Buffer>([
  ['train-images-idx3-ubyte.gz', gzipSync(idxImages(train.pixels, train.count))],
  ['train-labels-idx1-ubyte.gz', gzipSync(idxLabels(train.labels))],
  ['t10k-images-idx3-ubyte.gz', gzipSync(idxImages(test.pixels, test.count))],
  ['t10k-labels-idx1-ubyte.gz', gzipSync(idxLabels(test.labels))],
]);
const FILES: DownloadFile[] = [...archives].map(([name, body]) => ({ name, sha256: sha256(body) }));
const IMAGES = 'train-images-idx3-ubyte.gz';
const imagesFile = FILES.filter((f) => f.name === IMAGES);

let server: MirrorServer;
let temp: { folder: string; remove: () => void };
let folder: string;
let caseNumber = 0;

before(async () => {
  server = await startMirrorServer(archives, {
    good: 'serve',
    missing: 'missing',
    cut: 'cut-once',
    norange: 'ignore-range',
    hang: 'hang',
  });
  temp = makeTempFolder('download');
});
after(async () => {
  await server.close();
  temp.remove();
});
beforeEach(() => {
  folder = join(temp.folder, `case-${caseNumber++}`);
  server.reset();
});

async function rejection(promise: Promise<unknown>): Promise<InvertscopeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isInvertscopeError(error), `expected an InvertscopeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the download to fail');
}

describe('downloadMnist defaults', () => {
  it('lists the three official mirrors and the four archives with their published SHA-256', () => {
    assert.deepEqual(MNIST_MIRRORS, [
      'https://ossci-datasets.s3.amazonaws.com/mnist/',
      'https://storage.googleapis.com/cvdf-datasets/mnist/',
      'https://yann.lecun.com/exdb/mnist/',
    ]);
    assert.deepEqual(
      MNIST_DOWNLOAD_FILES.map((f) => f.name),
      [...archives.keys()],
    );
    for (const file of MNIST_DOWNLOAD_FILES) assert.match(file.sha256, /^[0-9a-f]{64}$/);
  });
});

describe('downloadMnist against a local server', () => {
  it('downloads and verifies every file, reports progress, and the folder then loads', async () => {
    const progress: DownloadProgress[] = [];
    const result = await downloadMnist({
      folder,
      mirrors: [server.url('good')],
      files: FILES,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.files.length, 4);
    for (const [name, body] of archives) {
      assert.deepEqual(readFileSync(join(folder, name)), body);
      assert.ok(!existsSync(join(folder, `${name}.part`)));
      const reports = progress.filter((p) => p.file === name);
      assert.ok(reports.length >= 2, `${name}: ${reports.length} progress reports`);
      for (let k = 1; k < reports.length; k++) assert.ok(reports[k].bytesDone >= reports[k - 1].bytesDone);
      assert.deepEqual(reports[reports.length - 1], { file: name, bytesDone: body.length, totalBytes: body.length });
    }
    assert.ok(server.requests.every((r) => r.acceptEncoding === 'identity'));
    const data = await loadData({ kind: 'idx', folder });
    assert.equal(data.train.count, 150);
    assert.deepEqual(Array.from(data.test.labels), Array.from(test.labels));
  });

  it('skips files already present with the right hash and replaces one with the wrong hash', async () => {
    await downloadMnist({ folder, mirrors: [server.url('good')], files: FILES });
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), Buffer.from('stale'));
    server.reset();
    const again = await downloadMnist({ folder, mirrors: [server.url('good')], files: FILES });
    assert.deepEqual(
      server.requests.map((r) => r.file),
      ['t10k-labels-idx1-ubyte.gz'],
    );
    assert.deepEqual(
      again.files.map((f) => f.url === null),
      [true, true, true, false],
    );
    assert.deepEqual(
      readFileSync(join(folder, 't10k-labels-idx1-ubyte.gz')),
      archives.get('t10k-labels-idx1-ubyte.gz'),
    );
  });

  it('rejects bytes whose hash differs, keeping neither the file nor the partial download', async () => {
    const wrong = 'ab'.repeat(32);
    const error = await rejection(
      downloadMnist({ folder, mirrors: [server.url('good')], files: [{ name: IMAGES, sha256: wrong }] }),
    );
    assert.equal(error.code, 'CORRUPT');
    assert.match(
      error.message,
      new RegExp(`SHA-256 mismatch: expected ${wrong}, got ${sha256(archives.get(IMAGES)!)}`),
    );
    assert.ok(!existsSync(join(folder, IMAGES)));
    assert.ok(!existsSync(join(folder, `${IMAGES}.part`)));
  });

  it('resumes with a Range request after the server cuts the connection mid-file', async () => {
    const result = await downloadMnist({ folder, mirrors: [server.url('cut')], files: imagesFile });
    const body = archives.get(IMAGES)!;
    assert.deepEqual(readFileSync(join(folder, IMAGES)), body);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [200, 206],
    );
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1].range ?? '')?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= body.length >> 1, `resumed at ${server.requests[1].range}`);
    assert.equal(result.files[0].resumedBytes, resumedAt);
  });

  it('resumes a .part left by an earlier, failed call', async () => {
    const first = await rejection(
      downloadMnist({ folder, mirrors: [server.url('cut')], files: imagesFile, attemptsPerMirror: 1 }),
    );
    assert.equal(first.code, 'NETWORK');
    assert.match(first.message, /transfer broke after \d+ of \d+ bytes/);
    const kept = statSync(join(folder, `${IMAGES}.part`)).size;
    assert.ok(kept > 0);
    assert.ok(!existsSync(join(folder, IMAGES)));

    const second = await downloadMnist({ folder, mirrors: [server.url('cut')], files: imagesFile });
    assert.equal(server.requests[1].range, `bytes=${kept}-`);
    assert.equal(second.files[0].resumedBytes, kept);
    assert.deepEqual(readFileSync(join(folder, IMAGES)), archives.get(IMAGES));
  });

  it('starts over when the server ignores the Range request', async () => {
    const body = archives.get(IMAGES)!;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${IMAGES}.part`), body.subarray(0, 1000));
    const result = await downloadMnist({ folder, mirrors: [server.url('norange')], files: imagesFile });
    assert.equal(server.requests[0].range, 'bytes=1000-');
    assert.equal(server.requests[0].status, 200);
    assert.equal(result.files[0].resumedBytes, 0);
    assert.deepEqual(readFileSync(join(folder, IMAGES)), body);
  });

  it('falls through to the next mirror when one answers 404', async () => {
    const result = await downloadMnist({ folder, mirrors: [server.url('missing'), server.url('good')], files: FILES });
    assert.deepEqual(
      result.files.map((f) => f.url),
      FILES.map((f) => `${server.url('good')}${f.name}`),
    );
    assert.deepEqual(
      server.requests.filter((r) => r.mirror === 'missing').map((r) => r.status),
      [404, 404, 404, 404],
    );
  });

  it('names every mirror and its failure when none can be reached', async () => {
    const mirrors = [`http://127.0.0.1:${await closedPort()}/mnist/`, server.url('missing')];
    const error = await rejection(downloadMnist({ folder, mirrors, files: FILES }));
    assert.equal(error.code, 'NETWORK');
    assert.match(error.message, /Could not download train-images-idx3-ubyte\.gz/);
    assert.ok(error.message.includes(`${mirrors[0]}train-images-idx3-ubyte.gz (connect ECONNREFUSED`), error.message);
    assert.ok(error.message.includes(`${mirrors[1]}train-images-idx3-ubyte.gz (HTTP 404 Not Found)`), error.message);
    assert.ok(!existsSync(join(folder, IMAGES)));
  });

  it('gives up on a mirror that stops sending data', async () => {
    const error = await rejection(
      downloadMnist({
        folder,
        mirrors: [server.url('hang')],
        files: imagesFile,
        stallTimeoutMs: 300,
        attemptsPerMirror: 2,
      }),
    );
    assert.equal(error.code, 'NETWORK');
    assert.match(error.message, /2 attempts, last: no data for 0\.3 s after \d+ of \d+ bytes/);
  });

  it('stops when the signal aborts and leaves no final file', async () => {
    const controller = new AbortController();
    const error = await rejection(
      downloadMnist({
        folder,
        mirrors: [server.url('hang')],
        files: imagesFile,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytesDone > 0) controller.abort();
        },
      }),
    );
    assert.equal(error.code, 'CANCELLED');
    assert.ok(!existsSync(join(folder, IMAGES)));
    assert.ok(statSync(join(folder, `${IMAGES}.part`)).size > 0, 'the partial download stays for a later resume');
  });

  it('passes an exception from the progress callback through without retrying', async () => {
    const boom = new Error('progress view closed');
    await assert.rejects(
      downloadMnist({
        folder,
        mirrors: [server.url('good')],
        files: imagesFile,
        onProgress: (p) => {
          if (p.bytesDone > 0) throw boom;
        },
      }),
      (error: unknown) => error === boom,
    );
    assert.equal(server.requests.length, 1);
  });

  it('makes no request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      downloadMnist({ folder, mirrors: [server.url('good')], files: FILES, signal: controller.signal }),
    );
    assert.equal(error.code, 'CANCELLED');
    assert.equal(server.requests.length, 0);
  });

  it('rejects a malformed hash or mirror before any request', async () => {
    const badHash = await rejection(
      downloadMnist({ folder, mirrors: [server.url('good')], files: [{ name: IMAGES, sha256: 'abc' }] }),
    );
    assert.equal(badHash.code, 'BAD_INPUT');
    assert.match(badHash.message, /sha256 must be 64 hex digits, got "abc"/);
    const badMirror = await rejection(
      downloadMnist({ folder, mirrors: [server.url('good'), 'ftp://example.org/mnist/'], files: imagesFile }),
    );
    assert.equal(badMirror.code, 'BAD_INPUT');
    assert.match(badMirror.message, /must be an http or https URL/);
    assert.equal(server.requests.length, 0);
  });
});
