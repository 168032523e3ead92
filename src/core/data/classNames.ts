import { InvertscopeError } from '../errors';

/** What a data set's classes are called, so outputs read it as itself. */
export interface ClassNames {
  /** The data set's name when it is known, e.g. 'MNIST digits' or 'Fashion-MNIST'; null otherwise. */
  readonly dataset: string | null;
  /** What one class is: 'digit' for MNIST, 'class' otherwise. */
  readonly noun: string;
  /** The name of each label, in label order: '0' … '9' for digits, 'T-shirt/top' … for Fashion-MNIST, 'class 0' … when unknown. */
  readonly names: readonly string[];
  /** How the names were found, for people: e.g. 'the SHA-256 of t10k-labels-idx1-ubyte.gz (Fashion-MNIST)'. */
  readonly source: string;
}

/** The embedded digits, and MNIST's own IDX files. */
export const DIGIT_CLASSES: ClassNames = {
  dataset: 'MNIST digits',
  noun: 'digit',
  names: Array.from({ length: 10 }, (_, i) => String(i)),
  source: 'the embedded MNIST digits',
};

/** Classes nobody named: 'class 0', 'class 1', …; `source` says why they are unnamed. */
export function unknownClasses(classes: number, source: string): ClassNames {
  return { dataset: null, noun: 'class', names: Array.from({ length: classes }, (_, i) => `class ${i}`), source };
}

/**
 * A class-names file: one name per line in label order; blank lines and
 * text after '#' are ignored. It must name exactly `classes` classes, each
 * once, so a mistyped file is an error, not a silent mislabel.
 *
 * @example
 *   parseClassNames('cat\ndog  # the second\n', 'class-names.txt', 2).names;  // ['cat', 'dog']
 */
export function parseClassNames(text: string, file: string, classes: number): ClassNames {
  const names = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0);
  if (names.length !== classes) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `${file}: names ${names.length} classes, the labels go up to ${classes}; write one name per line, in label order`,
      {
        file,
        field: 'names',
        value: names.length,
      },
    );
  }
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new InvertscopeError('BAD_INPUT', `${file}: "${repeated}" names two classes`, {
      file,
      field: 'names',
      value: repeated,
    });
  const digits = names.every((n, i) => n === String(i));
  return { dataset: null, noun: digits ? 'digit' : 'class', names, source: file };
}

/**
 * One class for a sentence: 'a 9' for a digit, 'an ankle boot, label 9'
 * for a named class, 'class 9' otherwise.
 *
 * @example
 *   describeLabel(9, DIGIT_CLASSES);  // 'a 9'
 */
export function describeLabel(label: number, classes: ClassNames): string {
  const name = classes.names[label] ?? `class ${label}`;
  if (classes.noun === 'digit') return `a ${label}`;
  if (name === `class ${label}`) return name;
  // 'Ankle boot' reads 'ankle boot' mid-sentence; 'T-shirt/top' keeps its capital.
  const shown = /^[A-Z][a-z]/.test(name) ? name[0].toLowerCase() + name.slice(1) : name;
  return `${/^[aeiou]/i.test(shown) ? 'an' : 'a'} ${shown}, label ${label}`;
}

/**
 * A class's short name for tables and image labels: the digit itself for
 * digits, the data set's name for it ('Ankle boot'), or 'class 9'.
 *
 * @example
 *   labelName(9, DIGIT_CLASSES);  // '9'
 */
export function labelName(label: number, classes: ClassNames): string {
  return classes.noun === 'digit' ? String(label) : (classes.names[label] ?? `class ${label}`);
}
