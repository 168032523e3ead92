/**
 * Training progress on a terminal: one line redrawn in place when stderr is a
 * TTY, a plain line per epoch otherwise (logs and CI stay readable).
 */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: ProgressStream, private readonly now: () => number = Date.now) {}

  /** Redraws the bar (at most ten times a second); silent when not a TTY. */
  update(fraction: number, text: string): void {
    if (!this.stream.isTTY) return;
    const t = this.now();
    if (t - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = t;
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - text.length - 10));
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(`\r${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${text}\x1b[K`);
    this.drawn = true;
  }

  /** Prints a line that stays (an epoch summary), keeping the bar below it on a TTY. */
  log(line: string): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
