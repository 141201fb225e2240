import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { pgArray } from '@/database/pg-array';
import { BucketRange } from '@/modules/stats/rollups/bucket-ranges';

/** Rollup rows of calls on no known line (an unmapped line code) are kept under this id. */
export const UNMAPPED_LINE_ID = '00000000-0000-0000-0000-000000000000';

/** A digest no real call has: the call must be looked at again by the incremental pass. */
const UNPROCESSED_DIGEST = '00000000-0000-0000-0000-000000000000';

const BIN = (column: string) =>
  `date_bin(interval '15 minutes', ${column}, timestamptz '1970-01-01 00:00:00+00')`;

/**
 * Every range as rows (s, e), from two array binds (starts, ends): any number of ranges is two
 * binds, and the planner sees how many there are. Given as a JSON document it assumed 100 ranges
 * where a rebuild passes one, so every join over the calls was planned a hundred times too big.
 */
const RANGES = `r as (select s, e from unnest(?::timestamptz[], ?::timestamptz[]) as r(s, e))`;

/**
 * Answered as in call-kpis.ts: the answer instant is known and the call was not closed some other
 * way (an in-progress call that is being talked on has been answered already).
 */
const ANSWERED = `(c.answered_at is not null and c.outcome in ('answered', 'in_progress'))`;

const WAIT_MS = `case when ${ANSWERED} then least(2147483647, greatest(0, round(extract(epoch from c.answered_at - coalesce(c.queued_at, c.arrived_at)) * 1000)))::int end`;

/** Talk needs an end: a call still being talked on has no handle time yet. */
const TALK_MS = `case when ${ANSWERED} and c.ended_at is not null then greatest(0, round(extract(epoch from c.ended_at - c.answered_at) * 1000))::bigint end`;

/**
 * Calls are found by arrival at most this long before a range; a longer call still reaching into
 * it is found through the long spans of stats_call_span (same predicate as its partial index).
 */
const LONG_CALL = `interval '6 hours'`;

/**
 * Every call whose [arrival, end) may overlap a range of r, with the range it was found for.
 * A call not yet rolled up has no (or an old) span; it is pending, and the incremental pass
 * records its span before it rewrites the buckets it touches. It carries every column of
 * DIGEST, so recording spans needs no second look-up of the calls.
 *
 * The long spans are looked up one call at a time by primary key. The planner reads the
 * length predicate of the partial index as a third of the spans, and given a plain join it
 * hashed every call that arrived before the range (found by arrival): 0.5 s per day of a
 * month's rebuild, growing with every day, to find the few dozen long calls. `offset 0` keeps
 * the lateral subquery from being flattened into such a join.
 */
const OVERLAPPING = `overlapping as (
  select r.s as rs, r.e as re, c.id, c.line_id, c.arrived_at, c.ended_at, c.outcome,
         c.queued_at, c.answered_at, c.queue_id, c.answered_by_id, c.client_id
    from r join calls c on c.arrived_at >= r.s - ${LONG_CALL} and c.arrived_at < r.e
  union all
  select r.s, r.e, c.id, c.line_id, c.arrived_at, c.ended_at, c.outcome,
         c.queued_at, c.answered_at, c.queue_id, c.answered_by_id, c.client_id
    from r
    join stats_call_span sp
      on sp.last_bucket - sp.first_bucket >= ${LONG_CALL}
     and sp.last_bucket >= r.s and sp.first_bucket < r.e
   cross join lateral (
         select * from calls c
          where c.id = sp.call_id and c.arrived_at < r.s - ${LONG_CALL}
         offset 0) c
)`;

/** The first and last rollup bucket a call can contribute to: its arrival, up to its end. */
const SPAN_FIRST = BIN('c.arrived_at');
const SPAN_LAST = BIN(
  `greatest(c.arrived_at, coalesce(c.ended_at, c.arrived_at) - interval '1 microsecond')`,
);

/** Everything a call's rollup contribution depends on; equal digests mean nothing to redo. */
const DIGESTED = `row(c.arrived_at, c.queued_at, c.answered_at, c.ended_at, c.outcome, c.line_id, c.queue_id, c.answered_by_id, c.client_id)`;

/**
 * 128 bits from two differently seeded hashes of those columns. It was md5 of the row as text:
 * writing four timestamps and four uuids out as text, then md5, cost 3.3 s per million calls,
 * this 1.1 s, and a rebuild digests every call it covers.
 */
const DIGEST = `encode(int8send(hash_record_extended(${DIGESTED}, 0)) || int8send(hash_record_extended(${DIGESTED}, 1)), 'hex')::uuid`;

export interface Watermark {
  callsUpdatedAt: Date;
  offersChangedAt: Date;
  /** The database clock when the lock was taken. */
  now: Date;
}

export interface ChangedCalls {
  count: number;
  maxUpdatedAt: Date | null;
  dirtyBuckets: Date[];
}

export interface ChangedOffers {
  maxChangedAt: Date | null;
  dirtyBuckets: Date[];
}

/** The two binds of RANGES. */
function rangeBinds(ranges: readonly BucketRange[]): [string, string] {
  return [
    pgArray(ranges.map((r) => r.start.toISOString())),
    pgArray(ranges.map((r) => r.end.toISOString())),
  ];
}

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

/**
 * The set-based SQL behind the rollups. Every method runs on the EntityManager it is given, so
 * the service decides what happens in one transaction.
 */
@Injectable()
export class RollupRepository {
  /**
   * Locks the single watermark row without waiting: whoever holds it is rewriting rollups.
   * Under REPEATABLE READ a row changed since the snapshot fails with a serialization error,
   * so a writer never works from a snapshot older than the last committed rewrite.
   */
  async lockWatermark(em: EntityManager): Promise<Watermark> {
    const rows = await em.execute<{ calls_updated_at: Date; offers_changed_at: Date; now: Date }[]>(
      `select calls_updated_at, offers_changed_at, now() as now
         from stats_watermark where id = 1 for update nowait`,
    );
    const row = rows[0];
    if (!row) throw new Error('stats_watermark row is missing; run the migrations');
    return {
      callsUpdatedAt: new Date(row.calls_updated_at),
      offersChangedAt: new Date(row.offers_changed_at),
      now: new Date(row.now),
    };
  }

  async saveWatermark(em: EntityManager, watermark: Watermark): Promise<void> {
    await em.execute(
      `update stats_watermark
          set calls_updated_at = ?::timestamptz, offers_changed_at = ?::timestamptz,
              recomputed_at = now()
        where id = 1`,
      [watermark.callsUpdatedAt.toISOString(), watermark.offersChangedAt.toISOString()],
    );
  }

  /**
   * Calls updated after `since` whose figures differ from what was rolled up, the buckets they
   * touch now and touched then, and their new spans recorded (the caller rewrites those buckets
   * in the same transaction).
   */
  async takeChangedCalls(em: EntityManager, since: Date): Promise<ChangedCalls> {
    const rows = await em.execute<
      {
        n: number;
        max_updated_at: Date | string | null;
        buckets: string[] | null;
      }[]
    >(
      `with candidates as (
         select c.id, c.updated_at, ${SPAN_FIRST} as first_bucket, ${SPAN_LAST} as last_bucket,
                ${DIGEST} as digest
           from calls c
          where c.updated_at > ?::timestamptz
       ),
       changed as (
         select k.*, s.first_bucket as old_first, s.last_bucket as old_last
           from candidates k
           left join stats_call_span s on s.call_id = k.id
          where s.call_id is null or s.digest <> k.digest
       ),
       recorded as (
         insert into stats_call_span (call_id, first_bucket, last_bucket, digest)
         select id, first_bucket, last_bucket, digest from changed
         on conflict (call_id) do update
            set first_bucket = excluded.first_bucket, last_bucket = excluded.last_bucket,
                digest = excluded.digest
       ),
       buckets as (
         select generate_series(first_bucket, last_bucket, interval '15 minutes') as b from changed
         union
         select generate_series(old_first, old_last, interval '15 minutes') from changed
          where old_first is not null
       )
       select (select count(*)::int from changed) as n,
              (select max(updated_at) from candidates) as max_updated_at,
              (select array_agg(to_char(b at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') order by b)
                 from buckets) as buckets`,
      [since.toISOString()],
    );
    const row = rows[0];
    return {
      count: row.n,
      maxUpdatedAt: toDate(row.max_updated_at),
      dirtyBuckets: (row.buckets ?? []).map((b) => new Date(b)),
    };
  }

  /** Offers created or resolved after `since`; an offer counts in the bucket it was made in. */
  async changedOffers(em: EntityManager, since: Date): Promise<ChangedOffers> {
    const rows = await em.execute<
      { max_changed_at: Date | string | null; buckets: string[] | null }[]
    >(
      `with changed as (
         select o.created_at, greatest(o.created_at, coalesce(o.resolved_at, o.created_at)) as changed_at
           from offers o
          where o.created_at > ?::timestamptz or o.resolved_at > ?::timestamptz
       )
       select (select max(changed_at) from changed) as max_changed_at,
              (select array_agg(distinct to_char(${BIN('created_at')} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                 from changed) as buckets`,
      [since.toISOString(), since.toISOString()],
    );
    const row = rows[0];
    return {
      maxChangedAt: toDate(row.max_changed_at),
      dirtyBuckets: (row.buckets ?? []).map((b) => new Date(b)),
    };
  }

  /** Replaces every rollup row of the buckets in `ranges` from the calls and offers. */
  async rewrite(
    em: EntityManager,
    ranges: readonly BucketRange[],
    tables: { calls: boolean; staff: boolean },
  ): Promise<void> {
    await this.rewriteTables(em, ranges, tables, null);
  }

  /**
   * Replaces every rollup row of `range` and records the spans of the calls it covers: those
   * whose span lies inside it and who have no pending change are now exactly rolled up; the
   * others keep a span covering both what the rows may still hold and what they hold now, and
   * stay pending for the incremental pass.
   */
  async rebuild(em: EntityManager, range: BucketRange): Promise<void> {
    await this.rewriteTables(em, [range], { calls: true, staff: true }, range);
  }

  private async rewriteTables(
    em: EntityManager,
    ranges: readonly BucketRange[],
    tables: { calls: boolean; staff: boolean },
    rebuilt: BucketRange | null,
  ): Promise<void> {
    if (ranges.length === 0) return;
    const binds = rangeBinds(ranges);
    const tablesToClear = [
      ...(tables.calls ? ['stats_line_15m', 'stats_queue_15m', 'stats_client_15m'] : []),
      ...(tables.staff ? ['stats_staff_15m'] : []),
    ];
    for (const table of tablesToClear) {
      await em.execute(
        `with ${RANGES} delete from ${table} t using r where t.bucket_start >= r.s and t.bucket_start < r.e`,
        binds,
      );
    }
    if (tables.calls) {
      await this.insertLines(em, binds, rebuilt);
      await this.insertQueues(em, binds);
      await this.insertClients(em, binds);
    }
    if (tables.staff) await this.insertStaff(em, binds);
  }

  /**
   * Counts by arrival; occupied seconds and peak concurrency split by time. A call occupies
   * [arrival, end); a blocked call never got a channel and a call without an end is counted
   * once it ends (its end marks every bucket since its arrival dirty). The peak is a sweep per
   * (line, bucket) in the order of line-load.ts: ends before starts at one instant, and a
   * zero-length call counted on top of the calls active at its instant.
   *
   * A rebuild records the spans of the calls it covers from the same look-up of the calls (a
   * statement of its own read them all again). A span it would leave as it is is not written:
   * rebuilding again would otherwise leave a dead row version behind for every call. Spans go
   * in in call id order: call ids are random, and a day of them inserted in arrival order
   * lands on random pages of the primary key (a day's 33,000 inserts took 160-250 ms that
   * way, 120-140 ms sorted).
   */
  private async insertLines(
    em: EntityManager,
    binds: [string, string],
    rebuilt: BucketRange | null,
  ) {
    const spans = rebuilt
      ? `rebuilt_spans as (
           insert into stats_call_span as s (call_id, first_bucket, last_bucket, digest)
           select c.id, ${SPAN_FIRST}, ${SPAN_LAST},
                  case when ${SPAN_FIRST} >= c.rs and ${SPAN_LAST} < c.re
                       then ${DIGEST} else '${UNPROCESSED_DIGEST}'::uuid end
             from overlapping c
            where ${SPAN_LAST} >= c.rs
            order by c.id
           on conflict (call_id) do update
              set first_bucket = least(s.first_bucket, excluded.first_bucket),
                  last_bucket = greatest(s.last_bucket, excluded.last_bucket),
                  digest = case when s.first_bucket >= ?::timestamptz and s.last_bucket < ?::timestamptz
                                then excluded.digest else s.digest end
            where excluded.first_bucket < s.first_bucket or excluded.last_bucket > s.last_bucket
               or (s.first_bucket >= ?::timestamptz and s.last_bucket < ?::timestamptz
                   and s.digest <> excluded.digest)
         ),`
      : '';
    const rebuiltBinds = rebuilt ? [rebuilt.start.toISOString(), rebuilt.end.toISOString()] : [];
    const spanBinds = [...rebuiltBinds, ...rebuiltBinds];
    await em.execute(
      `with ${RANGES}, ${OVERLAPPING}, ${spans}
       arrivals as (
         select coalesce(c.line_id, '${UNMAPPED_LINE_ID}'::uuid) as line_id,
                ${BIN('c.arrived_at')} as bucket_start,
                count(*)::int as offered,
                count(*) filter (where ${ANSWERED})::int as answered,
                count(*) filter (where c.outcome = 'abandoned')::int as abandoned,
                count(*) filter (where c.outcome = 'missed')::int as missed,
                count(*) filter (where c.outcome = 'blocked')::int as blocked
           from overlapping c
          where c.arrived_at >= c.rs and c.arrived_at < c.re
          group by 1, 2
       ),
       occupations as materialized (
         select coalesce(c.line_id, '${UNMAPPED_LINE_ID}'::uuid) as line_id, b.bucket_start,
                greatest(c.arrived_at, b.bucket_start) as s,
                least(greatest(c.ended_at, c.arrived_at), b.bucket_start + interval '15 minutes') as e,
                c.ended_at <= c.arrived_at as point
           from overlapping c
          cross join lateral generate_series(
                greatest(${BIN('c.arrived_at')}, c.rs),
                least(${SPAN_LAST}, c.re - interval '15 minutes'),
                interval '15 minutes') as b(bucket_start)
          where c.ended_at is not null and c.outcome <> 'blocked'
            and (c.ended_at > c.rs or c.arrived_at >= c.rs)
       ),
       events as (
         select line_id, bucket_start, s as t, 1 as delta, case when point then 2 else 1 end as kind
           from occupations
         union all
         select line_id, bucket_start, e, -1, case when point then 3 else 0 end from occupations
       ),
       running as (
         select line_id, bucket_start,
                sum(delta) over (partition by line_id, bucket_start order by t, kind
                                 rows between unbounded preceding and current row) as active
           from events
       ),
       peaks as (
         select line_id, bucket_start, max(active)::int as peak from running group by 1, 2
       ),
       occupied as (
         select line_id, bucket_start, sum(extract(epoch from e - s))::float8 as seconds
           from occupations group by 1, 2
       ),
       loads as (
         select o.line_id, o.bucket_start, o.seconds, p.peak
           from occupied o join peaks p using (line_id, bucket_start)
       )
       insert into stats_line_15m (line_id, bucket_start, offered, answered, abandoned, missed,
                                   blocked, occupied_seconds, peak_concurrency, channels)
       select coalesce(a.line_id, l.line_id), coalesce(a.bucket_start, l.bucket_start),
              coalesce(a.offered, 0), coalesce(a.answered, 0), coalesce(a.abandoned, 0),
              coalesce(a.missed, 0), coalesce(a.blocked, 0), coalesce(l.seconds, 0),
              coalesce(l.peak, 0), ln.channels
         from arrivals a
         full join loads l on l.line_id = a.line_id and l.bucket_start = a.bucket_start
         left join lines ln on ln.id = coalesce(a.line_id, l.line_id)`,
      [...binds, ...spanBinds],
    );
  }

  /**
   * Per queue named on the call, by arrival. Wrap-up is the queue's configured after-call work
   * (routing holds each person in wrap_up for exactly that long), counted once per handled call.
   */
  private async insertQueues(em: EntityManager, binds: [string, string]) {
    await em.execute(
      `with ${RANGES},
       facts as (
         select c.queue_id, ${BIN('c.arrived_at')} as bucket_start, c.outcome,
                q.sl_threshold_seconds, q.wrap_up_seconds,
                ${WAIT_MS} as wait_ms, ${TALK_MS} as talk_ms
           from r
           join calls c on c.arrived_at >= r.s and c.arrived_at < r.e
           join queues q on q.id = c.queue_id
       )
       insert into stats_queue_15m (queue_id, bucket_start, offered, answered, abandoned, missed,
                                    blocked, sl_threshold_seconds, answered_in_sl, wait_sum_ms,
                                    wait_max_ms, waits_ms, handled, talk_sum_ms, wrap_up_sum_seconds)
       select queue_id, bucket_start, count(*)::int, count(wait_ms)::int,
              count(*) filter (where outcome = 'abandoned')::int,
              count(*) filter (where outcome = 'missed')::int,
              count(*) filter (where outcome = 'blocked')::int,
              sl_threshold_seconds,
              count(*) filter (where wait_ms <= sl_threshold_seconds * 1000)::int,
              coalesce(sum(wait_ms), 0), max(wait_ms),
              coalesce(array_agg(wait_ms order by wait_ms) filter (where wait_ms is not null), '{}'),
              count(talk_ms)::int, coalesce(sum(talk_ms), 0),
              count(talk_ms) * wrap_up_seconds
         from facts
        group by queue_id, bucket_start, sl_threshold_seconds, wrap_up_seconds`,
      binds,
    );
  }

  /**
   * Offers count in the bucket they were made in (no-answer = expired; a ring-all offer
   * cancelled because a colleague took the call is neither declined nor unanswered); answered
   * calls, talk and wrap-up count by the call's arrival, like every call figure.
   */
  private async insertStaff(em: EntityManager, binds: [string, string]) {
    await em.execute(
      `with ${RANGES},
       offer_facts as (
         select o.staff_id, ${BIN('o.created_at')} as bucket_start,
                count(*) filter (where o.kind = 'call')::int as offers,
                count(*) filter (where o.kind = 'call' and o.status = 'accepted')::int as accepted,
                count(*) filter (where o.kind = 'call' and o.status = 'declined')::int as declined,
                count(*) filter (where o.kind = 'call' and o.status = 'expired')::int as no_answer,
                count(*) filter (where o.kind = 'request' and o.status = 'accepted')::int as requests
           from r join offers o on o.created_at >= r.s and o.created_at < r.e
          group by 1, 2
       ),
       call_facts as (
         select c.answered_by_id as staff_id, ${BIN('c.arrived_at')} as bucket_start,
                count(*)::int as answered,
                count(x.talk_ms)::int as handled,
                coalesce(sum(x.talk_ms), 0) as talk_sum_ms,
                coalesce(sum(coalesce(q.wrap_up_seconds, 0)) filter (where x.talk_ms is not null), 0)
                  as wrap_up_sum_seconds
           from r
           join calls c on c.arrived_at >= r.s and c.arrived_at < r.e
           left join queues q on q.id = c.queue_id
          cross join lateral (select ${TALK_MS} as talk_ms) x
          where c.answered_by_id is not null and ${ANSWERED}
          group by 1, 2
       )
       insert into stats_staff_15m (staff_id, bucket_start, offers, accepted, declined, no_answer,
                                    request_offers_accepted, answered, handled, talk_sum_ms,
                                    wrap_up_sum_seconds)
       select coalesce(o.staff_id, k.staff_id), coalesce(o.bucket_start, k.bucket_start),
              coalesce(o.offers, 0), coalesce(o.accepted, 0), coalesce(o.declined, 0),
              coalesce(o.no_answer, 0), coalesce(o.requests, 0), coalesce(k.answered, 0),
              coalesce(k.handled, 0), coalesce(k.talk_sum_ms, 0), coalesce(k.wrap_up_sum_seconds, 0)
         from offer_facts o
         full join call_facts k on k.staff_id = o.staff_id and k.bucket_start = o.bucket_start`,
      binds,
    );
  }

  private async insertClients(em: EntityManager, binds: [string, string]) {
    await em.execute(
      `with ${RANGES}
       insert into stats_client_15m (client_id, bucket_start, contacts, answered, abandoned, missed)
       select c.client_id, ${BIN('c.arrived_at')}, count(*)::int,
              count(*) filter (where ${ANSWERED})::int,
              count(*) filter (where c.outcome = 'abandoned')::int,
              count(*) filter (where c.outcome = 'missed')::int
         from r join calls c on c.arrived_at >= r.s and c.arrived_at < r.e
        where c.client_id is not null
        group by 1, 2`,
      binds,
    );
  }
}
