import { InvertscopeError, describeError } from '../../errors';

export type Tfjs = typeof import('@tensorflow/tfjs');
export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface LoadedTfjs {
  readonly tf: Tfjs;
  readonly backend: TfjsBackendName;
  readonly description: string;
}

/**
 * Loads tfjs on one backend. tfjs-node is an optional dependency (its install
 * downloads libtensorflow, which fails offline), so its absence is expected
 * and reported as a reason rather than an error, unless it was asked for.
 */
export async function loadTfjs(backend: TfjsBackendName): Promise<LoadedTfjs> {
  if (backend === 'tensorflow') {
    let tf: Tfjs;
    try {
      // Loaded by name at run time so a missing optional dependency is not a build error.
      tf = require('@tensorflow/tfjs-node') as Tfjs;
    } catch (error) {
      throw new InvertscopeError('BACKEND', `@tensorflow/tfjs-node could not be loaded: ${firstLine(error)}`, undefined, { cause: error });
    }
    await tf.setBackend('tensorflow');
    await tf.ready();
    return { tf, backend, description: `tfjs-node ${tf.version.tfjs} (libtensorflow)` };
  }
  const tf = require('@tensorflow/tfjs') as Tfjs;
  if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  // Production mode skips per-op debug checks and the banner tfjs prints in Node recommending tfjs-node.
  tf.enableProdMode();
  const ok = await tf.setBackend(backend);
  if (!ok) throw new InvertscopeError('BACKEND', `the tfjs ${backend} backend failed to initialize`);
  await tf.ready();
  const label = backend === 'wasm' ? 'tfjs WebAssembly backend (XNNPACK, 1 thread)' : 'tfjs plain JavaScript backend';
  return { tf, backend, description: `${label} ${tf.version.tfjs}` };
}

/** Why tfjs-node is unavailable, or null when it loads. */
export function tfjsNodeUnavailableReason(): string | null {
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    return '@tensorflow/tfjs-node is not installed (its install step downloads libtensorflow)';
  }
  try {
    require('@tensorflow/tfjs-node');
    return null;
  } catch (error) {
    return `@tensorflow/tfjs-node is installed but does not load: ${firstLine(error)}`;
  }
}

function firstLine(error: unknown): string {
  return describeError(error).split('\n')[0] ?? '';
}
