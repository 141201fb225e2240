import { sleep } from '@test/bench/harness/clock';
import type { PostgresServer } from '@test/chaos/harness/infra';
import type { Timeline } from '@test/chaos/harness/timeline';
import type { BroadcastsScenario } from '@test/chaos/scenarios/broadcasts';
import type { CallsScenario } from '@test/chaos/scenarios/calls';
import type { ChatScenario } from '@test/chaos/scenarios/chat';
import { increment } from '@test/chaos/scenarios/context';

/** The figures the issue asks for, per scenario. */
export interface ScenarioFigures {
  sent: number;
  acknowledged: number;
  stored: number;
  delivered: number;
  /** Acknowledged, not delivered by the end of the settle period. */
  lost: number;
  /** Of the lost, still not delivered after every client reconnected with `since` at the end. */
  lostAfterReconnect: number;
  /**
   * Delivered, but not by its live push: shown only when the client's gap timer made it resync
   * while its socket stayed connected (the push was lost on the way). Items sent while Redis was
   * stopped are not counted: no process can push across to another then, and a client that sees
   * the gap asking for the rest is the contract at work (they are in `facts`).
   */
  recoveredByGapResync: number | null;
  shownTwice: number;
  outOfOrder: number | null;
  /** Lost items, a few of them, with the phase they were sent in. */
  lostExamples: string[];
  facts: Record<string, unknown>;
}

export interface PhaseFigures {
  phase: string;
  chat: {
    sent: number;
    acknowledged: number;
    lost: number;
    lostAfterReconnect: number;
    /** Sends answered INTERNAL (a 500 over the socket). */
    internalErrors: number;
    /** Longest time from the first send to being shown, of messages shown during the run. */
    slowestMs: number | null;
  };
  calls: { sent: number; acknowledged: number; lost: number; slowestOfferMs: number | null };
  broadcasts: {
    sent: number;
    acknowledged: number;
    recipients: number;
    lost: number;
    slowestMs: number | null;
  };
  /** Application requests (telephony, broadcasts, probes) by answer. */
  http: Record<string, number>;
  /** Client-side counts: gap resyncs, server resyncs, failovers, disconnects. */
  clients: Record<string, number>;
}

export interface StuckFigures {
  callsWaitingWithIdleAgents: number;
  callsOfferedWithoutPendingOffer: number;
  staffOfferedWithoutPendingOffer: number;
  staffBusyWithoutLiveCall: number;
  agentsOnBreak: number;
  details: string[];
}

export interface Analysis {
  scenarios: { chat: ScenarioFigures; calls: ScenarioFigures; broadcasts: ScenarioFigures };
  phases: PhaseFigures[];
  stuck: StuckFigures;
  /** Persisted user events of any kind stored after the seq a client had shown by the end of the settle period. */
  unshownEvents: { total: number; byName: Record<string, number> };
}

interface AnalysisInput {
  tag: string;
  chat: ChatScenario;
  calls: CallsScenario;
  broadcasts: BroadcastsScenario;
  agentIds: string[];
  /** Users every broadcast goes to (all agents). */
  broadcastRecipients: number;
  timeline: Timeline;
  postgres: PostgresServer;
  /** Each client's `last` at the end of the settle period, before the diagnostic reconnect. */
  clients: { userId: string; last: number }[];
  /** Whether the person's socket client had a ready connection at that moment. */
  connectedAt: (userId: string, at: number) => boolean;
  /**
   * Faults that lose live pushes by their nature, from the injection to the end of the fault's
   * phase: a process killed between a commit and its push, Redis stopped (no process can push
   * across). The client's gap rule repairs those; the check looks at the rest.
   */
  pushFaults: { from: number; to: number }[];
}

/** `phase +seconds` of a moment, from the timeline's marks. */
function phaseAt(timeline: Timeline, at: number): string {
  let mark = timeline.marks[0];
  for (const m of timeline.marks) if (m.at <= at) mark = m;
  return `${mark.phase} +${((at - mark.at) / 1000).toFixed(1)} s`;
}

function duringPushFault(input: AnalysisInput, ...moments: number[]): boolean {
  return moments.some((at) => input.pushFaults.some((w) => at >= w.from && at < w.to));
}

function viaCounts(vias: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const via of vias) increment(counts, via);
  return counts;
}

function examples(items: string[]): string[] {
  return items.slice(0, 8);
}

async function chatFigures(input: AnalysisInput): Promise<ScenarioFigures> {
  const records = [...input.chat.messages.values()];
  const stored = await input.postgres.query<{ client_msg_id: string }>(
    `select client_msg_id from chat_messages where client_msg_id like $1`,
    [`${input.tag}-%`],
  );
  const storedIds = new Set(stored.map((r) => r.client_msg_id));
  const serverDuplicates = await input.postgres.query<{ n: string }>(
    `select count(*) as n from (
       select user_id, payload->>'id' from user_events
        where name = 'chat.message' and payload->>'clientMsgId' like $1
        group by 1, 2 having count(*) > 1) d`,
    [`${input.tag}-%`],
  );
  const acked = records.filter((r) => r.ackedAt !== null);
  const lost = acked.filter((r) => r.shownAt === null || r.shownAfterReconnect);
  const lostForGood = acked.filter((r) => r.shownAt === null);
  const ackedNotStored = acked.filter((r) => !storedIds.has(r.clientMsgId));
  const byGapResync = acked.filter((r) => r.shownVia === 'gap-resync' && !r.shownAfterReconnect);
  const gapResyncInFault = byGapResync.filter((r) =>
    duringPushFault(input, r.sentAt, r.shownAt as number),
  );
  return {
    sent: records.length,
    acknowledged: acked.length,
    stored: records.filter((r) => storedIds.has(r.clientMsgId)).length,
    delivered: records.filter((r) => r.shownAt !== null && !r.shownAfterReconnect).length,
    lost: lost.length,
    lostAfterReconnect: lostForGood.length,
    recoveredByGapResync: byGapResync.length - gapResyncInFault.length,
    shownTwice: records.filter((r) => r.shownSeqs.length > 1).length,
    outOfOrder: input.chat.outOfOrder,
    lostExamples: examples(
      lost.map(
        (r) =>
          `${r.clientMsgId} (${r.phase}; ${r.shownAfterReconnect ? 'shown only after a reconnect' : 'never shown'}${storedIds.has(r.clientMsgId) ? '' : '; not stored'})`,
      ),
    ),
    facts: {
      'shown via (live push, or the replay of a failover, gap resync, …)': viaCounts(
        records
          .filter((r) => r.shownVia !== null && !r.shownAfterReconnect)
          .map((r) => r.shownVia as string),
      ),
      'one message sent 1 s into each fault to a recipient who gets nothing after it':
        Object.fromEntries(
          records
            .filter((r) => r.pair.startsWith('quiet-'))
            .map((r) => [
              r.pair.slice('quiet-'.length),
              r.ackedAt === null
                ? `not acknowledged (${r.ackErrors.join(', ')})`
                : r.shownAt === null
                  ? 'acknowledged, never shown'
                  : `acknowledged, shown ${r.shownAfterReconnect ? 'only after the final reconnect' : `via ${r.shownVia} after ${((r.shownAt - r.sentAt) / 1000).toFixed(1)} s`}`,
            ]),
        ),
      "shown only by a connected client's gap resync, sent or shown while a process was killed or Redis stopped":
        gapResyncInFault.length,
      'shown only by a gap resync otherwise, examples': examples(
        byGapResync
          .filter((r) => !gapResyncInFault.includes(r))
          .map(
            (r) =>
              `${r.clientMsgId} sent at ${phaseAt(input.timeline, r.sentAt)} (${r.attempts} attempts), shown ${(((r.shownAt as number) - r.sentAt) / 1000).toFixed(1)} s later`,
          ),
      ),
      'acknowledged but not stored': ackedNotStored.length,
      'stored but not acknowledged': records.filter(
        (r) => r.ackedAt === null && storedIds.has(r.clientMsgId),
      ).length,
      'user events stored twice for one message': Number(serverDuplicates[0]?.n ?? 0),
      'send errors (all attempts)': input.chat.ackErrorCounts(),
      'probe messages (part of sent)': records.filter((r) => r.probe).length,
      'out of order, examples': input.chat.outOfOrderExamples,
    },
  };
}

async function callFigures(input: AnalysisInput): Promise<ScenarioFigures> {
  const records = [...input.calls.calls.values()];
  const rows = await input.postgres.query<{
    external_id: string;
    status: string;
    answered_by_id: string | null;
  }>(`select external_id, status, answered_by_id from calls where external_id like $1`, [
    `${input.tag}-%`,
  ]);
  const byId = new Map(rows.map((r) => [r.external_id, r]));
  const statuses: Record<string, number> = {};
  for (const r of rows) increment(statuses, r.status);
  const offers = await input.postgres.query<{
    id: string;
    status: string;
    staff_id: string;
    external_id: string;
    created_at: Date;
  }>(
    `select o.id, o.status, o.staff_id, c.external_id, o.created_at
       from offers o join calls c on c.id = o.item_id
      where o.kind = 'call' and c.external_id like $1`,
    [`${input.tag}-%`],
  );
  const missedOffers: Record<string, number> = {};
  const missedExamples: string[] = [];
  for (const o of offers) {
    if (input.calls.offersSeen.has(o.id)) continue;
    increment(missedOffers, o.status);
    const at = new Date(o.created_at).getTime();
    missedExamples.push(
      `${o.external_id} to ${o.staff_id.slice(0, 8)} at ${phaseAt(input.timeline, at)}, ${o.status}; its client ${input.connectedAt(o.staff_id, at) ? 'was connected' : 'was not connected'}`,
    );
  }
  const acked = records.filter((r) => r.ackedAt !== null);
  const lost = acked.filter((r) => r.acceptedBy.length === 0);
  const acceptErrors: Record<string, number> = {};
  for (const r of records) for (const code of r.acceptErrors) increment(acceptErrors, code);
  return {
    sent: records.length,
    acknowledged: acked.length,
    stored: records.filter((r) => byId.has(r.callId)).length,
    delivered: records.filter((r) => r.acceptedBy.length > 0).length,
    lost: lost.length,
    lostAfterReconnect: lost.length,
    recoveredByGapResync: null,
    shownTwice:
      records.filter((r) => new Set(r.acceptedBy).size > 1).length + input.calls.duplicateOffers,
    outOfOrder: null,
    lostExamples: examples(
      lost.map(
        (r) =>
          `${r.callId} (${r.phase}; status ${byId.get(r.callId)?.status ?? 'not stored'}, ${r.offers.length} offers reached an agent)`,
      ),
    ),
    facts: {
      'final call status': statuses,
      'offers in the database never received by the agent, by final offer status': missedOffers,
      'offers never received, examples': examples(missedExamples),
      'calls first offered to a client more than 5 s after arriving, examples': examples(
        records
          .filter((r) => r.offers.length > 0 && r.offers[0].at - r.sentAt > 5000)
          .map(
            (r) =>
              `${r.callId} sent at ${phaseAt(input.timeline, r.sentAt)}, first offer seen after ${((r.offers[0].at - r.sentAt) / 1000).toFixed(1)} s`,
          ),
      ),
      'offers received': input.calls.offersSeen.size,
      'offers revoked, by reason': input.calls.revoked,
      'accept errors': acceptErrors,
      'accepts with no acknowledgement that GET /api/me/status showed went through':
        input.calls.acceptsConfirmedByStatus,
      'answered, hang-up event not taken': records.filter(
        (r) => r.acceptedBy.length > 0 && r.endedAt === null,
      ).length,
      'agents put on break by the server (went available again)': input.calls.breaks,
      'answered in the database by someone the clients did not see accept': rows.filter(
        (r) =>
          r.answered_by_id !== null &&
          !(input.calls.calls.get(r.external_id)?.acceptedBy ?? []).includes(r.answered_by_id),
      ).length,
    },
  };
}

async function broadcastFigures(input: AnalysisInput): Promise<ScenarioFigures> {
  const sent = input.broadcasts.sent;
  const stored = await input.postgres.query<{
    id: string;
    text: string;
    user_id: string;
    acked_at: string | null;
    notifications: string;
  }>(
    `select b.id, b.text, r.user_id, r.acked_at,
            (select count(*) from notifications n
              where n.user_id = r.user_id and n.kind = 'broadcast'
                and n.data->>'broadcastId' = b.id::text) as notifications
       from broadcasts b join broadcast_recipients r on r.broadcast_id = b.id
      where b.text like $1`,
    [`${input.tag} %`],
  );
  const storedTexts = new Set(stored.map((r) => r.text));
  const ackedIds = new Map(sent.filter((b) => b.id !== null).map((b) => [b.id as string, b]));
  const pairs = stored.filter((r) => ackedIds.has(r.id));
  const receipt = (r: { id: string; user_id: string }) =>
    input.broadcasts.receipts.get(`${r.id}:${r.user_id}`);
  const lost = pairs.filter((r) => !receipt(r) || receipt(r)?.shownAfterReconnect);
  const lostForGood = pairs.filter((r) => !receipt(r));
  let shownTwice = 0;
  let reminders = 0;
  for (const r of input.broadcasts.receipts.values()) {
    reminders += r.reminders;
    for (const seqs of r.seqsByNotification.values()) if (seqs.length > 1) shownTwice += 1;
  }
  const byGapResync = pairs.filter(
    (r) => receipt(r)?.shownVia === 'gap-resync' && !receipt(r)?.shownAfterReconnect,
  );
  const gapResyncInFault = byGapResync.filter((r) => {
    const b = ackedIds.get(r.id);
    return b !== undefined && duringPushFault(input, b.sentAt, receipt(r)?.firstShownAt ?? 0);
  });
  // Counted in recipient deliveries (one broadcast to N people is N), like chat messages.
  return {
    sent: sent.length * input.broadcastRecipients,
    acknowledged: pairs.length,
    stored: pairs.filter((r) => Number(r.notifications) > 0).length,
    delivered: pairs.filter((r) => receipt(r) && !receipt(r)?.shownAfterReconnect).length,
    lost: lost.length,
    lostAfterReconnect: lostForGood.length,
    recoveredByGapResync: byGapResync.length - gapResyncInFault.length,
    shownTwice,
    outOfOrder: null,
    lostExamples: examples(
      lost.map((r) => {
        const b = ackedIds.get(r.id);
        return `broadcast ${b?.n} to ${r.user_id.slice(0, 8)} (${b?.phase}; ${Number(r.notifications)} notification rows; ${receipt(r) ? 'shown only after a reconnect' : 'never shown'})`;
      }),
    ),
    facts: {
      'shown via (live push, or the replay of a failover, gap resync, …)': viaCounts(
        pairs
          .map((r) => receipt(r))
          .filter((r) => r !== undefined && !r.shownAfterReconnect)
          .map((r) => r?.shownVia as string),
      ),
      'broadcasts sent / acknowledged (201) / stored': [
        sent.length,
        ackedIds.size,
        sent.filter((b) => storedTexts.has(b.text)).length,
      ],
      "shown only by a connected client's gap resync, sent or shown while a process was killed or Redis stopped":
        gapResyncInFault.length,
      'shown only by a gap resync otherwise, examples': examples(
        byGapResync
          .filter((r) => !gapResyncInFault.includes(r))
          .map((r) => {
            const b = ackedIds.get(r.id);
            const shownAt = receipt(r)?.firstShownAt ?? 0;
            return `broadcast ${b?.n} to ${r.user_id.slice(0, 8)} sent at ${b ? phaseAt(input.timeline, b.sentAt) : '?'}, shown ${b ? ((shownAt - b.sentAt) / 1000).toFixed(1) : '?'} s later`;
          }),
      ),
      'recipient pairs with no notification row (never fanned out)': pairs.filter(
        (r) => Number(r.notifications) === 0,
      ).length,
      'stored but not acknowledged (POST failed)': sent.filter(
        (b) => b.id === null && storedTexts.has(b.text),
      ).length,
      'acknowledged by the recipient (database)': pairs.filter((r) => r.acked_at !== null).length,
      'reminder notifications shown': reminders,
      'recipient ack errors': input.broadcasts.ackErrorCounts(),
    },
  };
}

interface StuckRow {
  kind: string;
  subject: string;
}

/** Stuck states found now; only those found again a few seconds later are reported. */
async function stuckNow(input: AnalysisInput): Promise<StuckRow[]> {
  const like = `${input.tag}-%`;
  const rows: StuckRow[] = [];
  const idle = await input.postgres.query<{ n: string }>(
    `select count(*) as n from staff_presence
      where user_id = any($1::uuid[]) and status = 'available' and state = 'idle'`,
    [input.agentIds],
  );
  if (Number(idle[0].n) > 0) {
    const waiting = await input.postgres.query<{ external_id: string; status: string }>(
      `select external_id, status from calls c
        where external_id like $1 and status in ('arrived', 'queued')
          and not exists (select 1 from offers o where o.item_id = c.id and o.status = 'pending')`,
      [like],
    );
    for (const w of waiting)
      rows.push({ kind: 'waiting', subject: `${w.external_id} ${w.status}` });
  }
  const offered = await input.postgres.query<{ external_id: string }>(
    `select external_id from calls c
      where external_id like $1 and status = 'offered'
        and not exists (select 1 from offers o where o.item_id = c.id and o.status = 'pending')`,
    [like],
  );
  for (const o of offered) rows.push({ kind: 'call-offered', subject: o.external_id });
  const staff = await input.postgres.query<{
    user_id: string;
    status: string;
    state: string;
    call_status: string | null;
    pending: string;
  }>(
    `select p.user_id, p.status, p.state, c.status as call_status,
            (select count(*) from offers o where o.staff_id = p.user_id and o.status = 'pending') as pending
       from staff_presence p left join calls c on c.id = p.current_call_id
      where p.user_id = any($1::uuid[])`,
    [input.agentIds],
  );
  for (const s of staff) {
    const who = `${s.user_id.slice(0, 8)} ${s.status}/${s.state}`;
    if (s.state === 'offered' && Number(s.pending) === 0)
      rows.push({ kind: 'staff-offered', subject: who });
    if (
      s.state === 'busy' &&
      !['answered', 'transferred', 'offered'].includes(s.call_status ?? '')
    ) {
      rows.push({ kind: 'staff-busy', subject: `${who} call ${s.call_status ?? 'none'}` });
    }
    if (s.status === 'break') rows.push({ kind: 'break', subject: who });
  }
  return rows;
}

async function stuckFigures(input: AnalysisInput): Promise<StuckFigures> {
  let rows = await stuckNow(input);
  if (rows.length > 0) {
    await sleep(5000);
    const again = new Set((await stuckNow(input)).map((r) => `${r.kind}|${r.subject}`));
    rows = rows.filter((r) => again.has(`${r.kind}|${r.subject}`));
  }
  const count = (kind: string) => rows.filter((r) => r.kind === kind).length;
  return {
    callsWaitingWithIdleAgents: count('waiting'),
    callsOfferedWithoutPendingOffer: count('call-offered'),
    staffOfferedWithoutPendingOffer: count('staff-offered'),
    staffBusyWithoutLiveCall: count('staff-busy'),
    agentsOnBreak: count('break'),
    details: examples(rows.map((r) => `${r.kind}: ${r.subject}`)),
  };
}

function slowest(values: number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

function phaseFigures(input: AnalysisInput): PhaseFigures[] {
  const http = input.timeline.httpByPhase(['telephony', 'broadcast', 'probe']);
  const phases = [...new Set(input.timeline.marks.map((m) => m.phase))].filter(
    (p) => p !== 'setup' && p !== 'final-reconnect',
  );
  const broadcastPairs = new Map<string, number>();
  for (const r of input.broadcasts.receipts.values()) {
    broadcastPairs.set(r.broadcastId, (broadcastPairs.get(r.broadcastId) ?? 0) + 1);
  }
  return phases.map((phase) => {
    const chat = [...input.chat.messages.values()].filter((m) => m.phase === phase);
    const chatAcked = chat.filter((m) => m.ackedAt !== null);
    const calls = [...input.calls.calls.values()].filter((c) => c.phase === phase);
    const callsAcked = calls.filter((c) => c.ackedAt !== null);
    const bcs = input.broadcasts.sent.filter((b) => b.phase === phase);
    return {
      phase,
      chat: {
        sent: chat.length,
        acknowledged: chatAcked.length,
        lost: chatAcked.filter((m) => m.shownAt === null || m.shownAfterReconnect).length,
        lostAfterReconnect: chatAcked.filter((m) => m.shownAt === null).length,
        internalErrors: chat.reduce(
          (n, m) => n + m.ackErrors.filter((c) => c === 'INTERNAL').length,
          0,
        ),
        slowestMs: slowest(
          chat
            .filter((m) => m.shownAt !== null && !m.shownAfterReconnect)
            .map((m) => (m.shownAt as number) - m.sentAt),
        ),
      },
      calls: {
        sent: calls.length,
        acknowledged: callsAcked.length,
        lost: callsAcked.filter((c) => c.acceptedBy.length === 0).length,
        slowestOfferMs: slowest(
          callsAcked.filter((c) => c.offers.length > 0).map((c) => c.offers[0].at - c.sentAt),
        ),
      },
      broadcasts: {
        sent: bcs.length,
        acknowledged: bcs.filter((b) => b.id !== null).length,
        recipients: 0,
        lost: 0,
        slowestMs: slowest(
          [...input.broadcasts.receipts.values()]
            .filter((r) => !r.shownAfterReconnect)
            .map((r) => {
              const b = bcs.find((x) => x.id === r.broadcastId);
              return b ? r.firstShownAt - b.sentAt : -1;
            })
            .filter((v) => v >= 0),
        ),
      },
      http: http[phase] ?? {},
      clients: input.timeline.tallies[phase] ?? {},
    };
  });
}

async function unshownEvents(input: AnalysisInput): Promise<Analysis['unshownEvents']> {
  const byName: Record<string, number> = {};
  let total = 0;
  for (const c of input.clients) {
    const rows = await input.postgres.query<{ name: string; n: string }>(
      `select name, count(*) as n from user_events where user_id = $1 and seq > $2 group by name`,
      [c.userId, c.last],
    );
    for (const r of rows) {
      byName[r.name] = (byName[r.name] ?? 0) + Number(r.n);
      total += Number(r.n);
    }
  }
  return { total, byName };
}

export async function analyse(input: AnalysisInput): Promise<Analysis> {
  const [chat, calls, broadcasts, stuck] = [
    await chatFigures(input),
    await callFigures(input),
    await broadcastFigures(input),
    await stuckFigures(input),
  ];
  const phases = phaseFigures(input);
  // Broadcast losses per phase: recipient pairs of the phase's acknowledged broadcasts.
  const recipients = await input.postgres.query<{ id: string; user_id: string }>(
    `select b.id, r.user_id from broadcasts b join broadcast_recipients r on r.broadcast_id = b.id
      where b.text like $1`,
    [`${input.tag} %`],
  );
  for (const p of phases) {
    const ids = new Set(
      input.broadcasts.sent.filter((b) => b.phase === p.phase && b.id).map((b) => b.id),
    );
    const mine = recipients.filter((r) => ids.has(r.id));
    p.broadcasts.recipients = mine.length;
    p.broadcasts.lost = mine.filter((r) => {
      const receipt = input.broadcasts.receipts.get(`${r.id}:${r.user_id}`);
      return !receipt || receipt.shownAfterReconnect;
    }).length;
  }
  return {
    scenarios: { chat, calls, broadcasts },
    phases,
    stuck,
    unshownEvents: await unshownEvents(input),
  };
}
