import { sep } from 'node:path';
import { assetDirectory } from '../../assets';
import { InvertscopeError } from '../../errors';
import { firstLine } from './tfjsNode';

export { tfjsNodeUnavailableReason } from './tfjsNode';

/** tfjs-core's API: all the engines use (tfjs-node's module is a superset of it). */
export type Tfjs = typeof import('@tensorflow/tfjs-core');
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
      throw new InvertscopeError(
        'BACKEND',
        `@tensorflow/tfjs-node could not be loaded: ${firstLine(error)}`,
        undefined,
        { cause: error },
      );
    }
    await tf.setBackend('tensorflow');
    await tf.ready();
    return { tf, backend, description: `tfjs-node ${tf.version_core} (libtensorflow)` };
  }
  // The bundles get tfjs-core with its gradients and CPU backend under this name (scripts/bundle/tfjs.mjs).
  const tf = require('@tensorflow/tfjs') as Tfjs;
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    // Its binary is read from the assets folder, so the bundles need no node_modules beside them.
    wasm.setWasmPaths(`${assetDirectory()}${sep}`);
  }
  // Production mode skips per-op debug checks and the banner tfjs prints in Node recommending tfjs-node.
  tf.enableProdMode();
  const ok = await tf.setBackend(backend);
  if (!ok) throw new InvertscopeError('BACKEND', `the tfjs ${backend} backend failed to initialize`);
  await tf.ready();
  const label = backend === 'wasm' ? 'tfjs WebAssembly backend (XNNPACK, 1 thread)' : 'tfjs plain JavaScript backend';
  return { tf, backend, description: `${label} ${tf.version_core}` };
}
