import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { formatSeconds, progressBar } from '@/common/cli/progress-bar';
import { loadConfig } from '@/config/app-config';
import { buildOrmOptions } from '@/database/orm-options';
import { RollupRepository } from '@/modules/stats/rollups/rollup.repository';
import { RebuildProgress, RollupService } from '@/modules/stats/rollups/rollup.service';

const USAGE = `usage: npm run stats:rebuild -- [--from <ISO-8601>] [--to <ISO-8601>]
  Rewrites every 15-minute rollup bucket of [from, to) from the calls and offers, a day per
  transaction (safe to interrupt and run again). Without --from/--to: the whole call history.`;

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

/** The shared bar, counting days. */
function progressPrinter(): (p: RebuildProgress) => void {
  const bar = progressBar((done, total) => `${done}/${total} days`);
  return ({ done, total, chunk }) => bar(done, total, chunk.start.toISOString().slice(0, 10));
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
    const result = await rollups.rebuild(from, to, progressPrinter());
    console.error(
      `rebuilt ${result.buckets} buckets from ${from.toISOString()} to ${to.toISOString()} in ${formatSeconds(result.ms / 1000)}`,
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
