/**
 * The one way Invertscope writes numbers plain JSON cannot hold, in every file
 * that must give back exactly what was measured (analysis and trajectory
 * caches, findings.json, a report page's data): JSON.stringify turns NaN and
 * ±Infinity into null, which would make a broken reconstruction look like a
 * black image and an infinite κ like a missing one, and −0 into 0. They are
 * written as the strings "NaN", "Infinity", "-Infinity" and "-0" instead, and
 * read back by numberFromJson (a schema-checked reader, where a field is known
 * to be a number) or decodeJson (a whole document whose strings never read so
 * otherwise). The run store's run.json and metrics.jsonl are not such files:
 * their fields hold finite numbers, or null where a loss is unknown or
 * diverged (docs/run-store.md), for the JSON tools people read them with.
 */

/** The strings written for the numbers JSON cannot hold, and the numbers they stand for. */
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
};

/**
 * JSON text of `value` with NaN, ±Infinity and −0 written as words.
 *
 * @example
 *   encodeJson({ cond: Infinity, psnr: [NaN, 3] });  // '{"cond":"Infinity","psnr":["NaN",3]}'
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? jsonNumber(v) : v));
}

/** A number as encodeJson writes it: itself, or its word when JSON cannot hold it. */
function jsonNumber(value: number): number | string {
  if (!Number.isFinite(value)) return String(value);
  return Object.is(value, -0) ? '-0' : value;
}

/**
 * The number a JSON value stands for: a number, or one of encodeJson's words.
 * Undefined for anything else, so the caller can name the field that is wrong.
 *
 * @example numberFromJson('-Infinity') === -Infinity; numberFromJson('3') === undefined
 */
export function numberFromJson(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && Object.hasOwn(NUMBER_WORDS, value) ? NUMBER_WORDS[value] : undefined;
}

/**
 * Parses JSON text written by encodeJson, turning its words back into numbers
 * wherever they appear (for documents in which no text field reads "NaN" and
 * the like, e.g. findings.json).
 */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    typeof v === 'string' && Object.hasOwn(NUMBER_WORDS, v) ? NUMBER_WORDS[v] : v,
  );
}
