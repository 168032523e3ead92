import { describeError } from '../../errors';

/**
 * Why tfjs-node is unavailable, or null when it loads. Kept apart from loadTfjs
 * so that what only asks (the extension's backend picker) does not pull tfjs in.
 */
export function tfjsNodeUnavailableReason(): string | null {
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    return '@tensorflow/tfjs-node is not installed (its install step downloads libtensorflow)';
  }
  try {
    require('@tensorflow/tfjs-node');
    return null;
  } catch (error) {
    return `@tensorflow/tfjs-node is installed but does not load: ${firstLine(error)}`;
  }
}

export function firstLine(error: unknown): string {
  return describeError(error).split('\n')[0] ?? '';
}
