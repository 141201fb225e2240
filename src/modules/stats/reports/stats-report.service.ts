import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppConfig } from '@/config/app-config';
import { AppError } from '@/common/errors/app-error';
import {
  ClientStatsDto,
  ForecastDto,
  ForecastHourDto,
  HeatmapDto,
  LineStatsDto,
  QueueStatsDto,
  StaffStatsDto,
} from '@/modules/stats/dto/stats-report.dto';
import {
  ClientStatsQueryDto,
  ForecastQueryDto,
  HeatmapQueryDto,
  LineStatsQueryDto,
  QueueStatsQueryDto,
  StaffStatsQueryDto,
} from '@/modules/stats/dto/stats-query.dto';
import { agentsNeeded, erlangB, linesNeeded } from '@/modules/stats/erlang/erlang';
import { ReportRange, resolveRange } from '@/modules/stats/reports/report-range';
import { UNMAPPED_LINE_ID } from '@/modules/stats/rollups/rollup.repository';
import {
  BucketWindow,
  StatsReportRepository,
} from '@/modules/stats/reports/stats-report.repository';
import { staffOccupancy } from '@/modules/stats/kpi/occupancy';

/** Forecast targets from the product definition: 1 % blocking, 80 % answered within T. */
const TARGET_BLOCKING = 0.01;
export const TARGET_SERVICE_LEVEL = 0.8;

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000;
}

function windowOf(range: ReportRange): BucketWindow {
  return { starts: range.starts, end: range.ends[range.ends.length - 1] };
}

interface Bucket {
  bucketStart: string;
  bucketEnd: string;
  seconds: number;
}

/**
 * The requested buckets, indexed as the repository's `i` (from 1), formatted once: a month of
 * hours is 720 buckets but 15,000 line rows, and two toISOString calls per row were a tenth of
 * the report's time.
 */
function bucketsOf(range: ReportRange): Bucket[] {
  return range.starts.map((start, k) => ({
    bucketStart: start.toISOString(),
    bucketEnd: range.ends[k].toISOString(),
    seconds: (range.ends[k].getTime() - start.getTime()) / 1000,
  }));
}

/**
 * Historical figures from the 15-minute rollups, re-cut into the requested buckets of the
 * requested zone. Ratios are recomputed from summed parts (never averaged), so a day's SL is the
 * day's answered-within-T over the day's offered.
 */
@Injectable()
export class StatsReportService {
  constructor(
    private readonly repo: StatsReportRepository,
    private readonly config: AppConfig,
  ) {}

  async lines(query: LineStatsQueryDto): Promise<LineStatsDto> {
    const range = resolveRange(query, this.config.defaultTimeZone);
    const rows = await this.repo.lines(windowOf(range), query.lineId);
    const buckets = bucketsOf(range);
    return {
      ...this.header(range),
      rows: rows.map((r) => {
        const bucket = buckets[r.i - 1];
        const traffic = r.occupied_seconds / bucket.seconds;
        return {
          lineId: r.line_id === UNMAPPED_LINE_ID ? null : r.line_id,
          lineCode: r.code,
          bucketStart: bucket.bucketStart,
          bucketEnd: bucket.bucketEnd,
          offered: r.offered,
          answered: r.answered,
          abandoned: r.abandoned,
          missed: r.missed,
          blocked: r.blocked,
          occupiedSeconds: r.occupied_seconds,
          traffic,
          peakConcurrency: r.peak,
          channels: r.channels,
          occupancy: r.channels ? traffic / r.channels : null,
        };
      }),
    };
  }

  async queues(query: QueueStatsQueryDto): Promise<QueueStatsDto> {
    const range = resolveRange(query, this.config.defaultTimeZone);
    const rows = await this.repo.queues(windowOf(range), query.queueId);
    const buckets = bucketsOf(range);
    return {
      ...this.header(range),
      rows: rows.map((r) => ({
        queueId: r.queue_id,
        queueCode: r.code,
        bucketStart: buckets[r.i - 1].bucketStart,
        bucketEnd: buckets[r.i - 1].bucketEnd,
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        missed: r.missed,
        blocked: r.blocked,
        abandonRate: share(r.abandoned, r.offered),
        asa: r.answered === 0 ? null : r.wait_sum_ms / r.answered / 1000,
        waitMedian: seconds(r.median_ms),
        waitP90: seconds(r.p90_ms),
        waitMax: seconds(r.wait_max_ms),
        aht: r.handled === 0 ? null : (r.talk_sum_ms / 1000 + r.wrap_up_sum_seconds) / r.handled,
        serviceLevel: share(r.in_sl, r.offered),
        slThresholdSeconds: r.sl_min === r.sl_max ? r.sl_min : null,
      })),
    };
  }

  async staff(query: StaffStatsQueryDto): Promise<StaffStatsDto> {
    const range = resolveRange(query, this.config.defaultTimeZone);
    const rows = await this.repo.staff(windowOf(range), query.staffId);
    const buckets = bucketsOf(range);
    return {
      ...this.header(range),
      rows: rows.map((r) => ({
        staffId: r.staff_id,
        username: r.username,
        displayName: r.display_name,
        bucketStart: buckets[r.i - 1].bucketStart,
        bucketEnd: buckets[r.i - 1].bucketEnd,
        offers: r.offers,
        accepted: r.accepted,
        declined: r.declined,
        noAnswer: r.no_answer,
        requestsAccepted: r.requests,
        answered: r.answered,
        handled: r.handled,
        talkSeconds: r.talk_sum_ms / 1000,
        wrapUpSeconds: r.wrap_up_sum_seconds,
        aht: r.handled === 0 ? null : (r.talk_sum_ms / 1000 + r.wrap_up_sum_seconds) / r.handled,
        availableSeconds: r.available_seconds,
        occupancy: staffOccupancy({
          talkSeconds: r.talk_sum_ms / 1000,
          wrapUpSeconds: r.wrap_up_sum_seconds,
          availableSeconds: r.available_seconds,
        }),
      })),
    };
  }

  async clients(query: ClientStatsQueryDto): Promise<ClientStatsDto> {
    const range = resolveRange(query, this.config.defaultTimeZone);
    const rows = await this.repo.clients(windowOf(range), query.clientId);
    const buckets = bucketsOf(range);
    return {
      ...this.header(range),
      rows: rows.map((r) => ({
        clientId: r.client_id,
        clientName: r.name,
        bucketStart: buckets[r.i - 1].bucketStart,
        bucketEnd: buckets[r.i - 1].bucketEnd,
        contacts: r.contacts,
        answered: r.answered,
        abandoned: r.abandoned,
        missed: r.missed,
      })),
    };
  }

  /** Arrivals by weekday and hour of the wall clock, over whole hours of the period. */
  async heatmap(query: HeatmapQueryDto): Promise<HeatmapDto> {
    const range = resolveRange({ ...query, bucket: '1h' }, this.config.defaultTimeZone);
    const rows = await this.repo.arrivals(windowOf(range), query.queueId);
    const matrix = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    for (const row of rows) {
      const local = DateTime.fromJSDate(range.starts[row.i - 1], { zone: range.tz });
      matrix[local.weekday - 1][local.hour] += row.n;
    }
    return {
      from: range.starts[0].toISOString(),
      to: range.ends[range.ends.length - 1].toISOString(),
      tz: range.tz,
      queueId: query.queueId ?? null,
      rows: matrix.flatMap((hours, day) =>
        hours.map((arrivals, hour) => ({ weekday: day + 1, hour, arrivals })),
      ),
      matrix,
    };
  }

  /**
   * Per hour of the day: the average arrivals in such an hour over the period and the observed
   * AHT give the offered load, and Erlang B and C turn it into lines and agents needed.
   */
  async forecast(query: ForecastQueryDto): Promise<ForecastDto> {
    const range = resolveRange({ ...query, bucket: '1h' }, this.config.defaultTimeZone);
    const queue = await this.repo.queueByCode(query.queue);
    if (!queue) throw AppError.notFound('Queue', query.queue);
    const rows = await this.repo.queueLoad(windowOf(range), queue.id);
    const byHour = Array.from({ length: 24 }, () => ({
      hours: 0,
      offered: 0,
      handled: 0,
      handleSeconds: 0,
    }));
    const hourOf = range.starts.map((s) => DateTime.fromJSDate(s, { zone: range.tz }).hour);
    for (const hour of hourOf) byHour[hour].hours++;
    for (const row of rows) {
      const slot = byHour[hourOf[row.i - 1]];
      slot.offered += row.offered;
      slot.handled += row.handled;
      slot.handleSeconds += row.talk_sum_ms / 1000 + row.wrap_up_sum_seconds;
    }
    return {
      queueId: queue.id,
      queueCode: queue.code,
      from: range.starts[0].toISOString(),
      to: range.ends[range.ends.length - 1].toISOString(),
      tz: range.tz,
      slThresholdSeconds: queue.sl_threshold_seconds,
      targetServiceLevel: TARGET_SERVICE_LEVEL,
      targetBlocking: TARGET_BLOCKING,
      hours: byHour.map((slot, hour) => this.forecastHour(hour, slot, queue.sl_threshold_seconds)),
    };
  }

  private forecastHour(
    hour: number,
    slot: { hours: number; offered: number; handled: number; handleSeconds: number },
    thresholdSeconds: number,
  ): ForecastHourDto {
    const arrivalsPerHour = slot.hours === 0 ? 0 : slot.offered / slot.hours;
    const aht = slot.handled === 0 ? null : slot.handleSeconds / slot.handled;
    const base = { hour, hoursObserved: slot.hours, arrivals: slot.offered, arrivalsPerHour, aht };
    const noStaffing = {
      agents: null,
      pWait: null,
      serviceLevel: null,
      asa: null,
      occupancy: null,
    };
    // Without a handled call the load is unknown, unless nothing arrived at all.
    if (aht === null || aht === 0) {
      if (arrivalsPerHour > 0)
        return { ...base, erlangs: null, lines: null, blocking: null, ...noStaffing };
      const lines = linesNeeded(0, TARGET_BLOCKING);
      return { ...base, erlangs: 0, lines, blocking: erlangB(0, lines), ...noStaffing };
    }
    const erlangs = (arrivalsPerHour * aht) / 3600;
    const lines = linesNeeded(erlangs, TARGET_BLOCKING);
    const staffing = agentsNeeded({
      traffic: erlangs,
      ahtSeconds: aht,
      thresholdSeconds,
      targetServiceLevel: TARGET_SERVICE_LEVEL,
    });
    return { ...base, erlangs, lines, blocking: erlangB(erlangs, lines), ...staffing };
  }

  private header(range: ReportRange) {
    return {
      from: range.starts[0].toISOString(),
      to: range.ends[range.ends.length - 1].toISOString(),
      bucket: range.bucket,
      tz: range.tz,
    };
  }
}
