import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * Invertscope's version from its package.json, found by walking up from the
 * compiled file (out/src/core/store/ in a build, the extension folder when
 * installed). Recorded in run.json and checkpoints so a file says what wrote it.
 */
export function invertscopeVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let depth = 0; depth < 8; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === 'invertscope' && typeof manifest.version === 'string') return (cached = manifest.version);
    } catch {
      // No readable package.json at this level; keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = 'unknown');
}
