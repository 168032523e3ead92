import { AnalysisClient } from '../../backend/analysisClient';
import type { AnalysisPort, LogSink } from '../ports';

/**
 * The analysis process: a child process so the extension host's event loop
 * never computes. It is started on the first request and stopped when idle
 * or when the extension is disposed; full analyses and trajectory points
 * share it, in turn.
 */
export function createAnalysisClient(log: LogSink): AnalysisClient {
  return new AnalysisClient({
    onStderr: (text) => {
      for (const line of text.split('\n')) if (line.trim() !== '') log.warn(`analysis stderr: ${line}`);
    },
  });
}

/** The analysis engine behind the AnalysisPort, in the analysis process. */
export function createAnalysis(client: AnalysisClient, log: LogSink): AnalysisPort & { dispose(): void } {
  return {
    readCached: (target) => client.readAnyCached(target.file),
    analyse: async (target, options, onProgress, signal, onPartial) => {
      const done = await client.analyze(
        {
          checkpoint: target.file,
          options: {
            noiseLevels: options.noiseLevels,
            testImages: options.testImages,
            temperature: options.temperature,
          },
        },
        { signal, onProgress: (p) => onProgress(p.message, p.fraction), onPartial },
      );
      for (const warning of done.warnings) log.warn(`analysis of ${target.file}: ${warning}`);
      return done.analysis;
    },
    dispose: () => client.dispose(),
  };
}
