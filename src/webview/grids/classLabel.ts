import type { ClassNames } from '../../core/data/classNames';

/**
 * How the inspector names a class: the digit itself for digits, the data
 * set's name for it otherwise ('Ankle boot'), or 'class 7' when nobody named
 * it. An analysis without `classes` (written before they were recorded) was
 * computed on the embedded digits.
 *
 * @example
 *   classLabel(9, undefined);  // '9'
 */
export function classLabel(label: number, classes: ClassNames | undefined): string {
  if (!classes || classes.noun === 'digit') return String(label);
  return classes.names[label] ?? `class ${label}`;
}

/** What one class is called in sentences: 'digit', or 'class' for anything else. */
export function classNoun(classes: ClassNames | undefined): string {
  return classes?.noun ?? 'digit';
}
