import type { IDisposable } from './dispose';

export type Listener<T> = (value: T) => void;

/** Subscribes a listener; the returned disposable unsubscribes it. */
export type Event<T> = (listener: Listener<T>) => IDisposable;

/**
 * A minimal event source for the parts that must not import 'vscode'. A throwing
 * listener does not keep the others from being called; its error goes to
 * `onListenerError` (the log) rather than to whoever fired the event.
 */
export class Emitter<T> implements IDisposable {
  private listeners: Set<Listener<T>> | null = new Set();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  readonly event: Event<T> = (listener) => {
    this.listeners?.add(listener);
    return { dispose: () => void this.listeners?.delete(listener) };
  };

  fire(value: T): void {
    if (!this.listeners) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners = null;
  }
}
