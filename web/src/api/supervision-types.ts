import type { Role, StaffState, StaffStatus } from '@web/api/types';

/** Wire shapes of the wallboard, the reports and the admin pages (no DOM types, like types.ts). */

export interface LiveQueue {
  queueId: string;
  queueCode: string;
  slThresholdSeconds: number;
  waiting: number;
  longestWaitSeconds: number | null;
  staff: { byStatus: Record<StaffStatus, number>; byState: Record<StaffState, number> };
  today: {
    offered: number;
    answered: number;
    abandoned: number;
    serviceLevel: number | null;
    asa: number | null;
  };
}

export interface LiveLine {
  lineId: string;
  lineCode: string;
  channels: number;
  callsNow: number;
  occupancy: number | null;
  erlangs15m: number;
  erlangs60m: number;
}

export interface StatsLive {
  at: string;
  timeZone: string;
  todayFrom: string;
  queues: LiveQueue[];
  lines: LiveLine[];
  thresholds: {
    queueWaiting: number;
    queueLongestWaitSeconds: number;
    lineOccupancy: number;
    serviceLevel: number;
  };
}

export interface StatsThreshold {
  id: string;
  kind: 'queue.waiting' | 'queue.longest-wait' | 'line.occupancy';
  state: 'raised' | 'cleared';
  subject: { type: 'queue' | 'line'; id: string; code: string };
  value: number;
  threshold: number;
  raisedAt: string;
  at: string;
}

export interface RoutingAlert {
  kind: 'call.missed';
  callId: string;
  queue: string | null;
  waitedSeconds: number;
  message: string;
}

export type Bucket = '15m' | '1h' | '1d' | '1w';
export const BUCKETS: readonly Bucket[] = ['15m', '1h', '1d', '1w'];

export interface ReportQuery {
  from: string;
  to: string;
  tz: string;
  bucket: Bucket;
}

export interface Report<R> {
  from: string;
  to: string;
  bucket: string;
  tz: string;
  rows: R[];
}

interface BucketRow {
  bucketStart: string;
  bucketEnd: string;
}

export interface LineRow extends BucketRow {
  lineId: string | null;
  lineCode: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  occupiedSeconds: number;
  traffic: number;
  peakConcurrency: number;
  channels: number | null;
  occupancy: number | null;
}

export interface QueueRow extends BucketRow {
  queueId: string;
  queueCode: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  abandonRate: number | null;
  asa: number | null;
  waitMedian: number | null;
  waitP90: number | null;
  waitMax: number | null;
  aht: number | null;
  serviceLevel: number | null;
  slThresholdSeconds: number | null;
}

export interface StaffRow extends BucketRow {
  staffId: string;
  username: string | null;
  displayName: string | null;
  offers: number;
  accepted: number;
  declined: number;
  noAnswer: number;
  requestsAccepted: number;
  answered: number;
  handled: number;
  talkSeconds: number;
  wrapUpSeconds: number;
  aht: number | null;
  /** Seconds logged in and not on break, split across buckets by time. */
  availableSeconds: number;
  occupancy: number | null;
}

export interface Heatmap {
  from: string;
  to: string;
  tz: string;
  queueId: string | null;
  matrix: number[][];
}

export interface ForecastHour {
  hour: number;
  hoursObserved: number;
  arrivals: number;
  arrivalsPerHour: number;
  aht: number | null;
  erlangs: number | null;
  lines: number | null;
  blocking: number | null;
  agents: number | null;
  pWait: number | null;
  serviceLevel: number | null;
  asa: number | null;
  occupancy: number | null;
}

export interface Forecast {
  queueId: string;
  queueCode: string;
  slThresholdSeconds: number;
  targetServiceLevel: number;
  targetBlocking: number;
  hours: ForecastHour[];
}

export interface LinesNeeded {
  traffic: number;
  blocking: number;
  target: number;
  lines: number;
}

export interface AgentsNeeded {
  traffic: number;
  aht: number;
  target: number;
  level: number;
  agents: number;
  pWait: number;
  serviceLevel: number;
  asa: number;
  occupancy: number;
}

export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  extension: string | null;
  active: boolean;
  createdAt: string;
}

export type QueueStrategy =
  'curator-first' | 'longest-idle' | 'least-busy' | 'round-robin' | 'fewest-calls' | 'ring-all';
export const STRATEGIES: readonly QueueStrategy[] = [
  'longest-idle',
  'curator-first',
  'least-busy',
  'round-robin',
  'fewest-calls',
  'ring-all',
];

export interface QueueMember {
  userId: string;
  username: string;
  displayName: string;
  skillLevel: number;
}

export interface AdminQueue {
  id: string;
  code: string;
  name: string;
  strategy: QueueStrategy;
  slThresholdSeconds: number;
  maxWaitSeconds: number;
  wrapUpSeconds: number;
  members: QueueMember[];
}

export type QueueSettings = Pick<
  AdminQueue,
  'name' | 'strategy' | 'slThresholdSeconds' | 'maxWaitSeconds' | 'wrapUpSeconds'
>;

export interface AdminLine {
  id: string;
  code: string;
  name: string;
  channels: number;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type CodeKind = 'line' | 'queue' | 'agent';

export interface UnmappedCode {
  kind: CodeKind;
  code: string;
  firstSeenAt: string;
  lastSeenAt: string;
  seenCount: number;
}

export interface CodeMapping {
  kind: CodeKind;
  code: string;
  targetId: string;
  targetCode: string;
  targetName: string;
  createdAt: string;
}

export interface RoutingDecision {
  id: string;
  at: string;
  strategy: string;
  trigger: string;
  ordered: string[];
  offeredTo: string[];
  candidates: unknown;
  reason: string;
}

export interface Broadcast {
  id: string;
  text: string;
  critical: boolean;
  requireAck: boolean;
  roles: Role[];
  /** Set when it went to a queue's members. */
  queueId: string | null;
  queueName: string | null;
  createdAt: string;
  recipients: { userId: string; username: string; ackedAt: string | null }[];
  acknowledged: number;
  pending: number;
}
