import type { FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InvertscopeError } from '../errors';

/** Every gzip stream starts with these two bytes (RFC 1952, ID1 ID2). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

const CHUNK = 1 << 20;

/**
 * The content of an opened file, plain or gzipped, as chunks pulled on demand:
 * a reader that stops pulling stops the reading and the inflating, so a small
 * .gz that inflates to gigabytes costs only what was asked for. The content
 * decides, not the name; a ".gz" name whose content is not gzip is reported,
 * because the file is then not what the user thinks it is.
 */
export class IdxContent {
  private readonly chunks: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private ended = false;

  private constructor(
    private readonly file: string,
    chunks: AsyncIterable<Uint8Array>,
    /** The content's size when it is known without reading it (a plain file), else null. */
    readonly knownSize: number | null,
    readonly gzip: boolean,
    private readonly stop: () => void,
  ) {
    this.chunks = chunks[Symbol.asyncIterator]();
  }

  static async open(handle: FileHandle, size: number, file: string): Promise<IdxContent> {
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    const gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
    if (gzip) {
      const input = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 64 * 1024 });
      const gunzip = createGunzip({ chunkSize: 64 * 1024 });
      input.on('error', (error) => gunzip.destroy(error));
      input.pipe(gunzip);
      const stop = () => {
        input.unpipe(gunzip);
        input.destroy();
        gunzip.destroy();
      };
      return new IdxContent(file, gunzip as AsyncIterable<Uint8Array>, null, true, stop);
    }
    if (file.toLowerCase().endsWith('.gz')) {
      const head = new Uint8Array(4);
      const got = (await handle.read(head, 0, 4, 0)).bytesRead;
      const shown = Array.from(head.subarray(0, got), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new InvertscopeError(
        'BAD_INPUT',
        `${file}: named .gz but is not gzip: first bytes ${shown || '(empty file)'}, gzip starts with 1f 8b`,
        {
          file,
          field: 'gzip',
          value: shown,
        },
      );
    }
    return new IdxContent(file, plainChunks(handle, size), size, false, () => undefined);
  }

  /**
   * Fills `target` from the content; returns how many bytes arrived (fewer
   * only when the content ended).
   */
  async readInto(target: Uint8Array): Promise<number> {
    let done = 0;
    while (done < target.length) {
      if (this.pending.length === 0 && !(await this.pull())) break;
      const n = Math.min(this.pending.length, target.length - done);
      target.set(this.pending.subarray(0, n), done);
      this.pending = this.pending.subarray(n);
      done += n;
    }
    return done;
  }

  /** Whether any byte follows what was read so far (pulls at most one more chunk). */
  async hasMore(): Promise<boolean> {
    return this.pending.length > 0 || (await this.pull());
  }

  /** Stops reading and inflating; what was not read is never produced. */
  close(): void {
    this.stop();
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    let next: IteratorResult<Uint8Array>;
    try {
      next = await this.chunks.next();
    } catch (error) {
      this.ended = true;
      if (error instanceof InvertscopeError) throw error;
      throw new InvertscopeError(
        'CORRUPT',
        `${this.file}: corrupt gzip stream (${(error as Error).message})`,
        { file: this.file, field: 'gzip' },
        { cause: error },
      );
    }
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.pending = next.value;
    return true;
  }
}

async function* plainChunks(handle: FileHandle, size: number): AsyncGenerator<Uint8Array> {
  for (let position = 0; position < size;) {
    const buffer = new Uint8Array(Math.min(CHUNK, size - position));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}
