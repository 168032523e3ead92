/**
 * Turns anything a command throws into one plain sentence and the actions that
 * help, so every failure reads the same way wherever it happened.
 */
import { isInvertscopeError } from '../../core/errors';
import { UntrustedWorkspaceError } from '../trust';

export type FailureAction = 'openLog' | 'selectBackend' | 'manageTrust' | 'downloadMnist';

export interface FailureMessage {
  /** 'silent': nothing to show (the person cancelled). */
  readonly severity: 'error' | 'warning' | 'silent';
  readonly text: string;
  readonly actions: readonly FailureAction[];
}

export const ACTION_LABELS: Record<FailureAction, string> = {
  openLog: 'Open Log',
  selectBackend: 'Select Backend',
  manageTrust: 'Manage Workspace Trust',
  downloadMnist: 'Download MNIST',
};

export function describeFailure(what: string, error: unknown): FailureMessage {
  if (error instanceof UntrustedWorkspaceError) {
    return { severity: 'warning', text: error.message, actions: ['manageTrust'] };
  }
  if (isCancellation(error)) return { severity: 'silent', text: `${what} was cancelled`, actions: [] };
  const message = oneLine(error instanceof Error ? error.message : String(error));
  if (isInvertscopeError(error)) {
    switch (error.code) {
      case 'BAD_INPUT':
        return { severity: 'error', text: `${what}: ${message}`, actions: ['openLog'] };
      case 'NOT_FOUND':
        return { severity: 'error', text: `${what}: not found: ${message}`, actions: ['openLog'] };
      case 'CORRUPT':
        return { severity: 'error', text: `${what}: stored data is damaged: ${message}`, actions: ['openLog'] };
      case 'NUMERIC':
        return { severity: 'error', text: `${what}: numerical failure: ${message}`, actions: ['openLog'] };
      case 'NETWORK':
        return {
          severity: 'error',
          text: `${what}: download failed: ${message}. Check the connection or proxy settings.`,
          actions: ['openLog'],
        };
      case 'BACKEND':
        return {
          severity: 'error',
          text: `${what}: no compute backend could be loaded: ${message}`,
          actions: ['selectBackend', 'openLog'],
        };
      default:
        break;
    }
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT')
    return { severity: 'error', text: `${what}: file or folder not found: ${message}`, actions: ['openLog'] };
  if (code === 'EACCES' || code === 'EPERM')
    return { severity: 'error', text: `${what}: permission denied: ${message}`, actions: ['openLog'] };
  if (code === 'ENOSPC')
    return { severity: 'error', text: `${what}: the disk is full: ${message}`, actions: ['openLog'] };
  return { severity: 'error', text: `${what} failed: ${message}`, actions: ['openLog'] };
}

/** Cancelled by the person: an InvertscopeError 'CANCELLED', an AbortError, or VS Code's CancellationError. */
export function isCancellation(error: unknown): boolean {
  if (isInvertscopeError(error, 'CANCELLED')) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'Canceled' || name === 'CancellationError';
}

function oneLine(text: string): string {
  const first = text.split('\n')[0].trim();
  return first.length > 400 ? `${first.slice(0, 397)}...` : first;
}
