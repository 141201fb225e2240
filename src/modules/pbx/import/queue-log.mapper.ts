import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import {
  amount,
  before,
  EventDraft,
  HistoryMapper,
  MappedRecord,
  pbxEvent,
  RecordError,
} from '@/modules/pbx/import/history-record';
import { parseLogTime } from '@/modules/pbx/import/log-time';
import { memberExtension, PbxLineMap, pbxValue } from '@/modules/pbx/pbx-names';

/** One `queue_log` entry: `time|callid|queuename|agent|event|data1|…|data5`. */
export interface QueueLogRecord {
  time: string;
  callId: string;
  queue: string;
  agent: string;
  event: string;
  data: string[];
}

/** A line of the `queue_log` file; data fields are everything after the event. */
export function parseQueueLogLine(text: string): QueueLogRecord | string {
  const fields = text.split('|');
  if (fields.length < 5) {
    return `expected time|callid|queuename|agent|event|data…, got ${fields.length} field(s)`;
  }
  const [time, callId, queue, agent, event, ...data] = fields;
  return { time, callId, queue, agent, event, data };
}

/** Events that say something about a call; every other well-formed entry is ignored. */
const CALL_EVENTS = new Set([
  'DID',
  'ENTERQUEUE',
  'RINGNOANSWER',
  'RINGCANCELED',
  'CONNECT',
  'COMPLETEAGENT',
  'COMPLETECALLER',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITWITHKEY',
  'EXITEMPTY',
  'TRANSFER',
  'BLINDTRANSFER',
  'ATTENDEDTRANSFER',
]);

/** A call seen in the log and not closed yet. */
interface OpenCall {
  line: string;
  from: string | null;
  queue: string | null;
  arrivedAt: Date | null;
  arrived: boolean;
  answered: boolean;
  transferredAt: Date | null;
  lastSeenMs: number;
}

/** Calls quiet for this long in log time are forgotten, so memory stays bounded. */
const FORGET_AFTER_MS = 24 * 3600 * 1000;
const SWEEP_EVERY = 10_000;

/**
 * Asterisk's `queue_log` (app_queue's documented events) to call events. Wait and talk come from
 * the events' own times; the data fields (hold time, call time, ring time, wait time) date the
 * steps the log does not show, e.g. a call whose ENTERQUEUE is in the previous file.
 *
 * ENTERQUEUE → arrived + queued (arrival at the preceding DID when there is one, whose number
 * picks the line); RINGNOANSWER / RINGCANCELED → offered (when ringing began); CONNECT → offered +
 * answered; COMPLETEAGENT / COMPLETECALLER → ended; ABANDON → abandoned; EXITWITHTIMEOUT /
 * EXITEMPTY / EXITWITHKEY → missed + ended (the queue gave up on the caller, who did not hang
 * up); TRANSFER / BLINDTRANSFER / ATTENDEDTRANSFER → transferred, and ended at the transfer when
 * nothing more of the call follows (the call left the queues).
 */
export class QueueLogMapper implements HistoryMapper<QueueLogRecord> {
  private readonly open = new Map<string, OpenCall>();
  private seen = 0;
  private pending: IncomingCallEvent[] = [];

  constructor(
    private readonly lines: PbxLineMap,
    private readonly zone: string,
  ) {}

  map(record: QueueLogRecord): MappedRecord {
    const event = record.event.trim().toUpperCase();
    if (event === '') return { kind: 'rejected', reason: 'no event name' };
    const at = parseLogTime(record.time, this.zone);
    if (at === null) {
      return {
        kind: 'rejected',
        reason: `time '${record.time.slice(0, 40)}' is neither epoch seconds nor a date-time`,
      };
    }
    if (!CALL_EVENTS.has(event)) return { kind: 'ignored' };
    const callId = pbxValue(record.callId);
    if (callId === null) return { kind: 'rejected', reason: `${event} without a call id` };
    if (++this.seen % SWEEP_EVERY === 0) this.sweep(at);

    let call = this.open.get(callId);
    const newCalls = call ? 0 : 1;
    if (!call) {
      call = {
        line: this.lines.defaultLine,
        from: null,
        queue: null,
        arrivedAt: null,
        arrived: false,
        answered: false,
        transferredAt: null,
        lastSeenMs: at.getTime(),
      };
    }
    try {
      const drafts = this.steps(event, record, callId, at, call);
      const events = drafts.map(pbxEvent);
      const closed = drafts.some((d) => CLOSING.has(d.type));
      if (closed) this.open.delete(callId);
      else {
        call.lastSeenMs = at.getTime();
        this.open.set(callId, call);
      }
      const flushed = this.pending;
      this.pending = [];
      return { kind: 'events', events: [...flushed, ...events], newCalls };
    } catch (err) {
      if (err instanceof RecordError) return { kind: 'rejected', reason: err.message };
      throw err;
    }
  }

  finish(): IncomingCallEvent[] {
    const out = this.pending;
    this.pending = [];
    for (const [callId, call] of this.open) out.push(...this.closeTransferred(callId, call));
    this.open.clear();
    return out;
  }

  private steps(
    event: string,
    record: QueueLogRecord,
    callId: string,
    at: Date,
    call: OpenCall,
  ): EventDraft[] {
    const queue = pbxValue(record.queue);
    if (queue !== null) call.queue = queue;
    const agent = memberExtension(record.agent);
    const data = record.data;
    const base = { callId, line: call.line, queue: call.queue, agent: null, from: call.from };
    const needAgent = (): string => {
      if (agent === null) throw new RecordError(`${event} without an agent`);
      return agent;
    };
    const seconds = (index: number): number | null => {
      const value = amount(data[index]);
      return value === null ? null : value * 1000;
    };
    const out: EventDraft[] = [];
    // A step of a call whose start is not in this input: it arrived when it entered the queue.
    const arrive = (entered: Date): void => {
      if (call.arrived) return;
      call.arrived = true;
      const arrivedAt = call.arrivedAt ?? entered;
      out.push({ ...base, type: 'arrived', at: arrivedAt });
      if (call.queue !== null) out.push({ ...base, type: 'queued', at: entered });
    };
    const answerFrom = (talkMs: number | null, holdMs: number | null, who: string | null): void => {
      if (call.answered || who === null || talkMs === null) return;
      const answeredAt = before(at, talkMs);
      arrive(before(answeredAt, holdMs));
      call.answered = true;
      out.push({ ...base, type: 'answered', at: answeredAt, agent: who });
    };
    if (call.transferredAt !== null && event !== 'DID') call.transferredAt = null;

    switch (event) {
      case 'DID':
        call.line = this.lines.lineFor(data[0]);
        call.arrivedAt ??= at;
        return out;
      case 'ENTERQUEUE': {
        call.from = pbxValue(data[1]) ?? call.from;
        const entered = { ...base, from: call.from };
        if (!call.arrived) {
          call.arrived = true;
          out.push({ ...entered, type: 'arrived', at: call.arrivedAt ?? at });
        }
        out.push({ ...entered, type: 'queued', at });
        return out;
      }
      case 'RINGNOANSWER':
      case 'RINGCANCELED': {
        const who = needAgent();
        const ringMs = amount(data[0]);
        arrive(before(at, ringMs));
        out.push({ ...base, type: 'offered', at: before(at, ringMs), agent: who });
        return out;
      }
      case 'CONNECT': {
        const who = needAgent();
        arrive(before(at, seconds(0)));
        const ringMs = seconds(2);
        if (ringMs !== null) {
          out.push({ ...base, type: 'offered', at: before(at, ringMs), agent: who });
        }
        if (!call.answered) out.push({ ...base, type: 'answered', at, agent: who });
        call.answered = true;
        return out;
      }
      case 'COMPLETEAGENT':
      case 'COMPLETECALLER':
        answerFrom(seconds(1), seconds(0), agent);
        arrive(at);
        out.push({ ...base, type: 'ended', at });
        return out;
      case 'ABANDON':
        arrive(before(at, seconds(2)));
        out.push({ ...base, type: 'abandoned', at });
        return out;
      case 'EXITWITHTIMEOUT':
      case 'EXITEMPTY':
      case 'EXITWITHKEY':
        arrive(before(at, seconds(event === 'EXITWITHKEY' ? 3 : 2)));
        out.push({ ...base, type: 'missed', at }, { ...base, type: 'ended', at });
        return out;
      case 'TRANSFER':
      case 'BLINDTRANSFER':
      case 'ATTENDEDTRANSFER': {
        answerFrom(seconds(3), seconds(2), agent);
        arrive(at);
        const to = event === 'ATTENDEDTRANSFER' ? null : pbxValue(data[0]);
        out.push({ ...base, type: 'transferred', at, agent, to });
        call.transferredAt = at;
        return out;
      }
      default:
        return out;
    }
  }

  /** A transfer was the last thing the log said of the call: it left the queues then. */
  private closeTransferred(callId: string, call: OpenCall): IncomingCallEvent[] {
    if (call.transferredAt === null) return [];
    try {
      return [
        pbxEvent({
          callId,
          type: 'ended',
          at: call.transferredAt,
          line: call.line,
          queue: call.queue,
          agent: null,
          from: call.from,
        }),
      ];
    } catch (err) {
      if (err instanceof RecordError) return [];
      throw err;
    }
  }

  private sweep(now: Date): void {
    const horizon = now.getTime() - FORGET_AFTER_MS;
    for (const [callId, call] of this.open) {
      if (call.lastSeenMs >= horizon) continue;
      this.pending.push(...this.closeTransferred(callId, call));
      this.open.delete(callId);
    }
  }
}

const CLOSING = new Set(['ended', 'abandoned']);
