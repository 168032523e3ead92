import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetDirectory } from '../assets';

/**
 * Loads one of the project's WebAssembly kernel modules (built by
 * scripts/build.mjs from src/core/wasm/assembly/<name>.ts into the assets folder).
 *
 * Every module imports its memory: the kernels never allocate, they work on
 * byte offsets that the TypeScript side hands them. That is what lets several
 * instances (one per worker thread) share one `WebAssembly.Memory`.
 */
const compiled = new Map<string, WebAssembly.Module>();

/** Directory of the built .wasm files. */
export function wasmDirectory(): string {
  return assetDirectory();
}

export function compileKernelModule(name: string): WebAssembly.Module {
  let module = compiled.get(name);
  if (!module) {
    const file = join(wasmDirectory(), `${name}.wasm`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new Error(`kernel module "${name}" is missing at ${file}; run \`npm run build\` first`, { cause: error });
    }
    module = new WebAssembly.Module(bytes);
    compiled.set(name, module);
  }
  return module;
}

export function instantiateKernelModule<T extends WebAssembly.Exports>(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): T {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(_message: number, _file: number, line: number, column: number) {
        throw new Error(`kernel aborted at ${line}:${column}`);
      },
    },
  });
  return instance.exports as T;
}

export const WASM_PAGE_BYTES = 65536;

/** A shared memory able to grow to `maximumBytes` (the build declares a 4 GiB maximum). */
export function createSharedMemory(initialBytes: number, maximumBytes = 2 ** 31): WebAssembly.Memory {
  const pages = (bytes: number) => Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
  return new WebAssembly.Memory({ initial: pages(initialBytes), maximum: pages(maximumBytes), shared: true });
}
