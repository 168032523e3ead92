/**
 * What a terminal shows after a sequence of writes, for the escapes the CLI uses:
 * '\r' (to column 0), '\n' (next line), ESC[K (erase to the end of the line).
 * Lines are not wrapped: a test checks widths separately.
 */
export function terminalScreen(writes: readonly string[]): string[] {
  const lines: string[][] = [[]];
  let row = 0,
    col = 0;
  const text = writes.join('');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r') {
      col = 0;
      continue;
    }
    if (c === '\n') {
      row += 1;
      col = 0;
      if (!lines[row]) lines[row] = [];
      continue;
    }
    if (c === '\x1b' && text.startsWith('\x1b[K', i)) {
      lines[row].length = col;
      i += 2;
      continue;
    }
    if (c === '\x1b')
      throw new Error(`terminalScreen: unexpected escape at ${i}: ${JSON.stringify(text.slice(i, i + 6))}`);
    lines[row][col++] = c;
  }
  return lines.map((l) => Array.from(l, (ch) => ch ?? ' ').join(''));
}
