/**
 * Terminal progress: on a TTY the current step rewrites one line; in CI logs, transient lines
 * are printed at most every few seconds per source so the log stays readable.
 */
export class Progress {
  private readonly tty = Boolean(process.stdout.isTTY);
  private transientShown = false;
  private readonly lastPrinted = new Map<string, number>();
  private scenarioStarted = Date.now();
  private scenario = '';

  startScenario(name: string): void {
    this.scenario = name;
    this.scenarioStarted = Date.now();
  }

  private prefix(): string {
    const seconds = ((Date.now() - this.scenarioStarted) / 1000).toFixed(0).padStart(4);
    return this.scenario ? `  [${this.scenario} ${seconds}s]` : ' ';
  }

  /** A line that stays. */
  log(text: string): void {
    this.clear();
    console.log(text);
  }

  /** A step of the current scenario (kept). */
  step(text: string): void {
    this.log(`${this.prefix()} ${text}`);
  }

  /** Frequent updates from load processes (replaced by the next one). */
  transient(source: string, text: string): void {
    const line = `${this.prefix()} ${source}: ${text}`;
    if (this.tty) {
      const width = process.stdout.columns ?? 120;
      process.stdout.write(`\r\x1b[K${line.slice(0, width - 1)}`);
      this.transientShown = true;
      return;
    }
    const last = this.lastPrinted.get(source) ?? 0;
    if (Date.now() - last >= 5000) {
      this.lastPrinted.set(source, Date.now());
      console.log(line);
    }
  }

  private clear(): void {
    if (this.transientShown) {
      process.stdout.write('\r\x1b[K');
      this.transientShown = false;
    }
  }
}
