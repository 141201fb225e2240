import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import type { CallOutcome } from '@/modules/calls/call-projection';
import { RollupBusyError, RollupService } from '@/modules/stats/rollups/rollup.service';

/**
 * Rows written straight into PostgreSQL, for statistics scenarios that need exact timestamps.
 * Every code and name carries a random suffix: test files share one database and run together.
 */
const suffix = () => randomBytes(4).toString('hex');

export async function insertLine(em: EntityManager, channels = 2): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into lines (id, code, name, channels, created_at, updated_at)
     values (?, ?, 'stats test line', ?, now(), now())`,
    [id, `st-line-${suffix()}`, channels],
  );
  return id;
}

export async function insertQueue(
  em: EntityManager,
  fields: { slThresholdSeconds?: number; wrapUpSeconds?: number } = {},
): Promise<{ id: string; code: string }> {
  const id = randomUUID();
  const code = `st-queue-${suffix()}`;
  await em.execute(
    `insert into queues (id, code, name, sl_threshold_seconds, wrap_up_seconds, created_at, updated_at)
     values (?, ?, 'stats test queue', ?, ?, now(), now())`,
    [id, code, fields.slThresholdSeconds ?? 20, fields.wrapUpSeconds ?? 0],
  );
  return { id, code };
}

export async function insertStaff(em: EntityManager): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into users (id, username, display_name, password_hash, roles, created_at, updated_at)
     values (?, ?, 'stats test agent', 'x', '{agent}', now(), now())`,
    [id, `st-agent-${suffix()}`],
  );
  return id;
}

export async function insertClient(em: EntityManager): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into clients (id, name, phones, emails, created_at, updated_at)
     values (?, ?, '{}', '{}', now(), now())`,
    [id, `Stats client ${suffix()}`],
  );
  return id;
}

export interface CallFixture {
  arrivedAt: string;
  queuedAt?: string | null;
  answeredAt?: string | null;
  endedAt?: string | null;
  outcome: CallOutcome;
  lineId?: string | null;
  queueId?: string | null;
  answeredById?: string | null;
  clientId?: string | null;
}

function statusOf(call: CallFixture): string {
  switch (call.outcome) {
    case 'answered':
      return call.endedAt ? 'ended' : 'answered';
    case 'in_progress':
      return call.queuedAt ? 'queued' : 'arrived';
    case 'abandoned':
    case 'missed':
    case 'blocked':
      return call.outcome;
  }
}

/** A call row as the ingest would leave it, stamped updated now. */
export async function insertCall(em: EntityManager, call: CallFixture): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into calls (id, external_id, source, status, outcome, arrived_at, queued_at, answered_at,
                        ended_at, line_id, queue_id, answered_by_id, client_id, last_event_at,
                        created_at, updated_at)
     values (?, ?, 'telephony', ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz,
             ?::timestamptz, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::timestamptz, now(), now())`,
    [
      id,
      `st-call-${id}`,
      statusOf(call),
      call.outcome,
      call.arrivedAt,
      call.queuedAt ?? null,
      call.answeredAt ?? null,
      call.endedAt ?? null,
      call.lineId ?? null,
      call.queueId ?? null,
      call.answeredById ?? null,
      call.clientId ?? null,
      call.endedAt ?? call.answeredAt ?? call.arrivedAt,
    ],
  );
  return id;
}

/** Changes a call as a late event would, stamping it updated now. */
export async function updateCall(
  em: EntityManager,
  id: string,
  fields: Partial<Record<'arrivedAt' | 'endedAt' | 'answeredAt', string | null>>,
): Promise<void> {
  const columns = { arrivedAt: 'arrived_at', endedAt: 'ended_at', answeredAt: 'answered_at' };
  const sets = Object.keys(fields).map(
    (key) => `${columns[key as keyof typeof columns]} = ?::timestamptz`,
  );
  await em.execute(`update calls set ${sets.join(', ')}, updated_at = now() where id = ?`, [
    ...Object.values(fields),
    id,
  ]);
}

export async function insertOffer(
  em: EntityManager,
  offer: {
    staffId: string;
    itemId: string;
    status: 'pending' | 'accepted' | 'declined' | 'expired' | 'cancelled';
    createdAt: string;
    kind?: 'call' | 'request';
  },
): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into offers (id, kind, item_id, staff_id, status, created_at, expires_at, resolved_at)
     values (?, ?, ?, ?, ?::offer_status, ?::timestamptz, ?::timestamptz + interval '15 seconds',
             case when ? = 'pending' then null else now() end)`,
    [
      id,
      offer.kind ?? 'call',
      offer.itemId,
      offer.staffId,
      offer.status,
      offer.createdAt,
      offer.createdAt,
      offer.status,
    ],
  );
  return id;
}

/**
 * Runs an incremental pass. Workers of other test files recompute too; while one holds the
 * watermark this waits and tries again, as the job does by re-queueing itself.
 */
export async function recompute(rollups: RollupService): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rollups.recompute();
      return;
    } catch (err) {
      if (!(err instanceof RollupBusyError) || attempt > 200) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Every rollup row of these dimensions, in a stable order, for before/after comparisons. */
export async function rollupRows(
  em: EntityManager,
  ids: { lineIds?: string[]; queueIds?: string[]; staffIds?: string[]; clientIds?: string[] },
): Promise<Record<string, unknown[]>> {
  const read = (table: string, column: string, values: string[] = []) =>
    em.execute(
      `select * from ${table}
        where ${column} in (select x::uuid from jsonb_array_elements_text(?::jsonb) as x)
        order by bucket_start, ${column}`,
      [JSON.stringify(values)],
    );
  return {
    lines: await read('stats_line_15m', 'line_id', ids.lineIds),
    queues: await read('stats_queue_15m', 'queue_id', ids.queueIds),
    staff: await read('stats_staff_15m', 'staff_id', ids.staffIds),
    clients: await read('stats_client_15m', 'client_id', ids.clientIds),
  };
}
