import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';

/**
 * Reads the 15-minute rollups into the requested buckets. A rollup row belongs to the requested
 * bucket its start falls in (width_bucket: a binary search over the bucket starts), so a query
 * is one index range scan on bucket_start plus a group by, whatever the bucket size or zone.
 */
const STARTS = `b as (
  select array_agg(x::timestamptz order by x::timestamptz) as starts
    from jsonb_array_elements_text(?::jsonb) as x)`;

export interface BucketWindow {
  starts: Date[];
  /** End of the last bucket. */
  end: Date;
}

export interface LineAggregate {
  i: number;
  line_id: string;
  code: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  occupied_seconds: number;
  peak: number;
  channels: number | null;
}

export interface QueueAggregate {
  i: number;
  queue_id: string;
  code: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  in_sl: number;
  wait_sum_ms: number;
  wait_max_ms: number | null;
  median_ms: number | null;
  p90_ms: number | null;
  handled: number;
  talk_sum_ms: number;
  wrap_up_sum_seconds: number;
  sl_min: number;
  sl_max: number;
}

export interface StaffAggregate {
  i: number;
  staff_id: string;
  username: string | null;
  display_name: string | null;
  offers: number;
  accepted: number;
  declined: number;
  no_answer: number;
  requests: number;
  answered: number;
  handled: number;
  talk_sum_ms: number;
  wrap_up_sum_seconds: number;
  /** Seconds with status "available" in the bucket (spans clipped to it; an open span to now). */
  available_seconds: number;
}

export interface ClientAggregate {
  i: number;
  client_id: string;
  name: string | null;
  contacts: number;
  answered: number;
  abandoned: number;
  missed: number;
}

export interface HourAggregate {
  i: number;
  offered: number;
  handled: number;
  talk_sum_ms: number;
  wrap_up_sum_seconds: number;
}

function params(window: BucketWindow, filter: string | undefined): unknown[] {
  const base = [
    JSON.stringify(window.starts.map((s) => s.toISOString())),
    window.starts[0].toISOString(),
    window.end.toISOString(),
  ];
  return filter === undefined ? base : [...base, filter];
}

@Injectable()
export class StatsReportRepository {
  constructor(private readonly em: EntityManager) {}

  async lines(window: BucketWindow, lineId?: string): Promise<LineAggregate[]> {
    return this.em.execute<LineAggregate[]>(
      `with ${STARTS},
         agg as (
           select width_bucket(t.bucket_start, b.starts) as i, t.line_id,
                  sum(t.offered)::int as offered, sum(t.answered)::int as answered,
                  sum(t.abandoned)::int as abandoned, sum(t.missed)::int as missed,
                  sum(t.blocked)::int as blocked, sum(t.occupied_seconds)::float8 as occupied_seconds,
                  max(t.peak_concurrency)::int as peak, max(t.channels)::int as rolled_channels
             from stats_line_15m t, b
            where t.bucket_start >= ?::timestamptz and t.bucket_start < ?::timestamptz
              ${lineId === undefined ? '' : 'and t.line_id = ?::uuid'}
            group by 1, 2
         )
         select agg.i, agg.line_id, agg.offered, agg.answered, agg.abandoned, agg.missed, agg.blocked,
                agg.occupied_seconds, agg.peak, l.code, coalesce(agg.rolled_channels, l.channels) as channels
           from agg left join lines l on l.id = agg.line_id
          order by agg.i, l.code nulls last, agg.line_id`,
      params(window, lineId),
    );
  }

  /**
   * Median and p90 are nearest-rank over the merged waits of the bucket, as `percentile` in
   * call-kpis.ts: element ceil(p · n / 100), in integer arithmetic so no rank is off by one.
   */
  async queues(window: BucketWindow, queueId?: string): Promise<QueueAggregate[]> {
    return this.em.execute<QueueAggregate[]>(
      `with ${STARTS},
         picked as (
           select width_bucket(t.bucket_start, b.starts) as i, t.*
             from stats_queue_15m t, b
            where t.bucket_start >= ?::timestamptz and t.bucket_start < ?::timestamptz
              ${queueId === undefined ? '' : 'and t.queue_id = ?::uuid'}
         ),
         sums as (
           select i, queue_id, sum(offered)::int as offered, sum(answered)::int as answered,
                  sum(abandoned)::int as abandoned, sum(missed)::int as missed,
                  sum(blocked)::int as blocked, sum(answered_in_sl)::int as in_sl,
                  sum(wait_sum_ms)::float8 as wait_sum_ms, max(wait_max_ms) as wait_max_ms,
                  sum(handled)::int as handled, sum(talk_sum_ms)::float8 as talk_sum_ms,
                  sum(wrap_up_sum_seconds)::float8 as wrap_up_sum_seconds,
                  min(sl_threshold_seconds) as sl_min, max(sl_threshold_seconds) as sl_max
             from picked group by 1, 2
         ),
         waits as (
           select i, queue_id, array_agg(w order by w) as ws
             from picked cross join lateral unnest(picked.waits_ms) as w
            group by 1, 2
         )
         select s.*, q.code,
                w.ws[greatest(1, (50 * cardinality(w.ws) + 99) / 100)] as median_ms,
                w.ws[greatest(1, (90 * cardinality(w.ws) + 99) / 100)] as p90_ms
           from sums s
           left join waits w on w.i = s.i and w.queue_id = s.queue_id
           left join queues q on q.id = s.queue_id
          order by s.i, q.code nulls last, s.queue_id`,
      params(window, queueId),
    );
  }

  /**
   * The staff rollups per bucket, with the seconds each person was available in it from their
   * status spans: a person signed in without a call still gets a row (their occupancy is 0).
   */
  async staff(window: BucketWindow, staffId?: string): Promise<StaffAggregate[]> {
    const only = staffId === undefined ? '' : 'and t.staff_id = ?::uuid';
    return this.em.execute<StaffAggregate[]>(
      `with ${STARTS},
         agg as (
           select width_bucket(t.bucket_start, b.starts) as i, t.staff_id,
                  sum(offers)::int as offers, sum(accepted)::int as accepted,
                  sum(declined)::int as declined, sum(no_answer)::int as no_answer,
                  sum(request_offers_accepted)::int as requests, sum(answered)::int as answered,
                  sum(handled)::int as handled, sum(talk_sum_ms)::float8 as talk_sum_ms,
                  sum(wrap_up_sum_seconds)::float8 as wrap_up_sum_seconds
             from stats_staff_15m t, b
            where t.bucket_start >= ?::timestamptz and t.bucket_start < ?::timestamptz
              ${only}
            group by 1, 2
         ),
         bounds as (
           select i, b.starts[i] as s, coalesce(b.starts[i + 1], ?::timestamptz) as e
             from b, generate_subscripts(b.starts, 1) as i
         ),
         avail as (
           select k.i, t.user_id as staff_id,
                  sum(extract(epoch from
                    least(coalesce(t.ended_at, now()), k.e) - greatest(t.started_at, k.s)))::float8
                    as available_seconds
             from bounds k
             join staff_status_spans t
               on t.status = 'available' and t.started_at < k.e
              and coalesce(t.ended_at, now()) > k.s
              and t.started_at < coalesce(t.ended_at, now())
            where true ${only.replace('t.staff_id', 't.user_id')}
            group by 1, 2
         )
         select coalesce(agg.i, avail.i) as i, coalesce(agg.staff_id, avail.staff_id) as staff_id,
                coalesce(agg.offers, 0) as offers, coalesce(agg.accepted, 0) as accepted,
                coalesce(agg.declined, 0) as declined, coalesce(agg.no_answer, 0) as no_answer,
                coalesce(agg.requests, 0) as requests, coalesce(agg.answered, 0) as answered,
                coalesce(agg.handled, 0) as handled, coalesce(agg.talk_sum_ms, 0) as talk_sum_ms,
                coalesce(agg.wrap_up_sum_seconds, 0) as wrap_up_sum_seconds,
                coalesce(avail.available_seconds, 0) as available_seconds,
                u.username, u.display_name
           from agg
           full join avail on avail.i = agg.i and avail.staff_id = agg.staff_id
           left join users u on u.id = coalesce(agg.staff_id, avail.staff_id)
          order by 1, u.username nulls last, 2`,
      [...params(window, staffId), window.end.toISOString(), ...(staffId ? [staffId] : [])],
    );
  }

  async clients(window: BucketWindow, clientId?: string): Promise<ClientAggregate[]> {
    return this.em.execute<ClientAggregate[]>(
      `with ${STARTS},
         agg as (
           select width_bucket(t.bucket_start, b.starts) as i, t.client_id,
                  sum(contacts)::int as contacts, sum(answered)::int as answered,
                  sum(abandoned)::int as abandoned, sum(missed)::int as missed
             from stats_client_15m t, b
            where t.bucket_start >= ?::timestamptz and t.bucket_start < ?::timestamptz
              ${clientId === undefined ? '' : 'and t.client_id = ?::uuid'}
            group by 1, 2
         )
         select agg.*, c.name
           from agg left join clients c on c.id = agg.client_id
          order by agg.i, c.name nulls last, agg.client_id`,
      params(window, clientId),
    );
  }

  /** Arrivals per bucket: every call (line rollup, unmapped lines included), or one queue's. */
  async arrivals(window: BucketWindow, queueId?: string): Promise<{ i: number; n: number }[]> {
    const table = queueId === undefined ? 'stats_line_15m' : 'stats_queue_15m';
    return this.em.execute<{ i: number; n: number }[]>(
      `with ${STARTS}
         select width_bucket(t.bucket_start, b.starts) as i, sum(t.offered)::int as n
           from ${table} t, b
          where t.bucket_start >= ?::timestamptz and t.bucket_start < ?::timestamptz
            ${queueId === undefined ? '' : 'and t.queue_id = ?::uuid'}
          group by 1`,
      params(window, queueId),
    );
  }

  /** Per bucket of one queue: what the forecast needs (arrivals, handled calls, handle time). */
  async queueLoad(window: BucketWindow, queueId: string): Promise<HourAggregate[]> {
    return this.em.execute<HourAggregate[]>(
      `with ${STARTS}
         select width_bucket(t.bucket_start, b.starts) as i, sum(t.offered)::int as offered,
                sum(t.handled)::int as handled, sum(t.talk_sum_ms)::float8 as talk_sum_ms,
                sum(t.wrap_up_sum_seconds)::float8 as wrap_up_sum_seconds
           from stats_queue_15m t, b
          where t.bucket_start >= ?::timestamptz and t.bucket_start < ?::timestamptz
            and t.queue_id = ?::uuid
          group by 1`,
      params(window, queueId),
    );
  }

  async queueByCode(
    code: string,
  ): Promise<{ id: string; code: string; sl_threshold_seconds: number } | null> {
    const rows = await this.em.execute<
      { id: string; code: string; sl_threshold_seconds: number }[]
    >(`select id, code, sl_threshold_seconds from queues where lower(code) = lower(?)`, [code]);
    return rows[0] ?? null;
  }
}
