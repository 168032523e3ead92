/**
 * Runs at most `limit` tasks at once, in the order they were queued: reading a
 * small file for each of hundreds of runs should not open hundreds of files at
 * the same moment (a network file system answers them one by one anyway).
 *
 * @example
 *   const limiter = new TaskLimiter(4);
 *   const texts = await Promise.all(files.map((f) => limiter.run(() => readFile(f, 'utf8'))));
 */
export class TaskLimiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1))
      throw new RangeError(`TaskLimiter: limit must be an integer ≥ 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next in the queue, so a
    // task queued meanwhile cannot slip in between and exceed the limit.
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
