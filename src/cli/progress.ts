/**
 * A progress bar on a terminal's stderr, plain periodic lines otherwise (CI logs, pipes).
 */
export class ProgressBar {
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly started = Date.now();
  private lastPlain = 0;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, extra = ''): void {
    this.done = done;
    const now = Date.now();
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const elapsed = (now - this.started) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const tail = `${done}/${this.total} ${extra}${Number.isFinite(eta) ? ` eta ${formatSeconds(eta)}` : ''}`;
    if (this.tty) {
      const width = 28;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}\x1b[K`);
    } else if (now - this.lastPlain > 2000 || done >= this.total) {
      this.lastPlain = now;
      this.stream.write(`${this.label} ${Math.round(fraction * 100)}% ${tail}\n`);
    }
  }

  finish(extra = ''): void {
    if (this.tty) {
      this.update(this.total, extra);
      this.stream.write('\n');
    } else if (this.done < this.total) {
      this.update(this.total, extra);
    }
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
