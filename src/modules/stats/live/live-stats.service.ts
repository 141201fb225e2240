import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { REDIS } from '@/redis/redis.module';
import {
  STAFF_STATES,
  STAFF_STATUSES,
  StaffState,
  StaffStatus,
} from '@/modules/staff/entities/staff-presence.entity';
import type {
  LiveLine,
  LiveQueue,
  LiveStaffCounts,
  StatsLivePayload,
  StatsThresholdPayload,
} from '@/modules/stats/dto/live.dto';
import { bucketOf } from '@/modules/stats/kpi/time-buckets';
import { Occupation, trafficErlangs } from '@/modules/stats/kpi/line-load';
import { Breach, breachKey, findBreaches } from '@/modules/stats/live/thresholds';
import { StatsEventBus } from '@/modules/stats/stats.events';
import { TARGET_SERVICE_LEVEL } from '@/modules/stats/reports/stats-report.service';

/**
 * Calls still open after this long are stale rows (a lost `ended`), not callers: the live
 * figures look back this far so every query stays an index range scan on arrived_at.
 */
const LOOKBACK_MS = 24 * 3600_000;
const MINUTE_MS = 60_000;

/** Statuses of a call that is waiting for someone to pick up, as routing reads them. */
const WAITING_STATUSES = `('arrived', 'queued', 'transferred', 'offered')`;

interface QueueRow {
  id: string;
  code: string;
  sl_threshold_seconds: number;
  waiting: number;
  longest: number | null;
  offered: number;
  answered: number;
  abandoned: number;
  in_sl: number;
  wait_sum_ms: number | string | null;
}

interface StaffRow {
  queue_id: string;
  status: StaffStatus;
  state: StaffState;
  n: number;
}

interface LineRow {
  id: string;
  code: string;
  channels: number;
}

interface OccupationRow {
  line_id: string;
  arrived_at: Date | string;
  ended_at: Date | string | null;
}

function emptyStaffCounts(): LiveStaffCounts {
  return {
    byStatus: Object.fromEntries(STAFF_STATUSES.map((s) => [s, 0])) as Record<StaffStatus, number>,
    byState: Object.fromEntries(STAFF_STATES.map((s) => [s, 0])) as Record<StaffState, number>,
  };
}

/**
 * The live supervisor feed: one snapshot per tick, computed once in the worker and sent to the
 * supervisors' room, then checked against the configured thresholds.
 */
@Injectable()
export class LiveStatsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly publisher: RealtimePublisher,
    private readonly events: StatsEventBus,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async tick(now = new Date()): Promise<StatsLivePayload> {
    const snapshot = await this.snapshot(now);
    this.publisher.toRooms(rooms.role('supervisor'), 'stats.live', snapshot);
    await this.checkThresholds(snapshot, now);
    return snapshot;
  }

  async snapshot(now = new Date()): Promise<StatsLivePayload> {
    const em = this.em.fork();
    const timeZone = this.config.defaultTimeZone;
    const todayFrom = bucketOf(now, '1d', timeZone);
    const since = new Date(now.getTime() - LOOKBACK_MS);
    const [queues, staff, lines, occupations] = await Promise.all([
      this.queueRows(em, now, since, todayFrom),
      this.staffRows(em),
      em.execute<LineRow[]>(`select id, code, channels from lines order by code`),
      this.occupationRows(em, now, since),
    ]);
    return {
      at: now.toISOString(),
      timeZone,
      todayFrom: todayFrom.toISOString(),
      queues: this.liveQueues(queues, staff),
      lines: this.liveLines(lines, occupations, now),
      thresholds: { ...this.config.stats.alerts, serviceLevel: TARGET_SERVICE_LEVEL },
    };
  }

  /**
   * Announces a threshold crossing: to supervisors' sockets, and as a domain event the
   * notifications feature turns into alerts (it subscribes to StatsEventBus).
   */
  onThresholdCrossed(payload: StatsThresholdPayload): void {
    this.publisher.toRooms(rooms.role('supervisor'), 'stats.threshold', payload);
    void this.events.publish({ type: 'stats.threshold', ...payload });
  }

  /**
   * Raises a breach once when it starts and clears it once when it ends. Open breaches live in
   * a Redis hash (HSETNX / HDEL decide who announces), so a restarted worker or a second one
   * does not raise them again.
   */
  private async checkThresholds(snapshot: StatsLivePayload, now: Date): Promise<void> {
    const key = `${this.config.redis.prefix}:stats:breaches`;
    const at = now.toISOString();
    const current = new Map<string, Breach>(
      findBreaches(snapshot, this.config.stats.alerts).map((b) => [breachKey(b), b]),
    );
    const open = await this.redis.hgetall(key);
    for (const [field, breach] of current) {
      if (field in open) continue;
      const stored: OpenBreach = { ...breach, raisedAt: at };
      if ((await this.redis.hsetnx(key, field, JSON.stringify(stored))) !== 1) continue;
      this.onThresholdCrossed({
        ...breach,
        id: `${field}:${at}`,
        state: 'raised',
        raisedAt: at,
        at,
      });
    }
    for (const [field, json] of Object.entries(open)) {
      if (current.has(field)) continue;
      if ((await this.redis.hdel(key, field)) !== 1) continue;
      const breach = JSON.parse(json) as OpenBreach;
      this.onThresholdCrossed({
        ...breach,
        id: `${field}:${breach.raisedAt}`,
        state: 'cleared',
        value: currentValue(snapshot, breach),
        at,
      });
    }
  }

  private liveQueues(rows: QueueRow[], staff: StaffRow[]): LiveQueue[] {
    const counts = new Map<string, LiveStaffCounts>();
    for (const row of staff) {
      const c = counts.get(row.queue_id) ?? emptyStaffCounts();
      c.byStatus[row.status] += row.n;
      c.byState[row.state] += row.n;
      counts.set(row.queue_id, c);
    }
    return rows.map((r) => ({
      queueId: r.id,
      queueCode: r.code,
      slThresholdSeconds: r.sl_threshold_seconds,
      waiting: r.waiting,
      longestWaitSeconds: r.longest === null ? null : Math.max(0, Number(r.longest)),
      staff: counts.get(r.id) ?? emptyStaffCounts(),
      today: {
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        serviceLevel: r.offered === 0 ? null : r.in_sl / r.offered,
        asa: r.answered === 0 ? null : Number(r.wait_sum_ms) / r.answered / 1000,
      },
    }));
  }

  private liveLines(lines: LineRow[], rows: OccupationRow[], now: Date): LiveLine[] {
    const byLine = new Map<string, { occupations: Occupation[]; open: number }>();
    for (const row of rows) {
      const entry = byLine.get(row.line_id) ?? { occupations: [], open: 0 };
      const start = new Date(row.arrived_at);
      const endMs = row.ended_at === null ? now.getTime() : new Date(row.ended_at).getTime();
      // A clock-skewed end before the arrival is a zero-length call, as in the rollups.
      const end = new Date(Math.max(start.getTime(), Math.min(endMs, now.getTime())));
      entry.occupations.push({ start, end });
      if (row.ended_at === null) entry.open++;
      byLine.set(row.line_id, entry);
    }
    const last = (minutes: number) => new Date(now.getTime() - minutes * MINUTE_MS);
    return lines.map((line) => {
      const entry = byLine.get(line.id) ?? { occupations: [], open: 0 };
      return {
        lineId: line.id,
        lineCode: line.code,
        channels: line.channels,
        callsNow: entry.open,
        occupancy: line.channels > 0 ? entry.open / line.channels : null,
        erlangs15m: trafficErlangs(entry.occupations, last(15), now),
        erlangs60m: trafficErlangs(entry.occupations, last(60), now),
      };
    });
  }

  private queueRows(
    em: EntityManager,
    now: Date,
    since: Date,
    todayFrom: Date,
  ): Promise<QueueRow[]> {
    return em.execute<QueueRow[]>(
      `select q.id, q.code, q.sl_threshold_seconds,
              coalesce(w.waiting, 0) as waiting, w.longest,
              coalesce(t.offered, 0) as offered, coalesce(t.answered, 0) as answered,
              coalesce(t.abandoned, 0) as abandoned, coalesce(t.in_sl, 0) as in_sl, t.wait_sum_ms
         from queues q
         left join (
           select c.queue_id, count(*)::int as waiting,
                  max(extract(epoch from ?::timestamptz - coalesce(c.queued_at, c.arrived_at)))::float8
                    as longest
             from calls c
            where c.arrived_at >= ?::timestamptz and c.arrived_at < ?::timestamptz
              and c.queue_id is not null
              and c.outcome = 'in_progress' and c.status in ${WAITING_STATUSES}
            group by 1
         ) w on w.queue_id = q.id
         left join (
           select c.queue_id, count(*)::int as offered,
                  count(x.wait_ms)::int as answered,
                  count(*) filter (where c.outcome = 'abandoned')::int as abandoned,
                  count(*) filter (where x.wait_ms <= qq.sl_threshold_seconds * 1000)::int as in_sl,
                  sum(x.wait_ms)::float8 as wait_sum_ms
             from calls c
             join queues qq on qq.id = c.queue_id
            cross join lateral (
              select case when c.answered_at is not null and c.outcome in ('answered', 'in_progress')
                          then greatest(0, round(extract(epoch from c.answered_at - coalesce(c.queued_at, c.arrived_at)) * 1000))
                     end as wait_ms
            ) x
            where c.arrived_at >= ?::timestamptz and c.arrived_at < ?::timestamptz
            group by 1
         ) t on t.queue_id = q.id
        order by q.code`,
      [
        now.toISOString(),
        since.toISOString(),
        // The snapshot is as of `now`: a call stamped later (a connector's clock ahead, a
        // snapshot taken for a past instant) is not waiting yet.
        now.toISOString(),
        todayFrom.toISOString(),
        now.toISOString(),
      ],
    );
  }

  private staffRows(em: EntityManager): Promise<StaffRow[]> {
    return em.execute<StaffRow[]>(
      `select m.queue_id, coalesce(p.status::text, 'offline') as status,
              coalesce(p.state::text, 'idle') as state, count(*)::int as n
         from queue_members m
         join users u on u.id = m.user_id and u.active
         left join staff_presence p on p.user_id = u.id
        group by 1, 2, 3`,
    );
  }

  /** Calls on a line that overlap the last hour or are still open; blocked calls hold no channel. */
  private occupationRows(em: EntityManager, now: Date, since: Date): Promise<OccupationRow[]> {
    return em.execute<OccupationRow[]>(
      `select c.line_id, c.arrived_at, c.ended_at
         from calls c
        where c.arrived_at >= ?::timestamptz and c.arrived_at < ?::timestamptz
          and c.line_id is not null and c.outcome <> 'blocked'
          and (c.ended_at is null or c.ended_at > ?::timestamptz)`,
      [
        since.toISOString(),
        now.toISOString(),
        new Date(now.getTime() - 60 * MINUTE_MS).toISOString(),
      ],
    );
  }
}

interface OpenBreach extends Breach {
  raisedAt: string;
}

/** The figure a cleared breach is back at; 0 when its line or queue is gone. */
function currentValue(snapshot: StatsLivePayload, breach: Breach): number {
  const id = breach.subject.id;
  switch (breach.kind) {
    case 'queue.waiting':
      return snapshot.queues.find((q) => q.queueId === id)?.waiting ?? 0;
    case 'queue.longest-wait':
      return snapshot.queues.find((q) => q.queueId === id)?.longestWaitSeconds ?? 0;
    case 'line.occupancy':
      return snapshot.lines.find((l) => l.lineId === id)?.occupancy ?? 0;
  }
}
