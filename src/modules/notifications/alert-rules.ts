import type { CallDomainEvent } from '@/modules/calls/calls.events';
import type { NotifyInput } from '@/modules/notifications/notifications.events';
import type { StatsThresholdCrossed } from '@/modules/stats/stats.events';

/** Who is told about a call the company did not take: the client's curator, else supervisors. */
export interface MissedCallAudience {
  curatorId: string | null;
  clientName: string | null;
  supervisorIds: readonly string[];
}

const THRESHOLD_TITLES: Record<StatsThresholdCrossed['kind'], string> = {
  'queue.waiting': 'calls waiting',
  'queue.longest-wait': 'longest wait (s)',
  'line.occupancy': 'occupancy',
};

/**
 * A live call that ended without being answered (missed past the queue's limit, or the caller
 * hung up) becomes a `missed-call` notification. History imports and late replays (`live:
 * false`) alert nobody.
 */
export function missedCallAlert(
  event: CallDomainEvent,
  audience: MissedCallAudience,
): NotifyInput | null {
  if (!event.live || (event.type !== 'call.missed' && event.type !== 'call.abandoned')) {
    return null;
  }
  const userIds = audience.curatorId !== null ? [audience.curatorId] : [...audience.supervisorIds];
  if (userIds.length === 0) return null;
  const caller = event.from ?? 'an unknown number';
  const who = audience.clientName !== null ? `${audience.clientName} (${caller})` : caller;
  const what = event.type === 'call.missed' ? 'waited too long' : 'hung up before an answer';
  return {
    sourceId: `${event.type}:${event.callId}`,
    kind: 'missed-call',
    userIds,
    title: `Missed call from ${who}`,
    body: `The caller ${what}${event.queueCode !== null ? ` in ${event.queueCode}` : ''}; call back.`,
    data: {
      callId: event.callId,
      externalId: event.externalId,
      clientId: event.clientId,
      from: event.from,
      queue: event.queueCode,
      at: event.at,
    },
  };
}

/** A breach that started alerts supervisors once; its end is shown live only (stats.threshold). */
export function thresholdAlert(
  event: StatsThresholdCrossed,
  supervisorIds: readonly string[],
): NotifyInput | null {
  if (event.state !== 'raised' || supervisorIds.length === 0) return null;
  const subject = `${event.subject.type} ${event.subject.code}`;
  return {
    sourceId: `stats.threshold:${event.id}`,
    kind: 'threshold',
    userIds: [...supervisorIds],
    title: `${subject}: ${THRESHOLD_TITLES[event.kind]} over the limit`,
    body: `${THRESHOLD_TITLES[event.kind]} is ${round(event.value)}, limit ${round(event.threshold)}.`,
    data: {
      kind: event.kind,
      subject: event.subject,
      value: event.value,
      threshold: event.threshold,
      raisedAt: event.raisedAt,
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
