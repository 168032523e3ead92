/**
 * The networks Invertscope trains: square Linear layers, each optionally followed
 * by a LeakyReLU, between a Flatten and an Unflatten (which carry no parameters).
 * The paper's three models are presets; any depth, slope and activation pattern
 * is a custom architecture.
 */
export const IMAGE_SIDE = 28;
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;

export type Parametrization = 'dense' | 'lu';

export interface LayerSpec {
  /** Whether a LeakyReLU follows this Linear layer. */
  readonly activation: boolean;
}

export interface Architecture {
  /** 'base', 'small', 'noact' for the paper's models, anything else for custom ones. */
  readonly name: string;
  readonly width: number;
  readonly layers: readonly LayerSpec[];
  /** LeakyReLU negative slope (PyTorch's default 0.01). */
  readonly negativeSlope: number;
  /** How the weight matrices are parametrized while training (issue 5's LU layers). */
  readonly parametrization: Parametrization;
}

/** The deepest network Invertscope builds (customArchitecture) or reads. */
const MAX_DEPTH = 64;
/**
 * The widest layer Invertscope reads: a 4096×4096 float32 matrix is 64 MB, so
 * a record claiming more is refused before anything of that size is allocated.
 */
const MAX_WIDTH = 4096;

export type PresetName = 'base' | 'small' | 'noact';
export const PRESET_NAMES: readonly PresetName[] = ['base', 'small', 'noact'];

export function presetArchitecture(name: PresetName): Architecture {
  switch (name) {
    case 'base':
      return customArchitecture({ name, depth: 4, activation: true });
    case 'small':
      return customArchitecture({ name, depth: 1, activation: true });
    case 'noact':
      return customArchitecture({ name, depth: 4, activation: false });
  }
}

export interface CustomArchitectureOptions {
  name?: string;
  depth: number;
  activation: boolean;
  /** With activation on, whether the last layer has one too (the paper's Base does). */
  activateLast?: boolean;
  negativeSlope?: number;
  parametrization?: Parametrization;
  width?: number;
}

export function customArchitecture(options: CustomArchitectureOptions): Architecture {
  const { depth, activation } = options;
  const negativeSlope = options.negativeSlope ?? 0.01;
  const width = options.width ?? IMAGE_SIZE;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
    throw new RangeError(`architecture: depth must be an integer in 1..${MAX_DEPTH}, got ${depth}`);
  }
  if (!(negativeSlope > 0 && negativeSlope <= 1)) {
    // A zero slope is ReLU, which is not invertible; above 1 it is still invertible but not "leaky".
    throw new RangeError(`architecture: negativeSlope must be in (0, 1], got ${negativeSlope}`);
  }
  if (!Number.isInteger(width) || width < 1)
    throw new RangeError(`architecture: width must be a positive integer, got ${width}`);
  const activateLast = options.activateLast ?? true;
  const layers = Array.from({ length: depth }, (_, i) => ({
    activation: activation && (activateLast || i < depth - 1),
  }));
  return {
    name: options.name ?? 'custom',
    width,
    layers,
    negativeSlope,
    parametrization: options.parametrization ?? 'dense',
  };
}

/**
 * Index of each Linear layer inside the equivalent PyTorch nn.Sequential
 * (Flatten at 0, then Linear, LeakyReLU, ...), which names its tensors
 * `${index}.weight` and `${index}.bias`.
 */
export function sequentialIndices(arch: Architecture): number[] {
  const indices: number[] = [];
  let next = 1;
  for (const layer of arch.layers) {
    indices.push(next);
    next += layer.activation ? 2 : 1;
  }
  return indices;
}

export function describeArchitecture(arch: Architecture): string {
  const acts = arch.layers.filter((l) => l.activation).length;
  const lu = arch.parametrization === 'lu' ? ', LU' : '';
  return `${arch.name}: ${arch.layers.length} × Linear ${arch.width}→${arch.width}, ${acts} LeakyReLU(${arch.negativeSlope})${lu}`;
}

/** Checks an architecture read from disk or a message; names the field that is wrong. */
export function validateArchitecture(value: unknown, where: string): Architecture {
  const fail = (field: string, got: unknown): never => {
    throw new RangeError(`${where}: invalid architecture.${field}: ${JSON.stringify(got)}`);
  };
  if (typeof value !== 'object' || value === null) return fail('(root)', value);
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string') fail('name', v.name);
  if (!Number.isInteger(v.width) || (v.width as number) < 1 || (v.width as number) > MAX_WIDTH) fail('width', v.width);
  // The count, not the array: a record of 10,000 layers would make a long message.
  if (!Array.isArray(v.layers) || v.layers.length < 1 || v.layers.length > MAX_DEPTH)
    fail('layers', Array.isArray(v.layers) ? `${v.layers.length} layers (1..${MAX_DEPTH})` : v.layers);
  (v.layers as unknown[]).forEach((l, i) => {
    if (typeof l !== 'object' || l === null || typeof (l as LayerSpec).activation !== 'boolean')
      fail(`layers[${i}]`, l);
  });
  if (typeof v.negativeSlope !== 'number' || !(v.negativeSlope > 0 && v.negativeSlope <= 1))
    fail('negativeSlope', v.negativeSlope);
  if (v.parametrization !== 'dense' && v.parametrization !== 'lu') fail('parametrization', v.parametrization);
  return {
    name: v.name as string,
    width: v.width as number,
    layers: (v.layers as LayerSpec[]).map((l) => ({ activation: l.activation })),
    negativeSlope: v.negativeSlope as number,
    parametrization: v.parametrization as Parametrization,
  };
}
