import type { ReproduceEvent } from '../../core/reproduce/reproduce';
import type { CliContext } from '../context';
import { ProgressBar } from '../progressBar';
import { formatDuration } from '../../shared/formatNumber';

/**
 * Progress of a long job on stderr: on a terminal, a bar redrawn in place
 * ("what it is doing · how far · time left"); elsewhere (CI, a log file) a
 * line whenever the task changes, and otherwise at most every `every` seconds.
 */
export function progressPrinter(ctx: CliContext, every = 15): { onEvent(event: ReproduceEvent): void; done(): void } {
  const bar = new ProgressBar(ctx.stderr);
  let lastTask = '';
  let lastLine = -Infinity;
  return {
    onEvent(event) {
      switch (event.type) {
        case 'run':
          bar.log(
            `${event.label}: ${event.how === 'reused' ? 'reusing finished run' : event.how === 'resumed' ? 'resuming run' : 'new run'} ${event.runId}`,
          );
          break;
        case 'log':
          bar.log(`${event.level === 'warn' ? 'warning: ' : ''}${event.message}`);
          break;
        case 'progress': {
          const left =
            event.secondsLeft === null ? 'estimating time left' : `${formatDuration(event.secondsLeft)} left`;
          const text = `${event.doing} · ${left}`;
          if (ctx.stderr.isTTY) {
            bar.update(event.fraction, text);
            break;
          }
          const task = event.doing.split(':')[0];
          if (task !== lastTask || event.elapsedSeconds - lastLine >= every) {
            lastTask = task;
            lastLine = event.elapsedSeconds;
            ctx.stderr.write(
              `[${(event.fraction * 100).toFixed(0).padStart(3)}% · ${formatDuration(event.elapsedSeconds)}] ${text}\n`,
            );
          }
          break;
        }
      }
    },
    done: () => bar.done(),
  };
}
