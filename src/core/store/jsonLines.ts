import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InvertscopeError } from '../errors';
import { fileSystemError } from '../files/fsError';
import { openRegularFile } from '../files/openRegularFile';
import { parseBoundedJson } from './jsonLimits';
import { corrupt } from './storeErrors';

/** The longest unterminated tail that appendJsonLines treats as a record cut short by a crash. */
const MAX_PARTIAL_LINE = 1024 * 1024;

/**
 * Appends one JSON value per line in a single write, then flushes it to disk.
 * A record exists once its newline is written. A crash can leave the last line
 * without one; if that tail is a complete record it gets its newline, otherwise
 * (a record cut short) it is cut off, so that the new lines never join it.
 */
export async function appendJsonLines(
  file: string,
  values: readonly unknown[],
  isRecord: (text: string) => boolean,
): Promise<void> {
  if (values.length === 0) return;
  const handle = await openForAppending(file);
  try {
    let prefix = '';
    const { size } = await handle.stat();
    if (size > 0) {
      const tail = await unterminatedTail(handle, size, file);
      if (tail) {
        if (isRecord(tail.text)) prefix = '\n';
        else await handle.truncate(tail.start);
      }
    }
    const text = prefix + values.map((v) => `${JSON.stringify(v)}\n`).join('');
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

const APPEND_FLAGS =
  constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Opens (or creates) a metrics file to append to, refusing a link, a folder or a pipe. */
async function openForAppending(file: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file, APPEND_FLAGS, 0o666);
  } catch (error) {
    throw fileSystemError(error, file, 'appending to the metrics file');
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new InvertscopeError('BAD_INPUT', `${file}: the metrics file is not a regular file`, {
      file,
      field: 'metrics file',
    });
  }
  return handle;
}

async function unterminatedTail(
  handle: FileHandle,
  size: number,
  file: string,
): Promise<{ start: number; text: string } | null> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return null;
  const span = Math.min(size, MAX_PARTIAL_LINE);
  const buffer = Buffer.alloc(span);
  await handle.read(buffer, 0, span, size - span);
  const newline = buffer.lastIndexOf(0x0a);
  if (newline < 0 && span < size) {
    throw corrupt(
      file,
      `byte ${size - span}`,
      `the file ends with more than ${MAX_PARTIAL_LINE} bytes without a newline; not a metrics file written by Invertscope`,
      span,
    );
  }
  return { start: size - span + newline + 1, text: buffer.subarray(newline + 1).toString('utf8') };
}

export interface JsonLinesRead<T> {
  readonly records: T[];
  /** Lines that are complete (newline-terminated) but not valid records. `line` is 1-based. */
  readonly badLines: { readonly line: number; readonly message: string }[];
  /** The file ends with an incomplete line: a crash during an append, or an append in progress. */
  readonly truncatedLastLine: boolean;
  /** Where to continue reading when the file grows: after the last record, before an incomplete line. */
  readonly nextOffset: number;
  readonly nextLine: number;
}

export interface JsonLinesReadOptions {
  /** A byte offset from an earlier read's nextOffset, with its nextLine. */
  readonly fromOffset?: number;
  readonly fromLine?: number;
}

export async function readJsonLines<T>(
  file: string,
  parse: (value: unknown, where: string) => T,
  options: JsonLinesReadOptions = {},
): Promise<JsonLinesRead<T>> {
  const from = options.fromOffset ?? 0;
  let data: Buffer;
  // Not a link, a folder or a pipe: a metrics file lives inside a run folder.
  const { handle, size } = await openRegularFile(file, { noFollow: true, what: 'metrics file' });
  try {
    data = Buffer.alloc(Math.max(0, size - from));
    let done = 0;
    while (done < data.length) {
      const { bytesRead } = await handle.read(data, done, data.length - done, from + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    data = data.subarray(0, done);
  } finally {
    await handle.close();
  }

  const records: T[] = [];
  const badLines: { line: number; message: string }[] = [];
  let line = options.fromLine ?? 1;
  let start = 0;
  const parseLine = (text: string): T => parse(parseBoundedJson(text, file, `line ${line}`), `line ${line}`);
  for (let end = data.indexOf(0x0a, start); end >= 0; end = data.indexOf(0x0a, start)) {
    const text = data.toString('utf8', start, end).replace(/\r$/, '');
    if (text.trim().length > 0) {
      try {
        records.push(parseLine(text));
      } catch (error) {
        badLines.push({ line, message: `${file}: line ${line}: ${describeBadLine(error)}` });
      }
    }
    line++;
    start = end + 1;
  }
  let truncatedLastLine = false;
  if (start < data.length) {
    try {
      records.push(parseLine(data.toString('utf8', start)));
      line++;
      start = data.length;
    } catch {
      truncatedLastLine = true;
    }
  }
  return { records, badLines, truncatedLastLine, nextOffset: from + start, nextLine: line };
}

function describeBadLine(error: unknown): string {
  if (error instanceof SyntaxError) return `not valid JSON (${error.message})`;
  // Validation errors already start with "<file>: line N."; keep only what follows.
  return error instanceof Error ? error.message.replace(/^.*?: line \d+\.?/, '').replace(/^:\s*/, '') : String(error);
}
