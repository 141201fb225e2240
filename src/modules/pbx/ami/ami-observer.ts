import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import type { AmiMessage } from '@/modules/pbx/ami/ami-protocol';
import { EventDraft, pbxEvent, RecordError } from '@/modules/pbx/import/history-record';
import { memberExtension, PbxLineMap, pbxValue } from '@/modules/pbx/pbx-names';

/** Hang-up causes (Q.850) that mean the call found no free channel: the call was blocked. */
const BLOCKED_CAUSES = new Set(['17', '34', '38', '41', '42', '44']);

interface CallState {
  /** The caller's channel, which control mode redirects. */
  channel: string | null;
  line: string;
  from: string | null;
  queue: string | null;
  answered: boolean;
  /** A call known from a channel in an inbound context or a queue join. */
  tracked: boolean;
}

/** Calls of the state map beyond this are dropped oldest first: memory stays bounded. */
const MAX_CALLS = 50_000;

/**
 * Observe mode: Asterisk's app_queue decides who rings, and its AMI events become call events.
 * The call is the `Linkedid`; the caller's channel is the one whose `Uniqueid` is the Linkedid.
 * Times come from the events' `Timestamp` (`timestampevents = yes` in manager.conf), else the
 * moment they were read. Ids are those of the import (`pbxEventId`), so an event replayed after a
 * reconnect, or also imported from queue_log, is stored once.
 */
export class AmiObserver {
  private readonly calls = new Map<string, CallState>();

  constructor(
    private readonly lines: PbxLineMap,
    private readonly inboundContexts: ReadonlySet<string>,
    /** Control mode: a caller reaching this context waits in the queue named by the extension. */
    private readonly holdContext: string | null = null,
  ) {}

  /** The caller's channel of a call being followed. */
  channelOf(callId: string): string | null {
    return this.calls.get(callId)?.channel ?? null;
  }

  /** The events one AMI event means; invalid ones are dropped with the reason. */
  map(event: AmiMessage, receivedAt: Date): { events: IncomingCallEvent[]; problems: string[] } {
    const drafts = this.drafts(event, atOf(event, receivedAt));
    const events: IncomingCallEvent[] = [];
    const problems: string[] = [];
    for (const draft of drafts) {
      try {
        events.push(pbxEvent(draft));
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        problems.push(`${event.Event ?? '?'}: ${err.message}`);
      }
    }
    return { events, problems };
  }

  /** Calls being followed, for the resynchronisation after a reconnect. */
  openCalls(): string[] {
    return [...this.calls.entries()].filter(([, c]) => c.tracked).map(([id]) => id);
  }

  forget(callId: string): void {
    this.calls.delete(callId);
  }

  private state(callId: string): CallState {
    let call = this.calls.get(callId);
    if (!call) {
      if (this.calls.size >= MAX_CALLS) {
        const oldest = this.calls.keys().next().value;
        if (oldest !== undefined) this.calls.delete(oldest);
      }
      call = {
        channel: null,
        line: this.lines.defaultLine,
        from: null,
        queue: null,
        answered: false,
        tracked: false,
      };
      this.calls.set(callId, call);
    }
    return call;
  }

  private drafts(e: AmiMessage, at: Date): EventDraft[] {
    const name = (e.Event ?? '').toLowerCase();
    const callId = pbxValue(
      name === 'blindtransfer' || name === 'attendedtransfer'
        ? (e.TransfereeLinkedid ?? e.OrigTransfererLinkedid ?? e.Linkedid)
        : e.Linkedid,
    );
    if (callId === null) return [];
    const draft = (call: CallState, type: EventDraft['type'], agent: string | null = null) => ({
      callId,
      type,
      at,
      line: call.line,
      queue: call.queue,
      agent,
      from: call.from,
    });
    const isCaller = e.Uniqueid !== undefined && e.Uniqueid === e.Linkedid;

    switch (name) {
      case 'newchannel': {
        if (!isCaller || !this.inboundContexts.has(e.Context ?? '')) return [];
        const call = this.state(callId);
        call.channel = pbxValue(e.Channel);
        call.line = this.lines.lineFor(e.Exten);
        call.from = pbxValue(e.CallerIDNum);
        call.tracked = true;
        return [draft(call, 'arrived')];
      }
      case 'newexten': {
        if (this.holdContext === null || !isCaller || e.Context !== this.holdContext) return [];
        if ((e.Priority ?? '1') !== '1') return [];
        const call = this.state(callId);
        call.channel ??= pbxValue(e.Channel);
        // `Exten` on every version; `Extension` is its pre-12 name, deprecated since.
        call.queue = pbxValue(e.Exten) ?? pbxValue(e.Extension) ?? call.queue;
        const out = call.tracked ? [] : [draft(call, 'arrived')];
        call.tracked = true;
        return [...out, draft(call, 'queued')];
      }
      case 'queuecallerjoin': {
        const call = this.state(callId);
        call.queue = pbxValue(e.Queue) ?? call.queue;
        call.from = call.from ?? pbxValue(e.CallerIDNum);
        const out = call.tracked ? [] : [draft(call, 'arrived')];
        call.tracked = true;
        return [...out, draft(call, 'queued')];
      }
      case 'agentcalled':
        return this.step(callId, e, (call) => [
          draft(call, 'offered', memberExtension(e.Interface ?? e.MemberName)),
        ]);
      case 'agentconnect':
        return this.step(callId, e, (call) => {
          call.answered = true;
          return [draft(call, 'answered', memberExtension(e.Interface ?? e.MemberName))];
        });
      case 'agentcomplete':
        return this.close(callId, e, (call) => [draft(call, 'ended')]);
      case 'queuecallerabandon':
        return this.close(callId, e, (call) => [draft(call, 'abandoned')]);
      case 'blindtransfer':
      case 'attendedtransfer': {
        if ((e.Result ?? 'Success').toLowerCase() !== 'success') return [];
        const agent = memberExtension(e.TransfererChannel ?? e.OrigTransfererChannel);
        return this.step(callId, e, (call) => [
          { ...draft(call, 'transferred', agent), to: pbxValue(e.Extension) },
        ]);
      }
      case 'hangup': {
        if (!isCaller) return [];
        const call = this.calls.get(callId);
        this.calls.delete(callId);
        if (!call?.tracked) return [];
        return !call.answered && BLOCKED_CAUSES.has(e.Cause ?? '')
          ? [draft(call, 'blocked')]
          : [draft(call, 'ended')];
      }
      default:
        return [];
    }
  }

  private step(
    callId: string,
    e: AmiMessage,
    build: (call: CallState) => EventDraft[],
  ): EventDraft[] {
    const call = this.state(callId);
    call.queue = pbxValue(e.Queue) ?? call.queue;
    call.tracked = true;
    return build(call);
  }

  private close(
    callId: string,
    e: AmiMessage,
    build: (call: CallState) => EventDraft[],
  ): EventDraft[] {
    // The hang-up that follows closes nothing more: the call is over for the queue.
    const out = this.step(callId, e, build);
    const call = this.calls.get(callId);
    if (call) call.tracked = false;
    return out;
  }
}

/** `Timestamp: 1700000000.123456` when manager.conf has `timestampevents = yes`. */
function atOf(event: AmiMessage, receivedAt: Date): Date {
  const stamp = Number(event.Timestamp);
  return event.Timestamp !== undefined && Number.isFinite(stamp) && stamp > 0
    ? new Date(Math.round(stamp * 1000))
    : receivedAt;
}
