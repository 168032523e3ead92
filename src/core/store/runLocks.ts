/**
 * Read-modify-write of one file, one at a time within this process (a trainer
 * recording an epoch while the extension cancels, say). Across processes the
 * rule is ownership: only the training process writes a running run.
 */
const tails = new Map<string, Promise<unknown>>();

export function serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const result = previous.then(task, task);
  const settled = result.catch(() => undefined);
  tails.set(key, settled);
  void settled.then(() => {
    if (tails.get(key) === settled) tails.delete(key);
  });
  return result;
}
