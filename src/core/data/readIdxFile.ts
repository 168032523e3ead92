import { InvertscopeError } from '../errors';
import { openRegularFile } from '../files/openRegularFile';
import { describeDims, describeMagic, type IdxHeader } from './idxFormat';
import { IdxContent } from './idxContent';
import { formatCount } from '../../shared/formatNumber';

/**
 * The most items (images or labels) one IDX file may hold: 500,000 28×28
 * images are 392 MB of bytes and 1.6 GB as the float32 Invertscope trains on,
 * eight times the 60,000 of MNIST's training set and twice EMNIST Digits'.
 */
const MAX_IDX_ITEMS = 500_000;

export interface IdxFile {
  readonly header: IdxHeader;
  /** The elements after the header, exactly as many as the header promises. */
  readonly data: Uint8Array;
}

/**
 * Reads an unsigned-byte IDX file, plain or gzipped, trusting nothing in it:
 * the header is read first and checked (the magic number, the item count
 * against MAX_IDX_ITEMS, and whatever `checkHeader` requires) before the data
 * is allocated; then exactly the bytes the header promises are read or
 * inflated, and a file that holds more or fewer is refused. So a gzip stream
 * that inflates to gigabytes is stopped right after the bytes it promised.
 *
 * @throws InvertscopeError BAD_INPUT for a different magic number, too many
 *   items or what checkHeader refuses; CORRUPT for a file shorter or longer
 *   than its header says or a damaged gzip stream; NOT_FOUND for a missing file.
 */
export async function readIdxFile(
  file: string,
  expectedMagic: number,
  checkHeader: (header: IdxHeader) => void = () => undefined,
): Promise<IdxFile> {
  const { handle, size } = await openRegularFile(file, { what: 'IDX file' });
  let content: IdxContent | null = null;
  try {
    content = await IdxContent.open(handle, size, file);
    const header = await readHeader(content, file, expectedMagic);
    const count = header.dims[0] ?? 1;
    if (count > MAX_IDX_ITEMS) {
      const items = header.dims.length === 1 ? 'labels' : header.dims.length === 3 ? 'images' : 'items';
      throw new InvertscopeError(
        'BAD_INPUT',
        `${file}: count: ${count} ${items} is above the maximum of ${formatCount(MAX_IDX_ITEMS)} Invertscope reads from one file`,
        {
          file,
          field: 'count',
          value: count,
        },
      );
    }
    checkHeader(header);
    const expectedLength = header.dataOffset + header.dims.reduce((a, b) => a * b, 1);
    if (content.knownSize !== null && content.knownSize !== expectedLength)
      throw lengthMismatch(file, header, expectedLength, content.knownSize);
    const data = new Uint8Array(expectedLength - header.dataOffset);
    const got = await content.readInto(data);
    if (got < data.length) throw lengthMismatch(file, header, expectedLength, header.dataOffset + got);
    if (await content.hasMore()) {
      throw new InvertscopeError(
        'CORRUPT',
        `${file}: inflates to more than the ${expectedLength} bytes its header promises (${describeDims(header.dims)})`,
        {
          file,
          field: 'length',
          value: expectedLength,
        },
      );
    }
    return { header, data };
  } finally {
    content?.close();
    await handle.close();
  }
}

async function readHeader(content: IdxContent, file: string, expectedMagic: number): Promise<IdxHeader> {
  const head = new Uint8Array(4);
  const got = await content.readInto(head);
  if (got < 4) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: truncated: ${got} bytes present, the IDX magic number alone needs 4`,
      { file, field: 'length', value: got },
    );
  }
  const magic = new DataView(head.buffer).getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `${file}: wrong magic number: expected ${describeMagic(expectedMagic)}, found ${describeMagic(magic)}`,
      {
        file,
        field: 'magic',
        value: magic,
      },
    );
  }
  const rank = magic & 0xff;
  const dataOffset = 4 + 4 * rank;
  const sizes = new Uint8Array(4 * rank);
  const present = await content.readInto(sizes);
  if (present < sizes.length) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: truncated: header needs ${dataOffset} bytes, ${4 + present} present`,
      { file, field: 'length', value: 4 + present },
    );
  }
  const view = new DataView(sizes.buffer);
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 * d, false));
  return { magic, dims, dataOffset };
}

function lengthMismatch(file: string, header: IdxHeader, expected: number, present: number): InvertscopeError {
  const promise = `header promises ${describeDims(header.dims)}, ${expected} bytes expected, ${present} present`;
  return present < expected
    ? new InvertscopeError('CORRUPT', `${file}: truncated: ${promise}`, { file, field: 'length', value: present })
    : new InvertscopeError('CORRUPT', `${file}: ${present - expected} bytes after the data: ${promise}`, {
        file,
        field: 'length',
        value: present,
      });
}
