/**
 * Hand-written SQL computing the figures of the stats feature straight from calls and offers,
 * written from the KPI definitions (docs/product.md) rather than from the feature's queries:
 * each figure set is one plain statement over the whole period, the way someone would answer
 * the question with psql. The bench times these beside the feature and checks that both agree.
 */

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const EPOCH = `timestamptz '1970-01-01 00:00:00+00'`;

/** Answered as defined: answered_at known and not closed another way. */
const ANSWERED = `(c.answered_at is not null and c.outcome in ('answered', 'in_progress'))`;
const WAIT_MS = `greatest(0, round(extract(epoch from c.answered_at - coalesce(c.queued_at, c.arrived_at)) * 1000))`;
const TALK_MS = `greatest(0, round(extract(epoch from c.ended_at - c.answered_at) * 1000))`;

/** Scratch tables shaped like the rollups, so the rows can be compared one to one. */
export const BASELINE_TABLES = {
  stats_line_15m: 'bench_stats_line_15m',
  stats_queue_15m: 'bench_stats_queue_15m',
  stats_staff_15m: 'bench_stats_staff_15m',
  stats_client_15m: 'bench_stats_client_15m',
} as const;
export type RollupTable = keyof typeof BASELINE_TABLES;

export function createBaselineTablesSql(): string[] {
  return Object.entries(BASELINE_TABLES).flatMap(([rollup, scratch]) => [
    `drop table if exists ${scratch}`,
    `create table ${scratch} (like ${rollup} including all)`,
  ]);
}

export function dropBaselineTablesSql(): string {
  return `drop table if exists ${Object.values(BASELINE_TABLES).join(', ')}`;
}

/**
 * The four rollups of [$1, $2) in 15-minute buckets, one INSERT … SELECT … GROUP BY date_bin
 * each. Counts by arrival; a line's occupied seconds and peak concurrency split by time over
 * every bucket a call spans (a call occupies [arrival, end), blocked calls hold no channel; at
 * one instant ends come before starts, a zero-length call on top of the calls already active).
 */
export function rebuildBaselineSql(): { table: RollupTable; sql: string }[] {
  const bin = (col: string) => `date_bin('15 minutes', ${col}, ${EPOCH})`;
  const lines = `
    insert into ${BASELINE_TABLES.stats_line_15m}
    with c as (
      select coalesce(line_id, '${ZERO_UUID}'::uuid) as line_id, arrived_at, ended_at, answered_at, outcome
        from calls c where arrived_at < $2::timestamptz
    ),
    arrivals as (
      select line_id, ${bin('arrived_at')} as bucket_start, count(*) as offered,
             count(*) filter (where ${ANSWERED}) as answered,
             count(*) filter (where outcome = 'abandoned') as abandoned,
             count(*) filter (where outcome = 'missed') as missed,
             count(*) filter (where outcome = 'blocked') as blocked
        from c where arrived_at >= $1::timestamptz
       group by 1, 2
    ),
    pieces as (
      select c.line_id, b.bucket_start,
             greatest(c.arrived_at, b.bucket_start) as s,
             least(greatest(c.ended_at, c.arrived_at), b.bucket_start + interval '15 minutes') as e,
             c.ended_at <= c.arrived_at as point
        from c
       cross join lateral generate_series(
               ${bin('greatest(c.arrived_at, $1::timestamptz)')},
               ${bin(`least(greatest(c.arrived_at, c.ended_at - interval '1 microsecond'), $2::timestamptz - interval '1 microsecond')`)},
               interval '15 minutes') as b(bucket_start)
       where c.outcome <> 'blocked' and c.ended_at is not null
         and (c.ended_at > $1::timestamptz or c.arrived_at >= $1::timestamptz)
    ),
    edges as (
      select line_id, bucket_start, s as t, 1 as delta, case when point then 2 else 1 end as ord from pieces
      union all
      select line_id, bucket_start, e, -1, case when point then 3 else 0 end from pieces
    ),
    peaks as (
      select line_id, bucket_start, max(active) as peak
        from (select line_id, bucket_start,
                     sum(delta) over (partition by line_id, bucket_start order by t, ord
                                      rows unbounded preceding) as active
                from edges) x
       group by 1, 2
    ),
    occupied as (
      select line_id, bucket_start, sum(extract(epoch from e - s))::float8 as seconds
        from pieces group by 1, 2
    )
    select k.line_id, k.bucket_start, coalesce(a.offered, 0), coalesce(a.answered, 0),
           coalesce(a.abandoned, 0), coalesce(a.missed, 0), coalesce(a.blocked, 0),
           coalesce(o.seconds, 0), coalesce(p.peak, 0), l.channels
      from (select line_id, bucket_start from arrivals
            union select line_id, bucket_start from occupied) k
      left join arrivals a using (line_id, bucket_start)
      left join occupied o using (line_id, bucket_start)
      left join peaks p using (line_id, bucket_start)
      left join lines l on l.id = k.line_id`;
  const queues = `
    insert into ${BASELINE_TABLES.stats_queue_15m}
    select queue_id, bucket_start, count(*), count(wait_ms),
           count(*) filter (where outcome = 'abandoned'), count(*) filter (where outcome = 'missed'),
           count(*) filter (where outcome = 'blocked'), sl, count(*) filter (where wait_ms <= sl * 1000),
           coalesce(sum(wait_ms), 0), max(wait_ms),
           coalesce(array_agg(wait_ms order by wait_ms) filter (where wait_ms is not null), '{}'),
           count(talk_ms), coalesce(sum(talk_ms), 0), count(talk_ms) * wrap
      from (select c.queue_id, ${bin('c.arrived_at')} as bucket_start, c.outcome,
                   q.sl_threshold_seconds as sl, q.wrap_up_seconds as wrap,
                   case when ${ANSWERED} then least(2147483647, ${WAIT_MS})::int end as wait_ms,
                   case when ${ANSWERED} and c.ended_at is not null then ${TALK_MS}::bigint end as talk_ms
              from calls c join queues q on q.id = c.queue_id
             where c.arrived_at >= $1::timestamptz and c.arrived_at < $2::timestamptz) f
     group by queue_id, bucket_start, sl, wrap`;
  const staff = `
    insert into ${BASELINE_TABLES.stats_staff_15m}
    with offer_side as (
      select staff_id, ${bin('created_at')} as bucket_start,
             count(*) filter (where kind = 'call') as offers,
             count(*) filter (where kind = 'call' and status = 'accepted') as accepted,
             count(*) filter (where kind = 'call' and status = 'declined') as declined,
             count(*) filter (where kind = 'call' and status = 'expired') as no_answer,
             count(*) filter (where kind = 'request' and status = 'accepted') as requests
        from offers where created_at >= $1::timestamptz and created_at < $2::timestamptz
       group by 1, 2
    ),
    call_side as (
      select staff_id, bucket_start, count(*) as answered, count(talk_ms) as handled,
             coalesce(sum(talk_ms), 0) as talk_ms,
             coalesce(sum(wrap) filter (where talk_ms is not null), 0) as wrap
        from (select c.answered_by_id as staff_id, ${bin('c.arrived_at')} as bucket_start,
                     coalesce(q.wrap_up_seconds, 0) as wrap,
                     case when c.ended_at is not null then ${TALK_MS}::bigint end as talk_ms
                from calls c left join queues q on q.id = c.queue_id
               where c.arrived_at >= $1::timestamptz and c.arrived_at < $2::timestamptz
                 and c.answered_by_id is not null and ${ANSWERED}) x
       group by 1, 2
    )
    select coalesce(o.staff_id, k.staff_id), coalesce(o.bucket_start, k.bucket_start),
           coalesce(o.offers, 0), coalesce(o.accepted, 0), coalesce(o.declined, 0),
           coalesce(o.no_answer, 0), coalesce(o.requests, 0), coalesce(k.answered, 0),
           coalesce(k.handled, 0), coalesce(k.talk_ms, 0), coalesce(k.wrap, 0)
      from offer_side o
      full join call_side k on k.staff_id = o.staff_id and k.bucket_start = o.bucket_start`;
  const clients = `
    insert into ${BASELINE_TABLES.stats_client_15m}
    select c.client_id, ${bin('c.arrived_at')}, count(*), count(*) filter (where ${ANSWERED}),
           count(*) filter (where c.outcome = 'abandoned'), count(*) filter (where c.outcome = 'missed')
      from calls c
     where c.client_id is not null and c.arrived_at >= $1::timestamptz and c.arrived_at < $2::timestamptz
     group by 1, 2`;
  return [
    { table: 'stats_line_15m', sql: lines },
    { table: 'stats_queue_15m', sql: queues },
    { table: 'stats_staff_15m', sql: staff },
    { table: 'stats_client_15m', sql: clients },
  ];
}

/**
 * Rows of one rollup over [$1, $2) that differ from the baseline's: only in the rollup, only
 * in the baseline, or with other figures (occupied seconds to a relative 1e-9: float sums).
 */
export function compareRollupSql(table: RollupTable): string {
  const scratch = BASELINE_TABLES[table];
  if (table === 'stats_line_15m') {
    return `select count(*)::int as rows_app,
                   count(*) filter (where b.line_id is null)::int as only_app,
                   count(*) filter (where a.line_id is null)::int as only_baseline,
                   count(*) filter (where a.line_id is not null and b.line_id is not null and (
                     (a.offered, a.answered, a.abandoned, a.missed, a.blocked, a.peak_concurrency)
                       is distinct from (b.offered, b.answered, b.abandoned, b.missed, b.blocked, b.peak_concurrency)
                     or a.channels is distinct from b.channels
                     or abs(a.occupied_seconds - b.occupied_seconds) > 1e-9 * greatest(1, abs(b.occupied_seconds))))::int as differ
              from (select * from stats_line_15m where bucket_start >= $1::timestamptz and bucket_start < $2::timestamptz) a
              full join ${scratch} b using (line_id, bucket_start)`;
  }
  return `select (select count(*)::int from ${table} where bucket_start >= $1::timestamptz and bucket_start < $2::timestamptz) as rows_app,
                 (select count(*)::int from (select * from ${table} where bucket_start >= $1::timestamptz and bucket_start < $2::timestamptz
                                             except all select * from ${scratch}) x) as only_app,
                 (select count(*)::int from (select * from ${scratch}
                                             except all select * from ${table} where bucket_start >= $1::timestamptz and bucket_start < $2::timestamptz) x) as only_baseline,
                 0 as differ`;
}

/** Totals over [$1, $2) from a rollup table or its baseline copy, for the report. */
export function lineTotalsSql(table: string): string {
  return `select coalesce(sum(offered), 0)::int as offered, coalesce(sum(answered), 0)::int as answered,
                 coalesce(sum(abandoned), 0)::int as abandoned, coalesce(sum(blocked), 0)::int as blocked,
                 round(coalesce(sum(occupied_seconds), 0)::numeric / 3600, 3)::float8 as occupied_hours,
                 count(*)::int as rows
            from ${table} where bucket_start >= $1::timestamptz and bucket_start < $2::timestamptz`;
}

/** The columns of one line-hour as both report baselines return them. */
export interface LineHourRow {
  line_id: string;
  code: string | null;
  hour_start: Date;
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  occupied_seconds: number;
  traffic: number;
  peak: number;
  channels: number | null;
  occupancy: number | null;
}

/**
 * GET /api/stats/lines at 1 h buckets over [$1, $2), read from the 15-minute line rollup: sums
 * of counts and seconds, the hour's peak as the highest of its quarter-hours. Valid for a zone
 * whose offset is whole hours (its hours are UTC hours).
 */
export function linesHourlyFromRollupSql(): string {
  return `select t.line_id, l.code, date_bin('1 hour', t.bucket_start, ${EPOCH}) as hour_start,
                 sum(t.offered)::int as offered, sum(t.answered)::int as answered,
                 sum(t.abandoned)::int as abandoned, sum(t.missed)::int as missed,
                 sum(t.blocked)::int as blocked, sum(t.occupied_seconds)::float8 as occupied_seconds,
                 sum(t.occupied_seconds)::float8 / 3600 as traffic, max(t.peak_concurrency) as peak,
                 coalesce(max(t.channels), l.channels) as channels,
                 sum(t.occupied_seconds)::float8 / 3600 / nullif(coalesce(max(t.channels), l.channels), 0) as occupancy
            from stats_line_15m t left join lines l on l.id = t.line_id
           where t.bucket_start >= $1::timestamptz and t.bucket_start < $2::timestamptz
           group by t.line_id, l.code, l.channels, 3
           order by 3, l.code nulls last, t.line_id`;
}

/** The same report computed from the calls themselves (no rollups), hours of UTC. */
export function linesHourlyFromCallsSql(): string {
  const bin = (col: string) => `date_bin('1 hour', ${col}, ${EPOCH})`;
  return `with c as (
            select coalesce(line_id, '${ZERO_UUID}'::uuid) as line_id, arrived_at, ended_at, answered_at, outcome
              from calls c where arrived_at < $2::timestamptz
          ),
          arrivals as (
            select line_id, ${bin('arrived_at')} as hour_start, count(*) as offered,
                   count(*) filter (where ${ANSWERED}) as answered,
                   count(*) filter (where outcome = 'abandoned') as abandoned,
                   count(*) filter (where outcome = 'missed') as missed,
                   count(*) filter (where outcome = 'blocked') as blocked
              from c where arrived_at >= $1::timestamptz group by 1, 2
          ),
          pieces as (
            select c.line_id, b.hour_start, greatest(c.arrived_at, b.hour_start) as s,
                   least(greatest(c.ended_at, c.arrived_at), b.hour_start + interval '1 hour') as e,
                   c.ended_at <= c.arrived_at as point
              from c
             cross join lateral generate_series(
                     ${bin('greatest(c.arrived_at, $1::timestamptz)')},
                     ${bin(`least(greatest(c.arrived_at, c.ended_at - interval '1 microsecond'), $2::timestamptz - interval '1 microsecond')`)},
                     interval '1 hour') as b(hour_start)
             where c.outcome <> 'blocked' and c.ended_at is not null
               and (c.ended_at > $1::timestamptz or c.arrived_at >= $1::timestamptz)
          ),
          edges as (
            select line_id, hour_start, s as t, 1 as delta, case when point then 2 else 1 end as ord from pieces
            union all
            select line_id, hour_start, e, -1, case when point then 3 else 0 end from pieces
          ),
          peaks as (
            select line_id, hour_start, max(active) as peak
              from (select line_id, hour_start,
                           sum(delta) over (partition by line_id, hour_start order by t, ord
                                            rows unbounded preceding) as active
                      from edges) x
             group by 1, 2
          ),
          occupied as (
            select line_id, hour_start, sum(extract(epoch from e - s))::float8 as seconds
              from pieces group by 1, 2
          )
          select k.line_id, l.code, k.hour_start, coalesce(a.offered, 0)::int as offered,
                 coalesce(a.answered, 0)::int as answered, coalesce(a.abandoned, 0)::int as abandoned,
                 coalesce(a.missed, 0)::int as missed, coalesce(a.blocked, 0)::int as blocked,
                 coalesce(o.seconds, 0) as occupied_seconds, coalesce(o.seconds, 0) / 3600 as traffic,
                 coalesce(p.peak, 0)::int as peak, l.channels,
                 coalesce(o.seconds, 0) / 3600 / nullif(l.channels, 0) as occupancy
            from (select line_id, hour_start from arrivals
                  union select line_id, hour_start from occupied) k
            left join arrivals a using (line_id, hour_start)
            left join occupied o using (line_id, hour_start)
            left join peaks p using (line_id, hour_start)
            left join lines l on l.id = k.line_id
           order by k.hour_start, l.code nulls last, k.line_id`;
}

/** One queue as liveQueuesSql returns it. */
export interface LiveQueueRow {
  id: string;
  code: string;
  sl_threshold_seconds: number;
  waiting: number;
  longest: number | null;
  offered: number;
  answered: number;
  abandoned: number;
  in_sl: number;
  wait_sum_ms: number | null;
  staff: Record<string, number>;
}

/** One line as liveLinesSql returns it. */
export interface LiveLineRow {
  id: string;
  code: string;
  channels: number;
  calls_now: number;
  erlangs_15m: number;
  erlangs_60m: number;
}

/**
 * One pass over the calls that arrived in [$2, $1) per queue: who waits now (statuses routing
 * reads as waiting) and today's counts; queue members by status and by state beside them.
 */
export function liveQueuesSql(): string {
  return `with members as (
            select m.queue_id, coalesce(p.status::text, 'offline') as status,
                   coalesce(p.state::text, 'idle') as state
              from queue_members m
              join users u on u.id = m.user_id and u.active
              left join staff_presence p on p.user_id = u.id
          ),
          staff as (
            select queue_id,
                   jsonb_build_object(
                     'offline', count(*) filter (where status = 'offline'),
                     'available', count(*) filter (where status = 'available'),
                     'break', count(*) filter (where status = 'break'),
                     'idle', count(*) filter (where state = 'idle'),
                     'offered', count(*) filter (where state = 'offered'),
                     'busy', count(*) filter (where state = 'busy'),
                     'wrap_up', count(*) filter (where state = 'wrap_up')) as counts
              from members group by 1
          ),
          calls_now as (
            select c.queue_id,
                   count(*) filter (where w.waiting)::int as waiting,
                   max(extract(epoch from $1::timestamptz - coalesce(c.queued_at, c.arrived_at)))
                     filter (where w.waiting)::float8 as longest,
                   count(*) filter (where w.today)::int as offered,
                   count(*) filter (where w.today and ${ANSWERED})::int as answered,
                   count(*) filter (where w.today and c.outcome = 'abandoned')::int as abandoned,
                   count(*) filter (where w.today and ${ANSWERED} and ${WAIT_MS} <= q.sl_threshold_seconds * 1000)::int as in_sl,
                   sum(${WAIT_MS}) filter (where w.today and ${ANSWERED})::float8 as wait_sum_ms
              from calls c
              join queues q on q.id = c.queue_id
             cross join lateral (
               select c.outcome = 'in_progress'
                        and c.status in ('arrived', 'queued', 'transferred', 'offered') as waiting,
                      c.arrived_at >= $3::timestamptz as today) w
             where c.arrived_at >= $2::timestamptz and c.arrived_at < $1::timestamptz
             group by 1
          )
          select q.id, q.code, q.sl_threshold_seconds, coalesce(n.waiting, 0) as waiting, n.longest,
                 coalesce(n.offered, 0) as offered, coalesce(n.answered, 0) as answered,
                 coalesce(n.abandoned, 0) as abandoned, coalesce(n.in_sl, 0) as in_sl, n.wait_sum_ms,
                 coalesce(s.counts, '{}'::jsonb) as staff
            from queues q
            left join calls_now n on n.queue_id = q.id
            left join staff s on s.queue_id = q.id
           order by q.code`;
}

/**
 * Per line at $1: calls on it now, and traffic over the last 15 and 60 minutes (a call counts
 * from arrival to its end or now, clipped to the window; blocked calls hold no channel). A line
 * with no such call gets one all-null row from the left join, which the sums must skip: with
 * arrived_at null, greatest() falls back to the window start and coalesce() to now, so that row
 * would read as a call open over the whole window (1 Erlang on an idle line).
 */
export function liveLinesSql(): string {
  const window = (minutes: number) =>
    `coalesce(sum(greatest(0, extract(epoch from least(coalesce(c.ended_at, $1::timestamptz), $1::timestamptz)
                                     - greatest(c.arrived_at, $1::timestamptz - interval '${minutes} minutes'))))
                filter (where c.id is not null), 0)::float8 / ${minutes * 60}`;
  return `select l.id, l.code, l.channels,
                 (count(c.id) filter (where c.ended_at is null))::int as calls_now,
                 ${window(15)} as erlangs_15m, ${window(60)} as erlangs_60m
            from lines l
            left join calls c
              on c.line_id = l.id and c.arrived_at >= $2::timestamptz and c.arrived_at < $1::timestamptz
             and c.outcome <> 'blocked'
             and (c.ended_at is null or c.ended_at > $1::timestamptz - interval '60 minutes')
           group by l.id, l.code, l.channels
           order by l.code`;
}
