import type { Client } from 'pg';

/**
 * The statistics data set, generated inside PostgreSQL with generate_series: through the ingest
 * API 1,000,000 calls would take longer than the whole bench budget. Rows go into the real
 * tables with every constraint checked (foreign keys included), in arrival order as a live
 * system writes them, and `setseed` makes the same size give the same rows in every run.
 */
export interface DatasetSpec {
  calls: number;
  days: number;
  lines: number;
  staff: number;
  queues: number;
  clients: number;
  /** Calls still in progress at `end`, for the live tick. */
  inProgress: number;
  /** Arrivals fall in [start, end). */
  start: Date;
  end: Date;
}

/** Directory rows carry this prefix; the bench database is created afresh for every run. */
export const DATASET_PREFIX = 'bstat';

/** Daily profile anchor: the data set ends at this UTC hour, in the middle of a busy day. */
const END_HOUR_UTC = 15;

/**
 * The last `days` days up to 15:00 UTC two days ago: all in the past, so every call has ended
 * by now, and "today" for the live tick at `end` holds a busy morning of calls.
 */
export function datasetWindow(days: number, now = new Date()): { start: Date; end: Date } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const end = new Date(midnight - 2 * 86_400_000 + END_HOUR_UTC * 3_600_000);
  return { start: new Date(end.getTime() - days * 86_400_000), end };
}

/** Lines (60 channels each), queues, agents in two queues each at most, clients. */
export async function createDirectory(db: Client, spec: DatasetSpec): Promise<void> {
  const p = DATASET_PREFIX;
  await db.query(
    `insert into lines (id, code, name, number, channels, created_at, updated_at)
     select gen_random_uuid(), '${p}-line-' || lpad(i::text, 3, '0'), 'Stats bench line ' || i,
            '+1201555' || lpad(i::text, 4, '0'), 60, now(), now()
       from generate_series(1, $1::int) i`,
    [spec.lines],
  );
  // Thresholds of 20 or 30 s and wrap-up of 0 to 30 s, so both vary across queues.
  await db.query(
    `insert into queues (id, code, name, strategy, sl_threshold_seconds, max_wait_seconds,
                         wrap_up_seconds, created_at, updated_at)
     select gen_random_uuid(), '${p}-queue-' || lpad(i::text, 3, '0'), 'Stats bench queue ' || i,
            'longest-idle', case when i % 3 = 0 then 30 else 20 end, 300, (i % 4) * 10, now(), now()
       from generate_series(1, $1::int) i`,
    [spec.queues],
  );
  await db.query(
    `insert into users (id, username, display_name, password_hash, roles, active, created_at, updated_at)
     select gen_random_uuid(), '${p}-agent-' || lpad(i::text, 4, '0'), 'Stats bench agent ' || i,
            'not-a-password-hash', '{agent}', true, now(), now()
       from generate_series(1, $1::int) i`,
    [spec.staff],
  );
  // Agent i serves queue i mod Q; half of them a second queue as well.
  await db.query(
    `with s as (select id, row_number() over (order by username) - 1 as i from users
                 where username like '${p}-agent-%'),
          q as (select id, row_number() over (order by code) - 1 as i from queues
                 where code like '${p}-queue-%')
     insert into queue_members (id, queue_id, user_id, skill_level)
     select gen_random_uuid(), q.id, s.id, 5
       from s join q on q.i = s.i % $1::int
             or (s.i < $2::int and q.i = (s.i + 3) % $1::int)`,
    [spec.queues, Math.floor(spec.staff / 2)],
  );
  await db.query(
    `insert into clients (id, name, kind, phones, emails, created_at, updated_at)
     select gen_random_uuid(), '${p} client ' || lpad(i::text, 6, '0'), 'client',
            array['+1202' || lpad(i::text, 7, '0')], '{}', now(), now()
       from generate_series(1, $1::int) i`,
    [spec.clients],
  );
}

/** The directory ids in code order, as arrays to index from SQL (1-based). */
const DIRECTORY = `dir as (
  select (select array_agg(id order by code) from lines where code like '${DATASET_PREFIX}-line-%') as lines,
         (select array_agg(id order by code) from queues where code like '${DATASET_PREFIX}-queue-%') as queues,
         (select array_agg(id order by username) from users where username like '${DATASET_PREFIX}-agent-%') as staff,
         (select array_agg(id order by name) from clients where name like '${DATASET_PREFIX} client %') as clients
)`;

const MS = (expr: string) => `date_trunc('milliseconds', ${expr})`;

/**
 * Finished calls, arrivals in [start, end):
 * - 85 % of arrivals in business hours (a bell from 06:00 to 20:00 UTC), the rest round the
 *   clock; days wrap at `end`, so the profile is the same on every day;
 * - lines skewed (the busiest takes about 12 %), 0.5 % on an unmapped line, 1 % with no queue;
 * - 88 % answered (wait exponential, mean 25 s; talk 15 s + exponential, mean 215 s), 8 %
 *   abandoned, 2 % missed, 2 % blocked; 8 % answered or dropped without ever queuing;
 * - one call in 40,000 is a 7.5-hour call that arrives at 08:00, so it runs over a day boundary
 *   of the rebuild more than six hours after it arrived (the long-call path of the rollups);
 * - 35 % of calls from a known client; the answering agent is a member of the call's queue.
 * Timestamps are whole milliseconds, as the ingest stores them.
 */
export async function generateCalls(db: Client, spec: DatasetSpec): Promise<number> {
  const dayStart = new Date(spec.start.getTime() - END_HOUR_UTC * 3_600_000);
  await db.query(`select setseed(0.17)`);
  const res = await db.query(
    `with ${DIRECTORY},
     raw as (
       select g, random() as r_day, random() as r_t1, random() as r_t2, random() as r_t3,
              random() as r_prof, random() as r_out, random() as r_line, random() as r_queue,
              random() as r_staff, random() as r_client, random() as r_ivr, random() as r_noq,
              random() as r_wait, random() as r_talk, random() as r_ring
         from generate_series(1, $1::int) g
     ),
     shaped as (
       select g, r_noq, r_ring, r_staff, r_client, r_line, r_queue,
              g % 40000 = 7 as long_call,
              case when r_out < 0.02 then 'blocked' when r_out < 0.10 then 'abandoned'
                   when r_out < 0.12 then 'missed' else 'answered' end as outcome,
              $2::timestamptz + floor(r_day * $3::int) * interval '1 day'
                + case when g % 40000 = 7 then 28800 + 600 * r_t1
                       when r_prof < 0.85 then 21600 + 50400 * (r_t1 + r_t2 + r_t3) / 3
                       else 86400 * r_t1 end * interval '1 second' as t0,
              (2 + 18 * r_ivr) * interval '1 second' as ivr,
              least(600, -ln(1 - r_wait) * 25) * interval '1 second' as wait,
              (3 + least(600, -ln(1 - r_wait) * 45)) * interval '1 second' as hangup,
              case when g % 40000 = 7 then 27000 + 1800 * r_talk
                   else least(10800, 15 - ln(1 - r_talk) * 200) end * interval '1 second' as talk
         from raw
     ),
     placed as (
       select s.*,
              ${MS(`case when s.t0 < $4::timestamptz then s.t0 + $3::int * interval '1 day' else s.t0 end`)} as arrived_at,
              case when s.r_line >= 0.995 then null
                   else 1 + floor(power(s.r_line / 0.995, 1.4) * $5::int)::int end as line_i,
              case when s.r_queue >= 0.99 then null
                   else 1 + floor(s.r_queue / 0.99 * $6::int)::int end as queue_i
         from shaped s
     ),
     timed as (
       select p.*,
              case when p.outcome <> 'blocked' and p.r_noq >= 0.08 then ${MS('p.arrived_at + p.ivr')} end as queued_at,
              ${MS('p.arrived_at + p.ivr')} as ready_at,
              ${MS('p.arrived_at + p.ivr + p.wait')} as answer_at
         from placed p
     ),
     finished as (
       select t.*,
              case t.outcome
                when 'answered' then greatest(t.ready_at, ${MS(`t.answer_at - (2 + 8 * t.r_ring) * interval '1 second'`)})
                when 'missed' then t.ready_at + interval '1 second' end as first_offered_at,
              case t.outcome
                when 'answered' then ${MS('t.answer_at + t.talk')}
                when 'abandoned' then ${MS('t.ready_at + t.hangup')}
                when 'missed' then ${MS(`t.ready_at + (20 + 40 * t.r_ring) * interval '1 second'`)}
                else t.arrived_at end as ended_at
         from timed t
     )
     insert into calls (id, external_id, source, status, outcome, arrived_at, queued_at,
                        first_offered_at, answered_at, ended_at, line_code, queue_code,
                        from_number, to_number, transfers, offers, event_count, last_event_at,
                        line_id, queue_id, answered_by_id, client_id, priority, created_at, updated_at)
     select gen_random_uuid(), '${DATASET_PREFIX}-' || f.g, 'telephony',
            case f.outcome when 'answered' then 'ended' else f.outcome end, f.outcome,
            f.arrived_at, f.queued_at, f.first_offered_at,
            case when f.outcome = 'answered' then f.answer_at end, f.ended_at,
            '${DATASET_PREFIX}-line-' || coalesce(lpad(f.line_i::text, 3, '0'), 'unmapped'),
            '${DATASET_PREFIX}-queue-' || lpad(f.queue_i::text, 3, '0'),
            '+1202' || lpad((f.g % 9999999)::text, 7, '0'), '+12015550100', 0,
            case f.outcome when 'answered' then case when f.r_ring < 0.15 then 2 else 1 end
                           when 'missed' then 1 else 0 end,
            case f.outcome when 'answered' then 4 when 'blocked' then 2 else 3 end,
            f.ended_at, d.lines[f.line_i], d.queues[f.queue_i],
            case when f.outcome = 'answered' then
              d.staff[case when f.queue_i is null then 1 + floor(f.r_staff * $7::int)::int
                           else f.queue_i + $6::int * floor(f.r_staff * ($7::int / $6::int))::int end]
            end,
            case when f.r_client < 0.35 then d.clients[1 + floor(f.r_client / 0.35 * $8::int)::int] end,
            0, f.arrived_at, f.ended_at
       from finished f, dir d
      order by f.arrived_at`,
    [
      spec.calls,
      dayStart.toISOString(),
      spec.days,
      spec.start.toISOString(),
      spec.lines,
      spec.queues,
      spec.staff,
      spec.clients,
    ],
  );
  return res.rowCount ?? 0;
}

/**
 * What routing leaves in `offers`: an accepted offer for every answered call; before it, for
 * 15 % of them, one a colleague let expire or declined; an expired offer for every missed call;
 * and accepted request offers (2 % of the call count) spread over the period.
 */
export async function generateOffers(db: Client, spec: DatasetSpec): Promise<number> {
  await db.query(`select setseed(0.29)`);
  const res = await db.query(
    `with ${DIRECTORY},
     picked as (
       select c.id, c.outcome, c.offers, c.first_offered_at, c.answered_at, c.answered_by_id,
              c.arrived_at, random() as r1, random() as r2
         from calls c
        where c.external_id like '${DATASET_PREFIX}-%' and c.outcome in ('answered', 'missed')
     ),
     made as (
       select 'call' as kind, p.id as item_id, p.answered_by_id as staff_id, 'accepted' as status,
              p.first_offered_at as created_at, p.answered_at as resolved_at
         from picked p where p.outcome = 'answered'
       union all
       select 'call', p.id, d.staff[1 + floor(p.r1 * $1::int)::int], 'expired',
              p.first_offered_at, p.first_offered_at + interval '15 seconds'
         from picked p, dir d where p.outcome = 'missed'
       union all
       select 'call', p.id, d.staff[1 + floor(p.r1 * $1::int)::int],
              case when p.r2 < 0.3 then 'declined' else 'expired' end,
              greatest(p.arrived_at, p.first_offered_at - interval '16 seconds'),
              greatest(p.arrived_at, p.first_offered_at - interval '16 seconds')
                + case when p.r2 < 0.3 then interval '3 seconds' else interval '15 seconds' end
         from picked p, dir d where p.outcome = 'answered' and p.offers = 2
       union all
       select 'request', gen_random_uuid(), d.staff[1 + floor(random() * $1::int)::int], 'accepted',
              x.at, x.at + interval '40 seconds'
         from dir d,
              lateral (select g, date_trunc('milliseconds', $3::timestamptz
                                + random() * ($4::timestamptz - $3::timestamptz)) as at
                         from generate_series(1, $2::int) g) x
     )
     insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at,
                         resolved_at)
     select gen_random_uuid(), m.kind, m.item_id, m.staff_id, m.status::offer_status, null,
            m.created_at, m.created_at + interval '15 seconds', m.resolved_at
       from made m
      order by m.created_at`,
    [spec.staff, Math.round(spec.calls * 0.02), spec.start.toISOString(), spec.end.toISOString()],
  );
  return res.rowCount ?? 0;
}

/**
 * The moment of the live tick, `end`: `inProgress` calls arrived in the last 20 minutes and not
 * ended, spread evenly over the lines. 90 % of the agents are talking (one call each), 5 % are
 * ringing with a pending offer, the others on a break or offline; every other call waits, in the
 * IVR (15 %), queued, or being offered.
 */
export async function addCallsInProgress(db: Client, spec: DatasetSpec): Promise<number> {
  const talking = Math.min(spec.inProgress, Math.floor(spec.staff * 0.9));
  const ringing = Math.min(spec.inProgress - talking, Math.floor(spec.staff * 0.05));
  await db.query(`select setseed(0.41)`);
  const res = await db.query(
    `with ${DIRECTORY},
     raw as (
       select g, random() as r_arr, random() as r_wait, random() as r_queue
         from generate_series(1, $1::int) g
     ),
     shaped as (
       select r.g, 1 + (r.g - 1) % $4::int as line_i,
              case when r.g <= $2::int then 1 + (r.g - 1) % $5::int
                   else 1 + floor(r.r_queue * $5::int)::int end as queue_i,
              date_trunc('milliseconds', $6::timestamptz - (5 + r.r_arr * 1195) * interval '1 second') as arrived_at,
              case when r.g <= $2::int then 'answered'
                   when r.g <= $2::int + $3::int then 'offered'
                   when r.r_wait < 0.15 then 'arrived'
                   else 'queued' end as status
         from raw r
     )
     insert into calls (id, external_id, source, status, outcome, arrived_at, queued_at,
                        first_offered_at, answered_at, ended_at, line_code, queue_code,
                        from_number, to_number, transfers, offers, event_count, last_event_at,
                        line_id, queue_id, answered_by_id, client_id, priority, created_at, updated_at)
     select gen_random_uuid(), '${DATASET_PREFIX}-live-' || s.g, 'telephony', s.status, 'in_progress',
            s.arrived_at,
            case when s.status <> 'arrived' then s.arrived_at + interval '4 seconds' end,
            case when s.status in ('answered', 'offered') then s.arrived_at + interval '5 seconds' end,
            case when s.status = 'answered' then s.arrived_at + interval '7 seconds' end,
            null, '${DATASET_PREFIX}-line-' || lpad(s.line_i::text, 3, '0'),
            '${DATASET_PREFIX}-queue-' || lpad(s.queue_i::text, 3, '0'),
            '+1203' || lpad(s.g::text, 7, '0'), '+12015550100', 0,
            case when s.status in ('answered', 'offered') then 1 else 0 end,
            case s.status when 'arrived' then 1 when 'queued' then 2 when 'offered' then 3 else 4 end,
            s.arrived_at + interval '7 seconds', d.lines[s.line_i], d.queues[s.queue_i],
            case when s.status = 'answered' then
              d.staff[s.queue_i + $5::int * (((s.g - 1) / $5::int) % ($7::int / $5::int))] end,
            null, 0, s.arrived_at, s.arrived_at + interval '7 seconds'
       from shaped s, dir d`,
    [
      spec.inProgress,
      talking,
      ringing,
      spec.lines,
      spec.queues,
      spec.end.toISOString(),
      spec.staff,
    ],
  );
  // Presence as routing keeps it: talking agents busy on their call, ringing ones with a pending
  // offer of a call being offered, then a few on a break and the rest logged out.
  await db.query(
    `with talking as (
       select c.answered_by_id as user_id, c.id as call_id, c.answered_at
         from calls c where c.external_id like '${DATASET_PREFIX}-live-%' and c.status = 'answered'
     ),
     offered as (
       select c.id, c.first_offered_at, row_number() over (order by c.external_id) as n
         from calls c where c.external_id like '${DATASET_PREFIX}-live-%' and c.status = 'offered'
     ),
     free as (
       select u.id, row_number() over (order by u.username) as n
         from users u
        where u.username like '${DATASET_PREFIX}-agent-%'
          and u.id not in (select user_id from talking)
     ),
     pending as (
       insert into offers (id, kind, item_id, staff_id, status, ring_group, created_at, expires_at)
       select gen_random_uuid(), 'call', o.id, f.id, 'pending', null, o.first_offered_at,
              o.first_offered_at + interval '15 seconds'
         from offered o join free f on f.n = o.n
       returning staff_id, created_at
     )
     insert into staff_presence (user_id, status, break_reason, state, state_since,
                                 current_call_id, updated_at)
     select t.user_id, 'available'::staff_status, null::text, 'busy'::staff_state, t.answered_at,
            t.call_id, t.answered_at
       from talking t
     union all
     select p.staff_id, 'available', null, 'offered', p.created_at, null, p.created_at
       from pending p
     union all
     select f.id, case when f.n % 2 = 0 then 'break' else 'offline' end::staff_status,
            case when f.n % 2 = 0 then 'lunch' end, 'idle', $1::timestamptz - interval '30 minutes',
            null, $1::timestamptz - interval '30 minutes'
       from free f where f.n > (select count(*) from pending)`,
    [spec.end.toISOString()],
  );
  return res.rowCount ?? 0;
}

/** Statistics fresh for the planner, and hint bits set, as autovacuum leaves a live table. */
export async function analyzeDataset(db: Client): Promise<void> {
  for (const table of ['lines', 'queues', 'users', 'queue_members', 'clients', 'calls', 'offers']) {
    await db.query(`vacuum (analyze) ${table}`);
  }
}
