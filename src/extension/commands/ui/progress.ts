import * as vscode from 'vscode';

export type ReportProgress = (message: string, fraction: number | null) => void;

/**
 * Long work behind a cancellable notification. Cancelling aborts the signal the
 * work was given; `fraction` (0..1) moves the bar, null leaves it where it is.
 */
export function withCancellableProgress<T>(
  title: string,
  work: (report: ReportProgress, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        let done = 0;
        const report: ReportProgress = (message, fraction) => {
          const next = fraction === null ? done : Math.min(1, Math.max(done, fraction));
          progress.report({ message, increment: (next - done) * 100 });
          done = next;
        };
        try {
          return await work(report, controller.signal);
        } finally {
          subscription.dispose();
        }
      },
    ),
  );
}
