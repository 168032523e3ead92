import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MNIST_IDX_NAMES, type IdxRole } from '../../../../src/core/data/idxFormat';
import type { Rng } from '../../../../src/core/random/rng';
import { idxImages, idxLabels, writeMnistFolder } from '../../data/idxFixtures';
import { writeGzipOfZeros } from '../builders';
import type { BuiltCase, HostileCase } from './hostileCase';

const ROLES = Object.keys(MNIST_IDX_NAMES) as IdxRole[];
const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];
const MiB = 2 ** 20;

interface Damage {
  /** The file (of the four) to replace, and its new bytes before any gzip. */
  readonly role: IdxRole;
  readonly bytes: (original: Buffer) => Buffer | Promise<Buffer>;
  /** What the error must name besides the file. */
  readonly mentions: string[];
  /** Write these bytes as they are even in a gzipped folder (already gzip, or deliberately not). */
  readonly raw?: boolean;
}

function idxCase(gzip: boolean, name: string, rng: Rng, damage: (rng: Rng, gzip: boolean) => Damage): HostileCase {
  return {
    family: gzip ? 'idx.gz' : 'idx',
    name,
    status: 3,
    async build(folder: string): Promise<BuiltCase> {
      const data = join(folder, 'data');
      mkdirSync(data);
      const fixture = writeMnistFolder(data, { gzip, trainCount: 12, testCount: 5, seed: 1 + rng.int(1000) });
      const d = damage(rng, gzip);
      const file = fixture.paths[d.role];
      const plain = gzip ? gunzipSync(readFileSync(file)) : readFileSync(file);
      const changed = await d.bytes(plain);
      writeFileSync(file, gzip && !d.raw ? gzipSync(changed) : changed);
      return {
        args: ['train', '--data', data, '--epochs', '1', '--backend', 'wasm', '--runs', join(folder, 'runs')],
        mentions: [file, ...d.mentions],
      };
    },
  };
}

/** Damage that any IDX file, plain or gzipped, can suffer. */
function commonDamage(rng: Rng, gzip: boolean): Damage {
  const role = pick(rng, ROLES);
  const images = role === 'trainImages' || role === 'testImages';
  const kind = rng.int(8);
  switch (kind) {
    case 0: {
      const magic = ((rng.int(2 ** 16) << 16) | rng.int(2 ** 16)) >>> 0;
      const bad = magic === IDX_IMAGES_MAGIC || magic === IDX_LABELS_MAGIC ? magic + 1 : magic;
      return {
        role,
        bytes: (b) => {
          const c = Buffer.from(b);
          c.writeUInt32BE(bad, 0);
          return c;
        },
        mentions: ['wrong magic number'],
      };
    }
    case 1:
      return {
        role,
        bytes: (b) => {
          const c = Buffer.from(b);
          c.writeUInt32BE(images ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC, 0);
          return c;
        },
        mentions: ['wrong magic number'],
      };
    case 2:
      return { role, bytes: (b) => b.subarray(0, rng.int(b.length)), mentions: ['truncated'] };
    case 3:
      return {
        role,
        bytes: (b) => Buffer.concat([b, Buffer.alloc(1 + rng.int(5000), rng.int(256))]),
        mentions: [gzip ? 'inflates to more than' : 'after the data'],
      };
    case 4: {
      const count = 500_001 + rng.int(2 ** 31);
      return {
        role,
        bytes: (b) => {
          const c = Buffer.from(b);
          c.writeUInt32BE(count, 4);
          return c;
        },
        mentions: ['count', String(count), 'above the maximum'],
      };
    }
    case 5: {
      if (!images) {
        const at = rng.int(role === 'trainLabels' ? 12 : 5);
        const label = 10 + rng.int(246);
        return {
          role,
          bytes: (b) => {
            const c = Buffer.from(b);
            c[8 + at] = label;
            return c;
          },
          mentions: [`label ${at} is ${label}`],
        };
      }
      const side = pick(rng, [27, 29, 1, 0, 784]);
      return {
        role,
        mentions: ['images are', `${side}×${side}`],
        bytes: (b) => {
          const count = b.readUInt32BE(4);
          return idxImages(Buffer.alloc(count * side * side), count, side, side);
        },
      };
    }
    case 6: {
      // One image or label fewer than its partner file holds.
      return {
        role,
        bytes: (b) =>
          images
            ? idxImages(b.subarray(16, b.length - 784), b.readUInt32BE(4) - 1)
            : idxLabels(b.subarray(8, b.length - 1)),
        mentions: ['the counts must match'],
      };
    }
    default:
      return { role, bytes: () => Buffer.alloc(rng.int(4)), mentions: ['truncated'] };
  }
}

/** Damage only a gzip stream can have. */
function gzipDamage(rng: Rng): Damage {
  const role = pick(rng, ROLES);
  const images = role === 'trainImages' || role === 'testImages';
  switch (rng.int(4)) {
    case 0:
      // A flipped byte inside the deflate data (never in the gzip header's free fields, nor the final partial byte): the CRC or the inflater objects.
      // Refused as a corrupt stream, or as more or less than the header promises, depending on what the flip decodes to.
      return {
        role,
        raw: true,
        mentions: [],
        bytes: (b) => {
          const g = gzipSync(b);
          g[10 + rng.int(g.length - 20)] ^= 1 + rng.int(255);
          return g;
        },
      };
    case 1:
      return {
        role,
        raw: true,
        mentions: ['corrupt gzip stream'],
        bytes: (b) => {
          const g = gzipSync(b);
          return g.subarray(0, 10 + rng.int(g.length - 10));
        },
      };
    case 2: {
      // A bomb: a valid header promising the file's own count, then megabytes of zeros.
      const zeros = (1 + rng.int(64)) * MiB;
      return {
        role,
        raw: true,
        mentions: ['inflates to more than'],
        bytes: async (b) => {
          const tmp = join(tmpdir(), `invertscope-bomb-${process.pid}-${rng.int(1e9)}.gz`);
          await writeGzipOfZeros(tmp, b, zeros);
          const out = readFileSync(tmp);
          rmSync(tmp);
          return out;
        },
      };
    }
    default: {
      const count = 500_001 + rng.int(2 ** 31);
      const header = images ? idxImages(Buffer.alloc(0), count) : idxLabels(Buffer.alloc(0), count);
      return {
        role,
        raw: true,
        mentions: ['count', String(count)],
        bytes: () => gzipSync(Buffer.concat([header, Buffer.alloc(4096)])),
      };
    }
  }
}

/** About 50 damaged IDX folders (plain and gzipped), each refused by `invertscope train --data` naming the file. */
export function idxCases(rng: Rng): HostileCase[] {
  const cases: HostileCase[] = [];
  for (let i = 0; i < 20; i++)
    cases.push(idxCase(false, `plain IDX damage #${i + 1}`, rng.fork(`plain-${i}`), commonDamage));
  for (let i = 0; i < 12; i++)
    cases.push(idxCase(true, `gzipped IDX damage #${i + 1}`, rng.fork(`gz-${i}`), commonDamage));
  for (let i = 0; i < 12; i++)
    cases.push(idxCase(true, `gzip stream damage #${i + 1}`, rng.fork(`gzs-${i}`), gzipDamage));
  cases.push({
    family: 'idx.gz',
    name: 'a .gz name on a plain file',
    status: 3,
    build(folder: string): BuiltCase {
      const data = join(folder, 'data');
      mkdirSync(data);
      const fixture = writeMnistFolder(data, { gzip: true, trainCount: 12, testCount: 5 });
      writeFileSync(fixture.paths.testLabels, idxLabels(fixture.test.labels));
      return {
        args: ['train', '--data', data, '--epochs', '1', '--backend', 'wasm', '--runs', join(folder, 'runs')],
        mentions: [fixture.paths.testLabels, 'not gzip'],
      };
    },
  });
  return cases;
}
