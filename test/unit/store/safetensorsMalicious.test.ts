import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors, readSafetensors } from '../../../src/core/store/safetensors/readSafetensors';
import { encodeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import { expectError, tempFolder } from './storeTestUtils';

/** length field + header text + data, with the length field free to lie. */
function fileBytes(header: string | object, data: Buffer = Buffer.alloc(0), lengthField?: bigint): Buffer {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(lengthField ?? BigInt(text.length));
  return Buffer.concat([prefix, text, data]);
}

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

describe('safetensors reader on damaged and hostile files', () => {
  let dir = '';
  let remove = async () => {};
  let counter = 0;
  before(async () => ({ dir, remove } = await tempFolder('hostile')));
  after(() => remove());

  async function put(bytes: Buffer): Promise<string> {
    const file = join(dir, `case-${++counter}.safetensors`);
    await writeFile(file, bytes);
    return file;
  }

  /** Reads the file and checks the CORRUPT error names the file and matches the patterns. */
  async function rejects(bytes: Buffer, ...patterns: (RegExp | string)[]): Promise<void> {
    const file = await put(bytes);
    await assert.rejects(readSafetensors(file), expectError('CORRUPT', file, ...patterns));
  }

  it('rejects a header length of 2^53 in a 100-byte file before allocating anything', async () => {
    const bytes = Buffer.concat([fileBytes('{}', Buffer.alloc(90), 2n ** 53n)]).subarray(0, 100);
    const before = process.memoryUsage().arrayBuffers;
    await rejects(bytes, 'header length', '9007199254740992 bytes is more than the 92 bytes after the length field');
    assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024);
  });

  it('rejects a header length of 2^64 - 1', async () => {
    await rejects(fileBytes('{}', Buffer.alloc(8), 2n ** 64n - 1n), '18446744073709551615 bytes is more than');
  });

  it('rejects a header length just past the end of the file', async () => {
    const good = fileBytes({ a: f32(0, 4) }, Buffer.alloc(4));
    const n = BigInt(good.readBigUInt64LE(0));
    const lying = Buffer.from(good);
    lying.writeBigUInt64LE(n + 5n);
    await rejects(lying, `${n + 5n} bytes is more than the ${good.length - 8} bytes`);
  });

  it('rejects a header above the size limit even when the file is that large, without reading it', async () => {
    const file = join(dir, 'sparse.safetensors');
    const handle = await open(file, 'w');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(16 * 1024 * 1024 + 8));
    await handle.write(prefix, 0, 8, 0);
    // A sparse file: 16 MB on paper, nothing on disk.
    await handle.truncate(16 * 1024 * 1024 + 64);
    await handle.close();
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(
      readSafetensors(file),
      expectError(
        'CORRUPT',
        file,
        'header length',
        `${16 * 1024 * 1024 + 8} bytes is above the limit of ${16 * 1024 * 1024}`,
      ),
    );
    assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024);
  });

  it('rejects a file shorter than the length field', async () => {
    await rejects(Buffer.from([1, 2, 3]), 'the file is 3 bytes, shorter than the 8-byte header length');
    await rejects(Buffer.alloc(0), 'the file is 0 bytes');
  });

  it('rejects a header that is not JSON, not UTF-8, or not an object', async () => {
    await rejects(fileBytes('{"a": {'), 'header: is not valid JSON', '{\\"a\\": {');
    await rejects(fileBytes(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1')), 'header: is not valid JSON');
    const notUtf8 = Buffer.concat([Buffer.alloc(8), Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])]);
    notUtf8.writeBigUInt64LE(8n);
    await rejects(notUtf8, 'header: is not valid UTF-8');
    await rejects(fileBytes('[1,2]'), 'header: must be a JSON object, got [1,2]');
    await rejects(fileBytes('null'), 'header: must be a JSON object, got null');
  });

  it('rejects entries that are not objects or carry unknown fields', async () => {
    await rejects(fileBytes({ w: [0, 4] }), 'tensor "w": must be an object {dtype, shape, data_offsets}, got [0,4]');
    await rejects(fileBytes({ w: 'F32' }), 'tensor "w": must be an object', '"F32"');
    await rejects(
      fileBytes({ w: { ...f32(0, 4), extra: 1 } }, Buffer.alloc(4)),
      'tensor "w".extra: is not a safetensors field',
    );
  });

  it('rejects an unknown dtype, naming it', async () => {
    await rejects(
      fileBytes({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, Buffer.alloc(16)),
      'tensor "w".dtype',
      'unknown dtype "F128"',
    );
    await rejects(
      fileBytes({ w: { shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(4)),
      'tensor "w".dtype',
      'unknown dtype undefined',
    );
  });

  it('rejects negative, fractional and non-numeric dimensions', async () => {
    await rejects(
      fileBytes({ w: f32(0, 4, [-1, -4]) }, Buffer.alloc(4)),
      'tensor "w".shape[0]',
      'must be a non-negative integer, got -1 in shape [-1,-4]',
    );
    await rejects(fileBytes({ w: f32(0, 4, [0.5, 2]) }, Buffer.alloc(4)), 'tensor "w".shape[0]', 'got 0.5');
    await rejects(
      fileBytes({ w: f32(0, 4, ['1'] as unknown as number[]) }, Buffer.alloc(4)),
      'tensor "w".shape[0]',
      'got "1"',
    );
    await rejects(
      fileBytes({ w: { dtype: 'F32', shape: 4, data_offsets: [0, 4] } }, Buffer.alloc(4)),
      'tensor "w".shape: must be an array',
    );
  });

  it('rejects a shape whose size differs from its byte range, even when the product overflows', async () => {
    await rejects(
      fileBytes({ w: f32(0, 8, [784, 783]) }, Buffer.alloc(8)),
      'tensor "w".shape',
      '[784,783] of F32 needs more than 8 bytes but data_offsets [0, 8] hold 8',
    );
    await rejects(
      fileBytes({ w: f32(0, 8, [1]) }, Buffer.alloc(8)),
      '[1] of F32 needs 4 bytes but data_offsets [0, 8] hold 8',
    );
    const huge = 2 ** 52;
    await rejects(
      fileBytes({ w: f32(0, 8, [huge, huge, huge, 0]) }, Buffer.alloc(8)),
      'needs 0 bytes but data_offsets [0, 8] hold 8',
    );
    await rejects(fileBytes({ w: f32(0, 8, [huge, huge]) }, Buffer.alloc(8)), 'needs more than 8 bytes');
  });

  it('rejects offsets outside the buffer, begin after end, and malformed offsets', async () => {
    await rejects(
      fileBytes({ w: f32(0, 400) }, Buffer.alloc(8)),
      'tensor "w".data_offsets',
      '[0, 400] reaches outside the 8-byte data buffer',
    );
    await rejects(
      fileBytes({ w: f32(8, 4, [1]) }, Buffer.alloc(8)),
      'tensor "w".data_offsets',
      'begin 8 is after end 4',
    );
    await rejects(
      fileBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, Buffer.alloc(4)),
      'data_offsets: must be [begin, end], got [0]',
    );
    await rejects(
      fileBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, Buffer.alloc(4)),
      'data_offsets[0]: must be a non-negative integer, got -4',
    );
    await rejects(
      fileBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 2 ** 60] } }, Buffer.alloc(4)),
      'data_offsets[1]: must be a non-negative integer, got 1152921504606847000',
    );
  });

  it('rejects overlapping tensors, naming both', async () => {
    await rejects(
      fileBytes({ a: f32(0, 8), b: f32(4, 12) }, Buffer.alloc(12)),
      'tensor "b".data_offsets',
      '[4, 12] overlaps tensor "a" at [0, 8]',
    );
    await rejects(fileBytes({ a: f32(0, 8), b: f32(0, 8) }, Buffer.alloc(8)), 'overlaps tensor');
  });

  it('rejects holes in the buffer and bytes no tensor claims', async () => {
    await rejects(
      fileBytes({ a: f32(0, 4), b: f32(8, 12) }, Buffer.alloc(12)),
      'tensor "b".data_offsets',
      'leaves a hole: bytes [4, 8]',
    );
    await rejects(fileBytes({ a: f32(4, 8) }, Buffer.alloc(8)), 'leaves a hole: bytes [0, 4]');
    await rejects(
      fileBytes({ a: f32(0, 4) }, Buffer.alloc(12)),
      'data buffer',
      'is 12 bytes but the tensors account for 4; 8 bytes at the end belong to no tensor',
    );
    await rejects(fileBytes({}, Buffer.alloc(3)), 'data buffer', 'is 3 bytes but the tensors account for 0');
  });

  it('rejects duplicate tensor names and duplicate fields that JSON.parse would hide', async () => {
    const two =
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    await rejects(fileBytes(two, Buffer.alloc(8)), 'tensor "w": appears more than once in the header');
    const field = '{"w":{"dtype":"F32","shape":[1],"shape":[2],"data_offsets":[0,4]}}';
    await rejects(fileBytes(field, Buffer.alloc(4)), 'tensor "w": has the key "shape" more than once');
    const escaped =
      '{"a\\u0062":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"ab":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}';
    await rejects(fileBytes(escaped, Buffer.alloc(2)), 'tensor "ab": appears more than once');
    const meta = '{"__metadata__":{"k":"1","k":"2"}}';
    await rejects(fileBytes(meta), '__metadata__: has the key "k" more than once');
  });

  it('rejects metadata that is not an object of strings', async () => {
    await rejects(fileBytes({ __metadata__: { epoch: 3 } }), '__metadata__["epoch"]: must be a string, got 3');
    await rejects(fileBytes({ __metadata__: { nested: { a: 'b' } } }), '__metadata__["nested"]: must be a string');
    await rejects(fileBytes({ __metadata__: ['a'] }), '__metadata__: must be an object of strings');
  });

  it('rejects a valid file cut short in its data, and in its header', async () => {
    const whole = Buffer.concat(
      encodeSafetensors({ w: { dtype: 'F32', shape: [4], data: new Float32Array(4) } }).chunks,
    );
    await rejects(whole.subarray(0, whole.length - 1), 'reaches outside the 15-byte data buffer');
    await rejects(whole.subarray(0, 20), 'header length', 'is more than the 12 bytes after the length field');
  });

  it('applies the same checks to bytes in memory', () => {
    assert.throws(
      () => decodeSafetensors(fileBytes('{}', Buffer.alloc(4), 2n ** 53n), 'download'),
      expectError('CORRUPT', 'download: header length'),
    );
    assert.throws(
      () => decodeSafetensors(fileBytes({ a: f32(0, 8), b: f32(4, 12) }, Buffer.alloc(12)), 'download'),
      expectError('CORRUPT', 'overlaps'),
    );
  });
});
