import { corrupt, show } from './storeErrors';

/**
 * Reads the fields of one JSON object from a stored file, failing with the file,
 * the full field path (e.g. "checkpoints[2].testLoss") and the value found.
 * Unknown fields are ignored so that files written by a newer version with
 * additional fields still read.
 */
export class Fields {
  private constructor(
    readonly file: string,
    readonly path: string,
    readonly raw: Readonly<Record<string, unknown>>,
  ) {}

  static of(value: unknown, file: string, path: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw corrupt(file, path || '(root)', `must be a JSON object, got ${show(value)}`, value);
    }
    return new Fields(file, path, value as Record<string, unknown>);
  }

  where(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, problem: string, value: unknown = this.raw[key]): never {
    throw corrupt(
      this.file,
      this.where(key),
      `${problem}, got ${value === undefined ? 'nothing' : show(value)}`,
      value,
    );
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  int(key: string, min = 0): number {
    const v = this.raw[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(key, `must be an integer ≥ ${min}`);
    return v;
  }

  /** A finite number; with `lossy`, null stands for a value JSON cannot hold (NaN, ±Infinity) and reads as NaN. */
  num(key: string, options: { min?: number; positive?: boolean; lossy?: boolean } = {}): number {
    const v = this.raw[key];
    if (v === null && options.lossy) return Number.NaN;
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(key, options.lossy ? 'must be a number or null' : 'must be a finite number');
    const n = v;
    if (options.min !== undefined && n < options.min) this.fail(key, `must be ≥ ${options.min}`);
    if (options.positive && !(n > 0)) this.fail(key, 'must be > 0');
    return n;
  }

  str(key: string): string {
    const v = this.raw[key];
    if (typeof v !== 'string') this.fail(key, 'must be a string');
    return v;
  }

  /** An ISO 8601 timestamp (anything Date.parse accepts), kept as written. */
  time(key: string): string {
    const v = this.str(key);
    if (Number.isNaN(Date.parse(v))) this.fail(key, 'must be an ISO 8601 date and time');
    return v;
  }

  bool(key: string): boolean {
    const v = this.raw[key];
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.raw[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
      this.fail(key, `must be one of ${values.map((x) => `"${x}"`).join(', ')}`);
    return v as T;
  }

  object(key: string): Fields {
    return Fields.of(this.raw[key], this.file, this.where(key));
  }

  nullable<T>(key: string, read: (fields: Fields) => T): T | null {
    return this.raw[key] === null ? null : read(this.object(key));
  }

  array(key: string): readonly unknown[] {
    const v = this.raw[key];
    if (!Array.isArray(v)) this.fail(key, 'must be an array');
    return v as unknown[];
  }

  /** Each element of an array of objects, with its index in the path. */
  objects<T>(key: string, read: (fields: Fields, index: number) => T): T[] {
    return this.array(key).map((item, i) => read(Fields.of(item, this.file, `${this.where(key)}[${i}]`), i));
  }

  ints(key: string, min = 0): number[] {
    const list = this.array(key);
    list.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
        throw corrupt(this.file, `${this.where(key)}[${i}]`, `must be an integer ≥ ${min}, got ${show(v)}`, v);
      }
    });
    return list as number[];
  }

  /** A pair of numbers, each possibly null (see num's `lossy`). */
  pair(key: string): [number, number] {
    const list = this.array(key);
    if (list.length !== 2 || list.some((v) => v !== null && (typeof v !== 'number' || !Number.isFinite(v)))) {
      this.fail(key, 'must be [number, number]');
    }
    return [list[0] === null ? Number.NaN : (list[0] as number), list[1] === null ? Number.NaN : (list[1] as number)];
  }
}
