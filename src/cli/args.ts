/**
 * A small, strict command-line parser: every flag is declared once, with its
 * type, description, default and allowed values; the same declaration parses
 * the command line and writes `--help` (see help.ts). Unknown flags, bad values
 * and former spellings are usage errors that name the flag, the value and what
 * to type instead.
 */
import { closestName } from './closestName';

export class UsageError extends Error {
  /** A flag given by its former name: main() prints the command line with the new one. */
  readonly rename?: { readonly from: string; readonly to: string };

  constructor(message: string, options?: { rename?: { from: string; to: string } }) {
    super(message);
    this.name = 'UsageError';
    if (options?.rename) this.rename = options.rename;
  }
}

export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'list';

export interface FlagSpec {
  readonly type: FlagType;
  readonly description: string;
  /** For 'string' flags: the allowed values. */
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /**
   * What the command does when the flag is absent, as --help shows it: a value,
   * or words where it depends on other flags ("the latest checkpoint"). The
   * parser does not fill it in: a command can still tell "not given" apart.
   */
  readonly default?: string | number | boolean;
  /** The value's placeholder in --help, e.g. 'folder' for `--runs <folder>` (default: from the type). */
  readonly valueName?: string;
  /** The heading --help lists the flag under (default: "Options"). */
  readonly group?: string;
  /** A former spelling: giving it is a usage error that names `renamedTo` instead. --help lists it last. */
  readonly renamedTo?: string;
  /** 'list' flags may repeat; each value may also be comma-separated. */
}

/** One meaning everywhere: the folder runs are read from and written to. */
export const RUNS_FLAG = {
  type: 'string',
  valueName: 'folder',
  default: './runs',
  description: 'the runs folder: one sub-folder per run, as train writes them and the VS Code extension reads them',
} as const satisfies FlagSpec;

/** A former spelling of a flag, kept so that old command lines get a pointer rather than "unknown option". */
export function renamedFlag(renamedTo: string, why: string): FlagSpec {
  return { type: 'string', description: why, renamedTo };
}

type FlagValueOf<T extends FlagType> = T extends 'boolean'
  ? boolean
  : T extends 'number' | 'integer'
    ? number
    : T extends 'list'
      ? string[]
      : string;

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

/** Parsed flags, typed by their declarations when those keep their literal types (`satisfies`). */
export type ParsedFlags<S extends Readonly<Record<string, FlagSpec>>> = {
  [K in keyof S]?: FlagValueOf<S[K]['type']>;
} & FlagValues;

export interface ParsedArgs<S extends Readonly<Record<string, FlagSpec>> = Record<string, FlagSpec>> {
  readonly positionals: string[];
  readonly flags: ParsedFlags<S>;
}

export function parseArgs<S extends Readonly<Record<string, FlagSpec>>>(
  argv: readonly string[],
  specs: S,
): ParsedArgs<S> {
  const positionals: string[] = [];
  const flags: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec: FlagSpec | undefined = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) throw new UsageError(`unknown option --${name}${didYouMean(name, currentNames(specs), '--')}`);
    if (spec.renamedTo !== undefined) {
      throw new UsageError(`--${name} is now --${spec.renamedTo}: ${spec.description}`, {
        rename: { from: name, to: spec.renamedTo },
      });
    }
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--')))
      throw new UsageError(`option --${name} needs a value (${allowedValues(spec) ?? `<${placeholder(spec)}>`})`);
    flags[name] = convert(name, spec, raw, flags[name]);
  }
  return { positionals, flags: flags as ParsedFlags<S> };
}

function convert(name: string, spec: FlagSpec, raw: string, previous: FlagValues[string]): FlagValues[string] {
  switch (spec.type) {
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new UsageError(
          `invalid --${name}: ${JSON.stringify(raw)} (expected one of ${spec.choices.join(', ')})${didYouMean(raw, spec.choices, '')}`,
        );
      }
      return raw;
    case 'number':
    case 'integer': {
      const value = Number(raw);
      const bad = raw.trim() === '' || !Number.isFinite(value) || (spec.type === 'integer' && !Number.isInteger(value));
      if (bad)
        throw new UsageError(
          `invalid --${name}: ${JSON.stringify(raw)} (expected ${spec.type === 'integer' ? 'an integer' : 'a number'})`,
        );
      if (spec.min !== undefined && value < spec.min)
        throw new UsageError(`invalid --${name}: ${value} (must be at least ${spec.min})`);
      if (spec.max !== undefined && value > spec.max)
        throw new UsageError(`invalid --${name}: ${value} (must be at most ${spec.max})`);
      return value;
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      return [...((previous as string[] | undefined) ?? []), ...items];
    }
    case 'boolean':
      return true;
  }
}

/** Parses a list flag of integers ≥ `min` (default 1) such as "10,50,100". */
export function integerList(name: string, values: readonly string[] | undefined, min = 1): number[] | undefined {
  if (!values) return undefined;
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new UsageError(
        `invalid --${name}: ${JSON.stringify(v)} (expected ${min === 1 ? 'positive integers' : `integers ≥ ${min}`}, e.g. 10,50,100)`,
      );
    }
    return n;
  });
}

/** The values a flag accepts, in words ("one of: a, b", "an integer ≥ 1"); undefined for free text. */
export function allowedValues(spec: FlagSpec): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return undefined;
    case 'string':
      return spec.choices ? `one of: ${spec.choices.join(', ')}` : undefined;
    case 'list':
      return 'comma-separated; may repeat';
    case 'number':
    case 'integer': {
      const kind = spec.type === 'integer' ? 'an integer' : 'a number';
      if (spec.min !== undefined && spec.max !== undefined) return `${kind} from ${spec.min} to ${spec.max}`;
      if (spec.min !== undefined) return `${kind} ≥ ${spec.min}`;
      if (spec.max !== undefined) return `${kind} ≤ ${spec.max}`;
      return kind;
    }
  }
}

/** The placeholder after the flag in --help: `--runs <folder>`. */
export function placeholder(spec: FlagSpec): string {
  if (spec.valueName) return spec.valueName;
  switch (spec.type) {
    case 'integer':
      return 'n';
    case 'number':
      return 'x';
    case 'list':
      return 'a,b,…';
    default:
      return spec.choices ? 'name' : 'value';
  }
}

function currentNames(specs: Readonly<Record<string, FlagSpec>>): string[] {
  return Object.keys(specs).filter((k) => specs[k].renamedTo === undefined);
}

/** " (did you mean --runs?)" for a near miss, or nothing. */
export function didYouMean(name: string, known: readonly string[], prefix: string): string {
  const close = closestName(name, known);
  return close === undefined ? '' : ` (did you mean ${prefix}${close}?)`;
}
