import { randomBytes } from 'node:crypto';
import { InvertscopeError } from '../errors';

/**
 * A run id people can read and type: UTC time to the minute, the model, and a
 * short random suffix, e.g. "20261130-0512-small-3f9a". Sorting ids sorts runs
 * by creation time.
 */
export function makeRunId(model: string, now: Date, suffix = randomBytes(2).toString('hex')): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
  const slug =
    model
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24)
      .replace(/-+$/, '') || 'run';
  return `${day}-${time}-${slug}-${suffix}`;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Ids become folder names; anything that could leave the runs folder is refused. */
export function checkRunId(id: string): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || id.includes('..')) {
    throw new InvertscopeError(
      'BAD_INPUT',
      `not a run id: ${JSON.stringify(id)} (letters, digits, ".", "_" and "-", starting with a letter or digit)`,
      {
        field: 'id',
        value: id,
      },
    );
  }
  return id;
}

/** "checkpoints/epoch-0010.safetensors": four digits so names sort by epoch up to 9999. */
export function checkpointFileName(epoch: number): string {
  if (!Number.isSafeInteger(epoch) || epoch < 0)
    throw new InvertscopeError('BAD_INPUT', `checkpoint epoch must be an integer ≥ 0, got ${epoch}`, {
      field: 'epoch',
      value: epoch,
    });
  return `checkpoints/epoch-${String(epoch).padStart(4, '0')}.safetensors`;
}

/** Whether a folder name is a run id (the shape checkRunId accepts). */
export function isRunIdShape(name: string): boolean {
  try {
    checkRunId(name);
    return true;
  } catch {
    return false;
  }
}
