import type { AnalysisProgress } from '../core/analysis/progress';
import type { CliContext } from './context';
import { ProgressBar } from './progressBar';

/**
 * Progress on stderr: a line when a stage starts, and a bar on a terminal for
 * the whole analysis (`scope` 'analysis') or for the stage running ('stage').
 */
export function progressPrinter(
  ctx: CliContext,
  scope: 'analysis' | 'stage' = 'analysis',
  bar = new ProgressBar(ctx.stderr),
): (p: AnalysisProgress) => void {
  let stage = '';
  return (p) => {
    if (p.stage !== stage) {
      stage = p.stage;
      bar.log(`· ${p.message}`);
    }
    const fraction = scope === 'analysis' ? p.fraction : p.stageFraction;
    bar.update(fraction, p.message);
    if (fraction >= 1) bar.done();
  };
}
