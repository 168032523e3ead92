import { numberFromJson } from '../../shared/jsonNumbers';
import { InvertscopeError } from '../errors';
import type { Precision } from './types';

export type Json = unknown;

/** Walks untrusted JSON, naming the path of the first thing that is wrong. */
export class Reader {
  constructor(private readonly where: string) {}

  fail(path: string, expected: string, got: Json): never {
    const shown = JSON.stringify(got);
    throw new InvertscopeError(
      'CORRUPT',
      `${this.where}: ${path} must be ${expected}, got ${shown === undefined ? 'nothing' : shown.slice(0, 60)}`,
      { file: this.where, field: path },
    );
  }

  object(v: Json, path: string): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, 'an object', v);
    return v as Record<string, Json>;
  }

  array(v: Json, path: string, length?: number): Json[] {
    if (!Array.isArray(v)) return this.fail(path, 'an array', v);
    if (length !== undefined && v.length !== length) return this.fail(`${path}.length`, String(length), v.length);
    return v;
  }

  number(v: Json, path: string): number {
    return numberFromJson(v) ?? this.fail(path, 'a number', v);
  }

  integer(v: Json, path: string): number {
    const n = this.number(v, path);
    return Number.isSafeInteger(n) ? n : this.fail(path, 'an integer', v);
  }

  string(v: Json, path: string): string {
    return typeof v === 'string' ? v : this.fail(path, 'a string', v);
  }

  boolean(v: Json, path: string): boolean {
    return typeof v === 'boolean' ? v : this.fail(path, 'true or false', v);
  }

  oneOf<T extends string>(v: Json, path: string, values: readonly T[]): T {
    return values.includes(v as T) ? (v as T) : this.fail(path, values.map((x) => JSON.stringify(x)).join(' or '), v);
  }

  numbers(v: Json, path: string, length?: number): number[] {
    return this.array(v, path, length).map((x, i) => this.number(x, `${path}[${i}]`));
  }

  strings(v: Json, path: string): string[] {
    return this.array(v, path).map((x, i) => this.string(x, `${path}[${i}]`));
  }

  perPrecision<T>(v: Json, path: string, read: (x: Json, path: string) => T): Record<Precision, T> {
    const o = this.object(v, path);
    return { float32: read(o.float32, `${path}.float32`), float64: read(o.float64, `${path}.float64`) };
  }
}

/**
 * One object of untrusted JSON whose reads name only the field: the path in an error
 * ("reconstruction.examples[3].float32") is derived from where the object sits.
 *
 * @example
 *   const layer = JsonObject.root(new Reader(file), raw, 'analysis').objects('layers', (l) => l.number('cond'));
 */
export class JsonObject {
  private constructor(
    readonly reader: Reader,
    readonly path: string,
    readonly raw: Record<string, Json>,
  ) {}

  /** The top-level object; `name` stands for it in the error when `raw` is not an object. */
  static root(r: Reader, raw: Json, name: string): JsonObject {
    return new JsonObject(r, '', r.object(raw, name));
  }

  /** The path of a field of this object. */
  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, expected: string): never {
    return this.reader.fail(this.at(key), expected, this.raw[key]);
  }

  number(key: string): number {
    return this.reader.number(this.raw[key], this.at(key));
  }
  integer(key: string): number {
    return this.reader.integer(this.raw[key], this.at(key));
  }
  string(key: string): string {
    return this.reader.string(this.raw[key], this.at(key));
  }
  boolean(key: string): boolean {
    return this.reader.boolean(this.raw[key], this.at(key));
  }
  numbers(key: string, length?: number): number[] {
    return this.reader.numbers(this.raw[key], this.at(key), length);
  }
  strings(key: string): string[] {
    return this.reader.strings(this.raw[key], this.at(key));
  }
  oneOf<T extends string>(key: string, values: readonly T[]): T {
    return this.reader.oneOf(this.raw[key], this.at(key), values);
  }

  object(key: string): JsonObject {
    const path = this.at(key);
    return new JsonObject(this.reader, path, this.reader.object(this.raw[key], path));
  }

  /** A field read by `read` with its path, for values the typed reads do not cover. */
  value<T>(key: string, read: (value: Json, path: string) => T): T {
    return read(this.raw[key], this.at(key));
  }

  /** Each element of an array, read by `read` with its path. */
  items<T>(key: string, read: (value: Json, path: string) => T): T[] {
    const path = this.at(key);
    return this.reader.array(this.raw[key], path).map((v, i) => read(v, `${path}[${i}]`));
  }

  /** Each element of an array of objects. */
  objects<T>(key: string, read: (item: JsonObject, index: number) => T): T[] {
    return this.items(key, (v, path) => new JsonObject(this.reader, path, this.reader.object(v, path))).map(read);
  }

  /** An object with one value per precision: `read` gets that object and the precision's key. */
  perPrecision<T>(key: string, read: (values: JsonObject, precision: Precision) => T): Record<Precision, T> {
    const o = this.object(key);
    return { float32: read(o, 'float32'), float64: read(o, 'float64') };
  }

  /** A field that older files lack: spread into the result, it is there only when the file has it. */
  optional<K extends string, T>(key: K, read: (key: K) => T): { [P in K]?: T } {
    return this.raw[key] === undefined ? {} : ({ [key]: read(key) } as { [P in K]?: T });
  }

  /** A field whose null is a value. */
  orNull<T>(key: string, read: (key: string) => T): T | null {
    return this.raw[key] === null ? null : read(key);
  }
}
