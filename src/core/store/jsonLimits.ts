import { corrupt } from './storeErrors';

/**
 * How deeply the JSON Invertscope reads may nest. Its own files nest at most
 * four levels (run.json's checkpoints[i] fields, a safetensors entry's shape);
 * a limit well above that costs nothing and keeps every later step (parsing,
 * the duplicate-key scan, rendering a value in a message) shallow.
 */
const MAX_JSON_DEPTH = 32;

/**
 * Refuses JSON text that nests deeper than `maxDepth`, before it is parsed: a
 * single pass over the text that allocates nothing, so text nested 200,000
 * levels deep costs one scan rather than a stack overflow or quadratic work in
 * what reads it next. Only brackets outside strings count; the text need not
 * be valid JSON (the parser says what else is wrong).
 *
 * @example
 *   checkJsonDepth('{"a": [[1]]}', 'run.json', '(root)'); // fine: 3 levels
 *   checkJsonDepth('['.repeat(5000), 'x.safetensors', 'header'); // CORRUPT "x.safetensors: header: nests more than 32 levels deep …"
 */
export function checkJsonDepth(text: string, file: string, field: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) {
        throw corrupt(
          file,
          field,
          `nests more than ${maxDepth} levels deep (at character ${i}); Invertscope's files nest a few levels`,
          depth,
        );
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
}

/** JSON.parse after checkJsonDepth: the way every reader of the store parses text it did not write itself. */
export function parseBoundedJson(text: string, file: string, field: string): unknown {
  checkJsonDepth(text, file, field);
  return JSON.parse(text) as unknown;
}
