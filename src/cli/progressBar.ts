import { formatDuration } from '../shared/formatNumber';

/**
 * Progress on a terminal: one line redrawn in place when the stream is a TTY,
 * nothing otherwise (callers print a line per epoch or stage, so logs and CI
 * stay readable). The line is cut to the terminal's width, since a wrapped line
 * cannot be redrawn in place, and it is erased, not left behind, when lines
 * that stay are printed and when the work is done.
 */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const ERASE_LINE = '\r\x1b[K';
/** Below this much progress, or this soon after the start, a time left would be a guess. */
const ETA_MIN_FRACTION = 0.02;
const ETA_MIN_SECONDS = 2;

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  /** Where the rate is measured from: the first update (resumed work starts past 0). */
  private origin: { t: number; fraction: number } | null = null;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  /** Redraws the bar (at most ten times a second) with the time left once it can be estimated. */
  update(fraction: number, text: string): void {
    if (!this.stream.isTTY) return;
    const t = this.now();
    const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
    if (this.origin === null || f < this.origin.fraction) this.origin = { t, fraction: f };
    if (t - this.lastDraw < 100 && f < 1 && this.drawn) return;
    this.lastDraw = t;
    const columns = this.stream.columns ?? 80;
    const left = this.timeLeft(t, f);
    const info = `${(f * 100).toFixed(0).padStart(3)}%${left ? ` · ${left}` : ''} · ${text}`;
    const width = Math.max(10, Math.min(30, columns - info.length - 2));
    const filled = Math.round(f * width);
    const line = `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${info}`;
    // One column short of the width: a line that fills it makes some terminals wrap.
    this.stream.write(`${ERASE_LINE}${truncate(line, columns - 1)}`);
    this.drawn = true;
  }

  /** Prints a line that stays (an epoch summary); the bar is redrawn below it by the next update. */
  log(line: string): void {
    this.write(`${line}\n`);
  }

  /** Writes text that stays (another process's output), erasing the bar first. */
  write(text: string): void {
    this.erase();
    this.stream.write(text);
  }

  /** Erases the bar; the next update starts a new estimate of the time left. */
  done(): void {
    this.erase();
    this.origin = null;
  }

  private erase(): void {
    if (this.drawn) this.stream.write(ERASE_LINE);
    this.drawn = false;
  }

  private timeLeft(t: number, fraction: number): string | null {
    if (this.origin === null || fraction >= 1) return null;
    const seconds = (t - this.origin.t) / 1000;
    const progressed = fraction - this.origin.fraction;
    if (progressed < ETA_MIN_FRACTION || seconds < ETA_MIN_SECONDS) return null;
    return `${formatDuration(Math.max(0, (seconds * (1 - fraction)) / progressed))} left`;
  }
}

function truncate(line: string, width: number): string {
  const chars = Array.from(line);
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
