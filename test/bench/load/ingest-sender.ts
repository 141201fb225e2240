import { Pool } from 'pg';
import { wallNow } from '@test/bench/harness/clock';
import { summarise } from '@test/bench/harness/stats';
import { progress, serveCommands } from '@test/bench/load/protocol';
import { historyEvent, HistorySpec, TelephonyEvent } from '@test/bench/load/telephony-events';

/**
 * Sends a share of a history import in batches, either to the API (`http`) or, for the baseline,
 * as multi-row INSERTs of the same rows with plain `pg` (`pg`).
 */
interface RunArgs extends HistorySpec {
  mode: 'http' | 'pg';
  url?: string;
  apiKey?: string;
  databaseUrl?: string;
  table?: string;
  total: number;
  batchSize: number;
  inFlight: number;
  worker: number;
  workers: number;
}

interface BatchOutcome {
  accepted: number;
  duplicate: number;
  rejected: number;
  error?: string;
}

async function sendHttp(args: RunArgs, events: TelephonyEvent[]): Promise<BatchOutcome> {
  const res = await fetch(`${args.url}/api/telephony/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': args.apiKey ?? '' },
    body: JSON.stringify(events),
  });
  const text = await res.text();
  if (res.status >= 300) {
    return {
      accepted: 0,
      duplicate: 0,
      rejected: events.length,
      error: `${res.status} ${text.slice(0, 300)}`,
    };
  }
  const body = JSON.parse(text) as { results?: { status: string }[] };
  const count = (s: string) => body.results?.filter((r) => r.status === s).length ?? 0;
  return {
    accepted: count('accepted'),
    duplicate: count('duplicate'),
    rejected: count('rejected'),
  };
}

function insertSql(table: string, rows: number): string {
  const cols = 9;
  const values = Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(',')})`,
  );
  return `insert into ${table} (id, call_id, type, at, line, "from", "to", queue, agent) values ${values.join(',')} on conflict (id) do nothing`;
}

async function sendPg(pool: Pool, table: string, events: TelephonyEvent[]): Promise<BatchOutcome> {
  const params = events.flatMap((e) => [
    e.id,
    e.callId,
    e.type,
    e.at,
    e.line,
    e.from,
    e.to ?? null,
    e.queue ?? null,
    e.agent ?? null,
  ]);
  const res = await pool.query(insertSql(table, events.length), params);
  const accepted = res.rowCount ?? 0;
  return { accepted, duplicate: events.length - accepted, rejected: 0 };
}

async function run(args: RunArgs) {
  const batches: number[] = [];
  for (let b = args.worker; b * args.batchSize < args.total; b += args.workers) batches.push(b);
  const pool =
    args.mode === 'pg'
      ? new Pool({ connectionString: args.databaseUrl, max: args.inFlight })
      : null;
  const totals = { events: 0, accepted: 0, duplicate: 0, rejected: 0, failedBatches: 0 };
  let firstError: string | undefined;
  const batchMs: number[] = [];
  const started = wallNow();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: args.inFlight }, async () => {
        while (next < batches.length) {
          const b = batches[next++];
          const from = b * args.batchSize;
          const to = Math.min(args.total, from + args.batchSize);
          const events = Array.from({ length: to - from }, (_, k) => historyEvent(from + k, args));
          const t = wallNow();
          const outcome =
            args.mode === 'http'
              ? await sendHttp(args, events)
              : await sendPg(pool!, args.table!, events);
          batchMs.push(wallNow() - t);
          totals.events += events.length;
          totals.accepted += outcome.accepted;
          totals.duplicate += outcome.duplicate;
          totals.rejected += outcome.rejected;
          if (outcome.error) {
            totals.failedBatches += 1;
            firstError ??= outcome.error;
          }
          if (next % 10 === 0) progress(`${args.mode}: ${totals.events} events sent`);
        }
      }),
    );
  } finally {
    await pool?.end();
  }
  return {
    ...totals,
    firstError,
    startedAt: started,
    endedAt: wallNow(),
    batchMs: summarise(batchMs),
  };
}

serveCommands({ run });
