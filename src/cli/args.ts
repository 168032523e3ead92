/**
 * A small, strict command-line parser: every flag is declared with its type,
 * unknown flags and bad values are usage errors that name the flag and value.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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
  /** 'list' flags may repeat; each value may also be comma-separated. */
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: FlagValues;
}

export function parseArgs(argv: readonly string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const positionals: string[] = [];
  const flags: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name}${suggest(name, Object.keys(specs))}`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new UsageError(`option --${name} needs a value`);
    flags[name] = convert(name, spec, raw, flags[name]);
  }
  return { positionals, flags };
}

function convert(name: string, spec: FlagSpec, raw: string, previous: FlagValues[string]): FlagValues[string] {
  switch (spec.type) {
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new UsageError(`invalid --${name}: ${JSON.stringify(raw)} (expected one of ${spec.choices.join(', ')})`);
      }
      return raw;
    case 'number':
    case 'integer': {
      const value = Number(raw);
      const bad = raw.trim() === '' || !Number.isFinite(value) || (spec.type === 'integer' && !Number.isInteger(value));
      if (bad) throw new UsageError(`invalid --${name}: ${JSON.stringify(raw)} (expected ${spec.type === 'integer' ? 'an integer' : 'a number'})`);
      if (spec.min !== undefined && value < spec.min) throw new UsageError(`invalid --${name}: ${value} (must be at least ${spec.min})`);
      if (spec.max !== undefined && value > spec.max) throw new UsageError(`invalid --${name}: ${value} (must be at most ${spec.max})`);
      return value;
    }
    case 'list': {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
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
      throw new UsageError(`invalid --${name}: ${JSON.stringify(v)} (expected ${min === 1 ? 'positive integers' : `integers ≥ ${min}`}, e.g. 10,50,100)`);
    }
    return n;
  });
}

function suggest(name: string, known: string[]): string {
  const close = known.find((k) => k.startsWith(name.slice(0, 3)));
  return close ? ` (did you mean --${close}?)` : '';
}
