import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  readSafetensors,
  readSafetensorsHeader,
  decodeSafetensors,
} from '../../../src/core/store/safetensors/readSafetensors';
import {
  encodeSafetensors,
  naturalCompare,
  writeSafetensors,
} from '../../../src/core/store/safetensors/writeSafetensors';
import type { Tensor } from '../../../src/core/store/safetensors/dtypes';
import { bytesOf, expectError, tempFolder } from './storeTestUtils';

/** IEEE-754 bit patterns a float round trip must keep: NaN payloads (quiet, signalling, negative), ±Inf, -0, subnormals. */
const F32_BITS = [
  0x7fc00000, 0x7fc00001, 0x7f800001, 0xffc12345, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x3f800000,
  0xc0490fdb,
];
const F64_BITS = [
  0x7ff8000000000000n,
  0x7ff0000000000001n,
  0xfff8dead0000beefn,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x8000000000000000n,
  1n,
  0x3ff0000000000000n,
];

function f32FromBits(bits: number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

function f64FromBits(bits: bigint[]): Float64Array {
  return new Float64Array(BigUint64Array.from(bits).buffer);
}

function sampleTensors(): Map<string, Tensor> {
  return new Map<string, Tensor>([
    ['floats', { dtype: 'F32', shape: [2, 5], data: f32FromBits(F32_BITS) }],
    ['doubles', { dtype: 'F64', shape: [8], data: f64FromBits(F64_BITS) }],
    ['longs', { dtype: 'I64', shape: [3], data: BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, -1n]) }],
    ['bytes', { dtype: 'U8', shape: [1, 3], data: Uint8Array.from([0, 127, 255]) }],
    ['ints', { dtype: 'I32', shape: [2], data: Int32Array.from([-2147483648, 2147483647]) }],
    ['halves', { dtype: 'F16', shape: [3], data: Uint16Array.from([0x7c01, 0x8000, 0x3c00]) }],
    ['brains', { dtype: 'BF16', shape: [2], data: Uint16Array.from([0x7fc1, 0xff80]) }],
    ['flags', { dtype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) }],
    ['scalar', { dtype: 'F32', shape: [], data: Float32Array.from([42]) }],
    ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
  ]);
}

describe('safetensors writer and reader', () => {
  let dir = '';
  let remove = async () => {};
  before(async () => ({ dir, remove } = await tempFolder('safetensors')));
  after(() => remove());

  it('round-trips every dtype bit for bit, NaN payloads, infinities and -0 included', async () => {
    const file = join(dir, 'all.safetensors');
    const tensors = sampleTensors();
    await writeSafetensors(file, tensors, { note: 'round trip', π: 'ünïcödé' });
    const read = await readSafetensors(file);
    assert.deepEqual([...read.tensors.keys()].sort(), [...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const got = read.tensors.get(name);
      assert.ok(got, name);
      assert.equal(got.dtype, t.dtype, name);
      assert.deepEqual(got.shape, t.shape, name);
      assert.equal(got.data.constructor, t.data.constructor, name);
      assert.deepEqual(bytesOf(got.data), bytesOf(t.data), name);
    }
    assert.deepEqual(read.metadata, { note: 'round trip', π: 'ünïcödé' });
    const f = read.tensors.get('floats')!.data as Float32Array;
    assert.ok(Object.is(f[6], -0) && f[4] === Infinity && f[5] === -Infinity && Number.isNaN(f[1]));
  });

  it('reports the SHA-256 of the whole file from the writer and the reader alike', async () => {
    const file = join(dir, 'hash.safetensors');
    const written = await writeSafetensors(file, sampleTensors());
    const onDisk = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    assert.equal(written.sha256, onDisk);
    assert.equal((await readSafetensors(file)).sha256, onDisk);
    assert.equal(decodeSafetensors(await readFile(file), file).sha256, onDisk);
  });

  it('writes the same bytes whatever order the tensors come in, in natural name order, header padded to 8 bytes', () => {
    const a = new Map<string, Tensor>();
    const names = ['10.weight', '2.bias', '2.weight', '10.bias', '1.weight'];
    names.forEach((n, i) => a.set(n, { dtype: 'F32', shape: [1], data: Float32Array.from([i]) }));
    const b = new Map([...a].reverse());
    const x = Buffer.concat(encodeSafetensors(a, { k: 'v' }).chunks);
    const y = Buffer.concat(encodeSafetensors(b, { k: 'v' }).chunks);
    assert.deepEqual(x, y);
    const n = Number(x.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const headerText = x.subarray(8, 8 + n).toString('utf8');
    assert.match(headerText, /^\{.*\} *$/);
    const header = JSON.parse(headerText) as Record<string, { data_offsets: [number, number] }>;
    const order = Object.keys(header)
      .filter((k) => k !== '__metadata__')
      .sort((p, q) => header[p].data_offsets[0] - header[q].data_offsets[0]);
    assert.deepEqual(order, ['1.weight', '2.bias', '2.weight', '10.bias', '10.weight']);
    assert.ok(naturalCompare('2.weight', '10.weight') < 0 && naturalCompare('layer.b', 'layer.a') > 0);
  });

  it('reads a file laid out by hand from the format description, with an unpadded header', async () => {
    const header = Buffer.from(
      '{"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}}',
    );
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    const data = Buffer.alloc(16);
    data.writeFloatLE(1.5, 0);
    data.writeFloatLE(-2, 4);
    data.writeBigInt64LE(-5n, 8);
    const file = join(dir, 'by-hand.safetensors');
    await writeFile(file, Buffer.concat([prefix, header, data]));
    const read = await readSafetensors(file);
    assert.deepEqual([...read.tensors.keys()], ['a', 'b']);
    assert.deepEqual([...(read.tensors.get('a')!.data as Float32Array)], [1.5, -2]);
    assert.deepEqual([...(read.tensors.get('b')!.data as BigInt64Array)], [-5n]);
    assert.deepEqual(read.metadata, { format: 'pt' });
    const onlyHeader = await readSafetensorsHeader(file);
    assert.equal(onlyHeader.headerLength, header.length);
    assert.deepEqual(
      onlyHeader.tensors.map((t) => [t.name, t.begin, t.end]),
      [
        ['a', 0, 8],
        ['b', 8, 16],
      ],
    );
  });

  it('refuses to write a tensor whose data does not match its dtype or shape', async () => {
    await assert.rejects(
      writeSafetensors(join(dir, 'bad.safetensors'), { w: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }),
      expectError('BAD_INPUT', 'tensor "w".shape', '[2,2] has 4 elements but the data has 3'),
    );
    await assert.rejects(
      writeSafetensors(join(dir, 'bad.safetensors'), { w: { dtype: 'F64', shape: [2], data: new Float32Array(2) } }),
      expectError('BAD_INPUT', 'a F64 tensor needs a Float64Array, got Float32Array'),
    );
  });

  it('says NOT_FOUND for a missing file', async () => {
    await assert.rejects(readSafetensors(join(dir, 'nope.safetensors')), expectError('NOT_FOUND', 'nope.safetensors'));
  });
});
