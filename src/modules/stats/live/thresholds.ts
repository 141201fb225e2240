import type { StatsLivePayload, ThresholdKind } from '@/modules/stats/dto/live.dto';

export interface ThresholdLimits {
  queueWaiting: number;
  queueLongestWaitSeconds: number;
  lineOccupancy: number;
}

export interface Breach {
  kind: ThresholdKind;
  subject: { type: 'queue' | 'line'; id: string; code: string };
  value: number;
  threshold: number;
}

/** Stable key of one subject's breach of one kind: raised once, cleared once. */
export function breachKey(breach: Pick<Breach, 'kind' | 'subject'>): string {
  return `${breach.kind}:${breach.subject.id}`;
}

/** Every limit the snapshot is over; "over" is strictly greater, a limit reached is still fine. */
export function findBreaches(snapshot: StatsLivePayload, limits: ThresholdLimits): Breach[] {
  const breaches: Breach[] = [];
  for (const q of snapshot.queues) {
    const subject = { type: 'queue' as const, id: q.queueId, code: q.queueCode };
    if (q.waiting > limits.queueWaiting) {
      breaches.push({
        kind: 'queue.waiting',
        subject,
        value: q.waiting,
        threshold: limits.queueWaiting,
      });
    }
    if (q.longestWaitSeconds !== null && q.longestWaitSeconds > limits.queueLongestWaitSeconds) {
      breaches.push({
        kind: 'queue.longest-wait',
        subject,
        value: q.longestWaitSeconds,
        threshold: limits.queueLongestWaitSeconds,
      });
    }
  }
  for (const line of snapshot.lines) {
    if (line.occupancy !== null && line.occupancy > limits.lineOccupancy) {
      breaches.push({
        kind: 'line.occupancy',
        subject: { type: 'line', id: line.lineId, code: line.lineCode },
        value: line.occupancy,
        threshold: limits.lineOccupancy,
      });
    }
  }
  return breaches;
}
