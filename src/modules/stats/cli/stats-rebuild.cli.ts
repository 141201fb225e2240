import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '@/config/app-config';
import { buildOrmOptions } from '@/database/orm-options';
import { RollupRepository } from '@/modules/stats/rollups/rollup.repository';
import { RebuildProgress, RollupService } from '@/modules/stats/rollups/rollup.service';

const USAGE = `usage: npm run stats:rebuild -- [--from <ISO-8601>] [--to <ISO-8601>]
  Rewrites every 15-minute rollup bucket of [from, to) from the calls and offers, a day per
  transaction (safe to interrupt and run again). Without --from/--to: the whole call history.`;

const BAR_WIDTH = 30;

function instant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  // An instant needs an offset: without one it would depend on this machine's zone.
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value) && /T/.test(value)) {
    throw new Error(`--${name} needs a UTC offset, e.g. 2026-03-01T00:00:00Z`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`--${name} is not an ISO-8601 time: ${value}`);
  return date;
}

function format(seconds: number): string {
  return seconds < 60
    ? `${seconds.toFixed(1)} s`
    : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** A bar redrawn in place on a terminal, one line per step otherwise (CI logs). */
function progressPrinter(started: number): (p: RebuildProgress) => void {
  const tty = process.stderr.isTTY;
  return ({ done, total, chunk }) => {
    const share = total === 0 ? 1 : done / total;
    const filled = Math.round(share * BAR_WIDTH);
    const elapsed = (Date.now() - started) / 1000;
    const eta = done === 0 ? '' : `, ~${format((elapsed / done) * (total - done))} left`;
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} days ` +
      `(${chunk.start.toISOString().slice(0, 10)}) ${format(elapsed)}${eta}`;
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    if (tty && done === total) process.stderr.write('\n');
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // eslint-disable-next-line no-restricted-properties -- CLI entry point reads the environment once
  const config = loadConfig(process.env);
  const orm = await MikroORM.init(buildOrmOptions(config));
  try {
    const rollups = new RollupService(orm.em, new RollupRepository());
    const span = await orm.em.fork().execute<{ first: Date | null; last: Date | null }[]>(
      `select min(arrived_at) as first, max(greatest(arrived_at, coalesce(ended_at, arrived_at))) as last
         from calls`,
    );
    const first = span[0].first === null ? null : new Date(span[0].first);
    const last = span[0].last === null ? null : new Date(new Date(span[0].last).getTime() + 1);
    const from = instant('from', values.from) ?? first;
    const to = instant('to', values.to) ?? last;
    if (!from || !to) {
      console.error('no calls yet: nothing to rebuild');
      return;
    }
    if (from.getTime() >= to.getTime()) throw new Error('--from must be before --to');
    const started = Date.now();
    const result = await rollups.rebuild(from, to, progressPrinter(started));
    console.error(
      `rebuilt ${result.buckets} buckets from ${from.toISOString()} to ${to.toISOString()} in ${format(result.ms / 1000)}`,
    );
  } finally {
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(1);
});
