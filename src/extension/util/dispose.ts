/**
 * Lifetime management without importing 'vscode', so the pure parts of the
 * extension (and their unit tests) can use it. vscode.Disposable satisfies
 * `IDisposable` structurally.
 */
export interface IDisposable {
  dispose(): unknown;
}

/**
 * Disposes every item, newest first (later registrations may depend on earlier
 * ones). One throwing item does not stop the others; the errors are rethrown
 * together afterwards.
 */
export function disposeAll(items: IDisposable[]): void {
  const errors: unknown[] = [];
  while (items.length > 0) {
    const item = items.pop() as IDisposable;
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
}

/** Wraps a function so that calling `dispose()` runs it once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/**
 * Base class for everything that owns resources. `dispose()` is idempotent, and
 * anything registered after disposal is disposed at once, so a late `await`
 * cannot leak a listener or a panel.
 */
export abstract class Disposable implements IDisposable {
  private disposedFlag = false;
  private readonly owned: IDisposable[] = [];

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    disposeAll(this.owned);
  }

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  protected _register<T extends IDisposable>(value: T): T {
    if (this.disposedFlag) value.dispose();
    else this.owned.push(value);
    return value;
  }
}
