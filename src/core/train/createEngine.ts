import { InvertscopeError, describeError } from '../errors';
import {
  BACKEND_FACTS,
  objectiveUnsupportedReason,
  tensorflowUnavailableReason,
  type BackendName,
} from './backendCapabilities';
import type { BackendRequest } from './config';
import type { EngineOptions, TrainingEngine } from './engine';
import type { FlowEngineOptions } from './flow/flowEngineTypes';
import { loadTfjs } from './tfjs/loadTfjs';
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
 * Creates the engine for a backend request. 'auto' tries the backends of
 * BACKEND_FACTS, fastest first, passing over those that do not train the
 * objective and tfjs-node where it is unavailable (not installed, or in the VS
 * Code extension): tfjs-node (libtensorflow, multi-threaded), Invertscope's
 * WebAssembly SIMD kernels, then tfjs's wasm and cpu backends. A named backend
 * is used or fails with the reason.
 */
export async function createEngine(request: BackendRequest, options: CreateEngineOptions): Promise<EngineChoice> {
  if (request !== 'auto') return { engine: await createNamed(request, options), skipped: [] };
  const skipped: string[] = [];
  for (const { name } of BACKEND_FACTS) {
    const passOver =
      objectiveUnsupportedReason(name, options.objective) ??
      (name === 'tensorflow' ? tensorflowUnavailableReason() : null);
    if (passOver !== null) {
      skipped.push(`${name}: ${passOver}`);
      continue;
    }
    try {
      return { engine: await createNamed(name, options), skipped };
    } catch (error) {
      skipped.push(`${name}: ${describeError(error)}`);
    }
  }
  throw new InvertscopeError('BACKEND', `no compute backend could be started:\n  ${skipped.join('\n  ')}`);
}

async function createNamed(name: BackendName, options: CreateEngineOptions): Promise<TrainingEngine> {
  switch (name) {
    case 'tensorflow': {
      const reason = tensorflowUnavailableReason();
      if (reason !== null) throw new InvertscopeError('BACKEND', reason);
      return createTfjsEngine(options, await loadTfjs(name));
    }
    case 'wasm':
    case 'cpu':
      return createTfjsEngine(options, await loadTfjs(name));
    case 'simd':
      return createSimdEngine(options);
  }
}
