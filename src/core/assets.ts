import { join } from 'node:path';

/** Set to true by the bundler (scripts/build.mjs); absent when the compiled sources run from out/. */
declare const INVERTSCOPE_BUNDLE: boolean | undefined;

/**
 * The folder of the files Invertscope reads at run time besides its code: the
 * WebAssembly kernels, tfjs's WebAssembly binary and the embedded digits.
 * scripts/build.mjs writes them to out/assets/ and copies them next to the
 * bundles in dist/, so the compiled sources (tests, development) and the
 * bundles (the .vsix, the npm package) each find them beside themselves.
 */
export function assetDirectory(): string {
  return typeof INVERTSCOPE_BUNDLE !== 'undefined' && INVERTSCOPE_BUNDLE
    ? __dirname
    : join(__dirname, '..', '..', 'assets');
}

/**
 * The package's media folder (stylesheets, the webview bundles in media/dist/): from
 * out/src/core/ three levels up, from dist/ one level up, to the package root.
 */
export function mediaDirectory(): string {
  return typeof INVERTSCOPE_BUNDLE !== 'undefined' && INVERTSCOPE_BUNDLE
    ? join(__dirname, '..', 'media')
    : join(__dirname, '..', '..', '..', 'media');
}

/** The embedded digits, as scripts/build.mjs encodes them (src/core/data/compactDigits.ts). */
export const EMBEDDED_DIGITS_FILE = 'mnist-digits.bin.br';

/** The one tfjs WebAssembly binary the wasm backend loads in Node (SIMD, single-threaded). */
export const TFJS_WASM_FILE = 'tfjs-backend-wasm-simd.wasm';
