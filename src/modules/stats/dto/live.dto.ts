import type { StaffState, StaffStatus } from '@/modules/staff/entities/staff-presence.entity';

/** Counts of a queue's active members by status and, separately, by state. */
export interface LiveStaffCounts {
  byStatus: Record<StaffStatus, number>;
  byState: Record<StaffState, number>;
}

/** Calls of a queue that arrived since local midnight (the default zone), by the KPI rules. */
export interface LiveQueueToday {
  offered: number;
  answered: number;
  abandoned: number;
  /** answered within the queue's threshold / offered; null before the first call. */
  serviceLevel: number | null;
  /** Mean wait of answered calls, seconds; null before the first answer. */
  asa: number | null;
}

export interface LiveQueue {
  queueId: string;
  queueCode: string;
  slThresholdSeconds: number;
  waiting: number;
  /** Seconds the longest-waiting caller has waited; null when nobody waits. */
  longestWaitSeconds: number | null;
  staff: LiveStaffCounts;
  today: LiveQueueToday;
}

export interface LiveLine {
  lineId: string;
  lineCode: string;
  channels: number;
  /** Calls occupying the line now (arrived, not ended, not blocked). */
  callsNow: number;
  /** callsNow / channels; null for a line without channels. */
  occupancy: number | null;
  /** Traffic over the last 15 and 60 minutes, in Erlangs, calls in progress counted up to now. */
  erlangs15m: number;
  erlangs60m: number;
}

/** `stats.live`: one snapshot per tick, the same for every supervisor. */
export interface StatsLivePayload {
  at: string;
  timeZone: string;
  /** Start of "today" in the default zone. */
  todayFrom: string;
  queues: LiveQueue[];
  lines: LiveLine[];
  /** The configured alert thresholds (`STATS_ALERT_*`), so screens colour by the same rules. */
  thresholds: LiveThresholds;
}

export interface LiveThresholds {
  queueWaiting: number;
  queueLongestWaitSeconds: number;
  lineOccupancy: number;
  /** The service-level target reports and the forecast plan for, a fraction. */
  serviceLevel: number;
}

export const THRESHOLD_KINDS = ['queue.waiting', 'queue.longest-wait', 'line.occupancy'] as const;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];

/** `stats.threshold`: a line or queue crossed a configured threshold, or came back under it. */
export interface StatsThresholdPayload {
  /** Unique per crossing: `<kind>:<subject id>:<raisedAt>`, usable as an idempotency key. */
  id: string;
  kind: ThresholdKind;
  state: 'raised' | 'cleared';
  subject: { type: 'queue' | 'line'; id: string; code: string };
  value: number;
  threshold: number;
  /** When the breach was first seen (for `cleared`, the breach that ended). */
  raisedAt: string;
  at: string;
}
