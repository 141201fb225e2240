const BAR_WIDTH = 30;

export function formatSeconds(seconds: number): string {
  return seconds < 60
    ? `${seconds.toFixed(1)} s`
    : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * A progress bar on stderr for the command-line tools: redrawn in place on a terminal, one line
 * per step otherwise (CI logs) — at most one line a second there, so a long run stays readable.
 */
export function progressBar(
  unit: (done: number, total: number) => string,
): (done: number, total: number, note?: string) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let lastDrawn = 0;
  return (done, total, note = '') => {
    const now = Date.now();
    const finished = done >= total;
    if (!tty && !finished && done !== 0 && now - lastDrawn < 1000) return;
    if (tty && !finished && now - lastDrawn < 100) return;
    lastDrawn = now;
    const share = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(share * BAR_WIDTH);
    const elapsed = (now - started) / 1000;
    const eta =
      done === 0 || finished ? '' : `, ~${formatSeconds((elapsed / done) * (total - done))} left`;
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${unit(done, total)}` +
      `${note === '' ? '' : ` (${note})`} ${formatSeconds(elapsed)}${eta}`;
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    if (tty && finished) process.stderr.write('\n');
  };
}
