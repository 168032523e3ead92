/**
 * JSON.parse keeps the last of two equal keys and says nothing, so a header with
 * two entries named "1.weight" would silently lose one. This scan runs over text
 * that JSON.parse has already accepted (so it only has to follow strings and
 * nesting) and returns the first repeated key with the path of its object.
 */
export function findDuplicateKey(json: string): { path: string[]; key: string } | null {
  interface Frame {
    readonly keys: Set<string> | null;
    readonly path: string[];
    expectKey: boolean;
  }
  const stack: Frame[] = [];
  let pendingKey = '';
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      const end = endOfString(json, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { path: top.path, key };
        top.keys.add(key);
        top.expectKey = false;
        pendingKey = key;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const top = stack[stack.length - 1];
      const path = top ? [...top.path, top.keys ? pendingKey : '[]'] : [];
      stack.push({ keys: c === '{' ? new Set() : null, path, expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return null;
}

function endOfString(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    if (json[i] === '\\') i++;
    else if (json[i] === '"') return i;
  }
  return json.length - 1;
}
