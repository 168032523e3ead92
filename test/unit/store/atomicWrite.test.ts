import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/core/store/atomicWrite';
import { tempFolder } from './storeTestUtils';

const PAYLOAD = 4 * 1024 * 1024;

/**
 * A child process rewrites one file over and over, alternating two payloads
 * (all "A" bytes, all "B" bytes), and says "wrote" after each. It is killed at
 * an arbitrary moment; the file must then hold one payload whole.
 */
const WRITER = `
const { writeFileAtomic } = require(process.argv[2]);
const target = process.argv[3];
const size = Number(process.argv[4]);
const payloads = [Buffer.alloc(size, 0x41), Buffer.alloc(size, 0x42)];
(async () => {
  for (let i = 0; ; i++) {
    await writeFileAtomic(target, [payloads[i % 2].subarray(0, size / 2), payloads[i % 2].subarray(size / 2)]);
    process.stdout.write('wrote\\n');
  }
})();
`;

describe('writeFileAtomic', () => {
  let dir = '';
  let remove = async () => {};
  before(async () => ({ dir, remove } = await tempFolder('atomic')));
  after(() => remove());

  it('replaces a file and leaves no temporary file behind', async () => {
    const file = join(dir, 'run.json');
    await writeFile(file, 'old contents that are longer than the new ones');
    await writeFileAtomic(file, '{"new":true}\n');
    assert.equal(await readFile(file, 'utf8'), '{"new":true}\n');
    assert.deepEqual(await readdir(dir), ['run.json']);
  });

  it('keeps the old contents and removes its temporary file when a write fails midway', async () => {
    const file = join(dir, 'keep.json');
    await writeFile(file, 'old');
    class FailingChunk extends Uint8Array {
      override get length(): number {
        throw new Error('ENOSPC: no space left on device');
      }
    }
    const broken = [Buffer.from('new start'), new FailingChunk(8)];
    await assert.rejects(writeFileAtomic(file, broken), /ENOSPC/);
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.includes('keep')),
      ['keep.json'],
    );
  });

  it('fails without creating anything when the folder does not exist', async () => {
    await assert.rejects(writeFileAtomic(join(dir, 'missing', 'x.json'), 'x'), /ENOENT/);
    assert.ok(!(await readdir(dir)).includes('missing'));
  });

  it('never leaves a half-written file when the writing process is killed', async () => {
    const script = join(dir, 'writer.js');
    await writeFile(script, WRITER);
    const modulePath = require.resolve('../../../src/core/store/atomicWrite');
    for (let round = 0; round < 3; round++) {
      const target = join(dir, `killed-${round}.bin`);
      const child = spawn(process.execPath, [script, modulePath, target, String(PAYLOAD)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let writes = 0;
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          writes += chunk.toString().split('\n').length - 1;
          // Let a few writes complete, then kill during a later one, at a different point each round.
          if (writes >= 2 + round) {
            setTimeout(
              () => {
                child.kill('SIGKILL');
                resolve();
              },
              3 + 7 * round,
            );
          }
        });
        child.on('exit', (code) =>
          writes < 2 + round ? reject(new Error(`writer exited early with ${code}`)) : undefined,
        );
      });
      await exited;
      const contents = await readFile(target);
      assert.equal(contents.length, PAYLOAD, `round ${round}: file length`);
      const first = contents[0];
      assert.ok(first === 0x41 || first === 0x42);
      assert.equal(contents.indexOf(first === 0x41 ? 0x42 : 0x41), -1, `round ${round}: mixed payloads`);
      assert.ok(
        contents.every((b) => b === first),
        `round ${round}: foreign bytes`,
      );
      const leftovers = (await readdir(dir)).filter(
        (n) => n.includes(`killed-${round}`) && n !== `killed-${round}.bin`,
      );
      for (const name of leftovers) assert.match(name, /^\.killed-\d\.bin\.\d+\.[0-9a-f]{8}\.[0-9a-f]{12}\.tmp$/);
    }
  });
});
