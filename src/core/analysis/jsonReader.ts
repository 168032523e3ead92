import { numberFromJson } from '../../shared/jsonNumbers';
import { InvertscopeError } from '../errors';
import type { Precision } from './types';

export type Json = unknown;

/** Walks untrusted JSON, naming the path of the first thing that is wrong. */
export class Reader {
  constructor(private readonly where: string) {}

  fail(path: string, expected: string, got: Json): never {
    const shown = JSON.stringify(got);
    throw new InvertscopeError('CORRUPT', `${this.where}: ${path} must be ${expected}, got ${shown === undefined ? 'nothing' : shown.slice(0, 60)}`, { file: this.where, field: path });
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
