// One build for every part: the host TypeScript (tsc), the WebAssembly kernels
// (AssemblyScript) and the webview bundle (esbuild). Each step is skipped with a
// message when its sources are absent, so the build works while parts are added.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const started = Date.now();

// AssemblyScript modules: every file directly under src/core/wasm/assembly is one module.
// Stub runtime and imported shared memory: the kernels never allocate, so several
// instances (one per worker thread) can share one memory.
const asmDir = join(root, 'src/core/wasm/assembly');
const wasmOut = join(root, 'out/wasm');
mkdirSync(wasmOut, { recursive: true });
if (existsSync(asmDir)) {
  for (const file of readdirSync(asmDir).filter((f) => f.endsWith('.ts') && !f.startsWith('_'))) {
    const name = file.replace(/\.ts$/, '');
    run(bin('asc'), [
      join(asmDir, file), '-O3', '--runtime', 'stub', '--noAssert',
      '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
      '--enable', 'simd', '--enable', 'threads',
      '-o', join(wasmOut, `${name}.wasm`),
    ]);
  }
}

run(bin('tsc'), ['-p', 'tsconfig.json']);

// Webview bundles: the inspector, and the report page (inlined into a report's
// index.html, so it has no source map to point at).
const bundles = [
  { entry: 'src/webview/main.ts', out: 'media/dist/inspector.js', sourcemap: true },
  { entry: 'src/webview/report/main.ts', out: 'media/dist/report.js', sourcemap: false },
].filter((b) => existsSync(join(root, b.entry)));
if (bundles.length > 0) run(bin('tsc'), ['-p', 'src/webview/tsconfig.json', '--noEmit']);
for (const b of bundles) {
  run(bin('esbuild'), [
    join(root, b.entry), '--bundle', '--format=iife', '--target=es2022', '--minify', ...(b.sourcemap ? ['--sourcemap'] : []),
    `--outfile=${join(root, b.out)}`, '--log-level=warning',
  ]);
}
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
