/**
 * Preloaded (NODE_OPTIONS=--require) into every Node process of a hostile
 * case, the CLI and the training process it forks alike: on exit, appends the
 * process's peak resident set size to the file INVERTSCOPE_RSS_LOG names.
 */
import { appendFileSync } from 'node:fs';

const log = process.env.INVERTSCOPE_RSS_LOG;
if (log) {
  process.on('exit', () => {
    try {
      // maxRSS is in kilobytes.
      appendFileSync(log, `${process.pid} ${process.resourceUsage().maxRSS * 1024}\n`);
    } catch {
      // A case that removed its own folder loses its figure, not its verdict.
    }
  });
}
