import { InvertscopeError, describeError } from '../errors';
import type { BackendRequest } from './config';
import type { EngineOptions, TrainingEngine } from './engine';
import type { FlowEngineOptions } from './flow/flowEngineTypes';
import { loadTfjs, tfjsNodeUnavailableReason } from './tfjs/loadTfjs';
import { createTfjsEngine } from './tfjs/tfjsEngine';
import { createSimdEngine } from './simd/simdEngine';

export interface EngineChoice {
  readonly engine: TrainingEngine;
  /** Why faster paths were passed over, for the log (empty when the first choice loaded). */
  readonly skipped: readonly string[];
}

/** EngineOptions plus, for the 'flow' objective, what the flow engine starts from. */
export type CreateEngineOptions = EngineOptions & { readonly flow?: FlowEngineOptions };

/**
 * Creates the engine for a backend request. 'auto' takes tfjs-node when it
 * loads (libtensorflow, multi-threaded), and otherwise the bundled paths in
 * order of speed: Invertscope's WebAssembly SIMD kernels (both objectives),
 * then tfjs's wasm and cpu backends. A named backend is used or fails with the
 * reason.
 */
export async function createEngine(request: BackendRequest, options: CreateEngineOptions): Promise<EngineChoice> {
  if (request !== 'auto') return { engine: await createNamed(request, options), skipped: [] };
  const skipped: string[] = [];
  const nodeReason = tfjsNodeUnavailableReason();
  const order: Exclude<BackendRequest, 'auto'>[] = ['simd', 'wasm', 'cpu'];
  if (nodeReason === null) order.unshift('tensorflow');
  else skipped.push(`tensorflow: ${nodeReason}`);
  for (const name of order) {
    try {
      return { engine: await createNamed(name, options), skipped };
    } catch (error) {
      skipped.push(`${name}: ${describeError(error)}`);
    }
  }
  throw new InvertscopeError('BACKEND', `no compute backend could be started:\n  ${skipped.join('\n  ')}`);
}

async function createNamed(name: Exclude<BackendRequest, 'auto'>, options: CreateEngineOptions): Promise<TrainingEngine> {
  switch (name) {
    case 'tensorflow':
    case 'wasm':
    case 'cpu':
      return createTfjsEngine(options, await loadTfjs(name));
    case 'simd':
      return createSimdEngine(options);
  }
}
