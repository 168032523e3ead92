/**
 * Indices of up to `count` items taken round-robin over the classes (the first
 * item of class 0, of class 1, …, then the second of each, …), each class in
 * its own order. A prefix of a class-sorted list would hold only the first
 * classes; this keeps every class represented in any count, and the result is
 * sorted ascending so batches keep the data's order.
 *
 * @example
 *   balancedSelection([0, 0, 0, 1, 1, 2], 3, 4);  // [0, 1, 3, 5]
 */
export function balancedSelection(labels: ArrayLike<number>, classes: number, count: number): number[] {
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (Number.isInteger(label) && label >= 0 && label < classes) members[label].push(i);
  }
  const chosen: number[] = [];
  for (let round = 0; chosen.length < count; round++) {
    let added = false;
    for (const list of members) {
      if (round < list.length && chosen.length < count) {
        chosen.push(list[round]);
        added = true;
      }
    }
    if (!added) break;
  }
  return chosen.sort((a, b) => a - b);
}

/** Rows `indices` of a row-major matrix with `n` columns, copied into a new array of the same type. */
export function selectRows<T extends Float32Array | Float64Array>(values: T, n: number, indices: readonly number[]): T {
  const out = new (values.constructor as new (length: number) => T)(indices.length * n);
  indices.forEach((r, k) => out.set(values.subarray(r * n, (r + 1) * n), k * n));
  return out;
}
