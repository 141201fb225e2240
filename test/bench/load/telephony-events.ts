/** A vendor-neutral telephony event as `POST /api/telephony/events` takes it (issue #3). */
export interface TelephonyEvent {
  id: string;
  callId: string;
  type:
    | 'arrived'
    | 'queued'
    | 'offered'
    | 'answered'
    | 'transferred'
    | 'abandoned'
    | 'ended'
    | 'blocked';
  at: string;
  line: string;
  from: string;
  to?: string;
  queue?: string;
  agent?: string;
}

export interface HistorySpec {
  tag: string;
  lineCode: string;
  queueCode: string;
  agents: string[];
}

const HISTORY_START = Date.parse('2026-10-01T00:00:00Z');
const STEPS = ['arrived', 'queued', 'answered', 'ended'] as const;

function callerNumber(call: number): string {
  return `+1201${String(2_000_000 + (call % 7_999_999)).padStart(7, '0')}`;
}

/**
 * Event `i` of a deterministic history import: four events per call (arrived, queued, answered
 * by one of the agents, ended), a call every 7 s, talk time 30–300 s. The same index gives the
 * same row in the app run and the baseline run.
 */
export function historyEvent(i: number, spec: HistorySpec): TelephonyEvent {
  const call = Math.floor(i / STEPS.length);
  const step = STEPS[i % STEPS.length];
  const arrived = HISTORY_START + call * 7_000;
  const offsetMs = {
    arrived: 0,
    queued: 1_000,
    answered: 9_000,
    ended: 9_000 + (30 + (call % 271)) * 1000,
  }[step];
  return {
    id: `${spec.tag}-e${i}`,
    callId: `${spec.tag}-c${call}`,
    type: step,
    at: new Date(arrived + offsetMs).toISOString(),
    line: spec.lineCode,
    from: callerNumber(call),
    to: '+12015550100',
    queue: spec.queueCode,
    agent:
      step === 'answered' || step === 'ended' ? spec.agents[call % spec.agents.length] : undefined,
  };
}
