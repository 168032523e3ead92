import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wasmDirectory } from '../../../src/core/wasm/kernelModule';

/** The ids of the sections of a WebAssembly binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

for (const name of ['linalg', 'dense', 'nearest']) {
  describe(`the ${name} kernel module`, () => {
    const bytes = new Uint8Array(readFileSync(join(wasmDirectory(), `${name}.wasm`)));

    it('has no static data and no globals, so instances can share one memory', () => {
      // AssemblyScript's Math functions bring lookup tables as data segments at low
      // addresses, where the TypeScript side puts its buffers.
      const ids = sectionIds(bytes);
      assert.ok(!ids.includes(11), 'data section present');
      assert.ok(!ids.includes(12), 'data count section present');
      assert.ok(!ids.includes(6), 'global section present');
    });

    it('imports its memory as shared', () => {
      const module = new WebAssembly.Module(bytes);
      const imports = (
        WebAssembly.Module as unknown as { imports(m: unknown): Array<{ module: string; name: string; kind: string }> }
      ).imports(module);
      assert.ok(imports.some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory'));
    });
  });
}
