/**
 * What a fake host keeps of the messages a webview posts: every one, in order,
 * and a way to wait for one that has come or will come.
 */
export class MessageRecorder<M extends { readonly type: string }> {
  readonly received: M[] = [];
  private readonly waiters: Array<{ test: (m: M) => boolean; resolve: (m: M) => void }> = [];

  /** Resolves with the first message (already received or future) that passes `test`. */
  next<T extends M>(test: (m: M) => m is T, timeoutMs?: number): Promise<T>;
  next(test: (m: M) => boolean, timeoutMs?: number): Promise<M>;
  next(test: (m: M) => boolean, timeoutMs = 5000): Promise<M> {
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching webview message within ${timeoutMs} ms; got ${this.received.map((m) => m.type).join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  record(message: M): void {
    this.received.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }
}
