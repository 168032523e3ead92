import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { presetArchitecture, sequentialIndices, type Architecture } from '../../../src/core/model/architecture';
import { createRng } from '../../../src/core/random/rng';
import { encodeSafetensors } from '../../../src/core/store/safetensors/writeSafetensors';
import type { Tensor } from '../../../src/core/store/safetensors/dtypes';

/** Seeded tensors of a paper model's state_dict ("1.weight", "1.bias", …), as PyTorch's save_file writes them. */
export function stateDictTensors(seed: number, arch: Architecture = presetArchitecture('small')): Map<string, Tensor> {
  const rng = createRng(seed);
  const n = arch.width;
  const tensors = new Map<string, Tensor>();
  for (const i of sequentialIndices(arch)) {
    const weight = new Float32Array(n * n);
    for (let k = 0; k < weight.length; k++) weight[k] = (rng.uniform() - 0.5) / 14;
    tensors.set(`${i}.weight`, { dtype: 'F32', shape: [n, n], data: weight });
    tensors.set(`${i}.bias`, {
      dtype: 'F32',
      shape: [n],
      data: Float32Array.from({ length: n }, () => rng.uniform() - 0.5),
    });
  }
  return tensors;
}

/** The bytes of a safetensors file holding these tensors. */
export function safetensorsBytes(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}): Buffer {
  return Buffer.concat(encodeSafetensors(tensors, metadata).chunks);
}

/** A file whose 8-byte length field announces exactly this header text (and no data). */
export function headerOnly(header: string): Buffer {
  const text = Buffer.from(header, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([prefix, text]);
}

/** JSON text nested `depth` levels: arrays, objects, or both in turn. */
export function nestedJson(depth: number, kind: 'array' | 'object' | 'mixed'): string {
  let open = '';
  let close = '';
  for (let d = 0; d < depth; d++) {
    const object = kind === 'object' || (kind === 'mixed' && d % 2 === 1);
    open += object ? '{"k":' : '[';
    close = (object ? '}' : ']') + close;
  }
  return `${open}0${close}`;
}

/**
 * Writes `prefix` followed by `zeros` zero bytes, gzipped, streaming: a file of
 * a few hundred kB to a few MB that inflates to gigabytes.
 */
export async function writeGzipOfZeros(file: string, prefix: Uint8Array, zeros: number): Promise<void> {
  const gzip = createGzip({ level: 9 });
  const out = createWriteStream(file);
  gzip.pipe(out);
  gzip.write(prefix);
  const chunk = Buffer.alloc(1 << 20);
  for (let left = zeros; left > 0; left -= chunk.length) {
    if (!gzip.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await once(gzip, 'drain');
  }
  gzip.end();
  await once(out, 'close');
}
