import { Injectable } from '@nestjs/common';
import { LeanSql, LeanTx } from '@/database/lean-sql';
import { AppError } from '@/common/errors/app-error';
import {
  CallEventFact,
  CallEventType,
  CallProjection,
  compareEvents,
  projectCall,
  projectNext,
} from '@/modules/calls/call-projection';
import { LIVE_WINDOW_MS } from '@/modules/calls/call-ingest.service';
import {
  CallStepsRepository,
  StepCallRow,
  StepProjection,
  StoredStep,
} from '@/modules/calls/call-steps.repository';
import { changedEvent, summaryOf } from '@/modules/calls/calls.events';
import { KnownCall, KnownCalls } from '@/modules/calls/known-calls';
import { OutboxMessage, outboxMessage } from '@/outbox/outbox.catalogue';
import { OutboxRelay } from '@/outbox/outbox.relay';

/** The steps a router (or a person acting through it) records on a call. */
export type RouterStepType = Extract<
  CallEventType,
  'queued' | 'offered' | 'answered' | 'missed' | 'transferred' | 'ended'
>;

/** A person the router already knows: no look-up by code on the way in. */
export interface StepAgent {
  id: string;
  username: string;
}

export interface RouterStep {
  /** Idempotency key, derived from the offer or call it concerns. */
  id: string;
  type: RouterStepType;
  at: Date;
  agent: StepAgent | null;
  queue: string | null;
}

export interface RouterStepEntry {
  /** calls.id */
  callId: string;
  step: RouterStep;
  /** Appended to the call's note with the step, only if the step is new. */
  note?: string;
}

/** Per entry: whether the step was new, or CALL_NOT_FOUND. */
export type StepResult = 'accepted' | 'duplicate' | AppError;

/**
 * The router's direct path into a call's log. Routing knows the call by its internal id and the
 * person by user id, so this skips what the telephony ingest must do for a connector's event
 * (create the call, resolve codes to ids, match the caller): it locks the calls, appends the
 * steps, re-projects each call from all its events with the one pure projection (so a late or
 * replayed telephony event still yields the same row) and writes the rows with their outbox
 * rows in one statement. Several steps of several calls share one transaction.
 *
 * The normal idle path is shorter: one step that is its call's latest event, on a call whose row
 * this process wrote last, is ONE statement (`appendLatest`: `projectNext` from the row in hand,
 * checked under the row's lock that it is still that row). A late step, a call not known here or
 * a row another writer moved on goes the full way above.
 */
@Injectable()
export class CallStepsService {
  constructor(
    private readonly sql: LeanSql,
    private readonly repo: CallStepsRepository,
    private readonly outbox: OutboxRelay,
    private readonly known: KnownCalls,
  ) {}

  async record(entries: readonly RouterStepEntry[]): Promise<StepResult[]> {
    if (entries.length === 0) return [];
    if (entries.length === 1) {
      const latest = await this.appendLatest(entries[0]);
      if (latest !== null) return [latest];
    }
    const { found, fresh, changed, remember } = await this.sql.transaction((tx) =>
      this.write(tx, entries),
    );
    // Kept once committed: the next step of these calls can start from them.
    for (const call of remember) this.remember(call);
    // Not awaited: the reactions run on (one may itself record steps here).
    if (changed.length > 0) void this.outbox.dispatch(changed);
    const seen = new Set<string>();
    return entries.map(({ callId, step }) => {
      if (!found.has(callId))
        return new AppError('CALL_NOT_FOUND', `Call ${callId} does not exist`);
      const first = !seen.has(step.id);
      seen.add(step.id);
      return first && fresh.has(step.id) ? 'accepted' : 'duplicate';
    });
  }

  /**
   * The normal idle path: one step, the latest event of a call whose row this process wrote
   * last, in ONE statement (insert the event, set the row as `projectNext` computes it from the
   * row in hand, outbox row and note with it). Null when that does not apply (the call is not
   * known here, the step is not after its last event, the call is closed) or the row moved on
   * meanwhile (another process, a telephony event): the caller re-projects from all events.
   */
  private async appendLatest({ callId, step, note }: RouterStepEntry): Promise<StepResult | null> {
    const known = this.known.get(callId);
    if (!known) return null;
    const { row, projection: prev } = known;
    const stored: StoredStep = {
      id: step.id,
      callId,
      type: step.type,
      at: step.at,
      line: row.line_code,
      queue: step.queue,
      agent: step.agent?.username ?? null,
    };
    const projection = projectNext(prev, { ...stored, from: null, to: null });
    if (projection === null) return null;
    const idOf = (code: string | null): string | null =>
      code === null
        ? null
        : code === row.answered_by_code
          ? row.answered_by_id
          : code === step.agent?.username
            ? step.agent.id
            : null;
    const answeredById = idOf(projection.answeredBy);
    const currentAgent = step.type === 'answered' ? stored.agent : known.currentAgent;
    const change =
      prev.status === projection.status
        ? null
        : changeOf(row, projection, answeredById, idOf(currentAgent), Date.now() - LIVE_WINDOW_MS);
    this.known.take(callId);
    const { matched, inserted } = await this.repo.appendLatest(
      this.sql,
      stored,
      prev,
      { id: callId, projection, answeredById },
      note ?? null,
      change,
    );
    if (!matched) return null;
    if (!inserted) {
      this.remember(known);
      return 'duplicate';
    }
    if (projection.answeredBy === null || answeredById !== null)
      this.remember({
        row: {
          ...row,
          status: projection.status,
          event_count: projection.eventCount,
          answered_by_code: projection.answeredBy,
          answered_by_id: answeredById,
        },
        projection,
        currentAgent,
      });
    if (change) void this.outbox.dispatch([change]);
    return 'accepted';
  }

  private remember(call: KnownCall): void {
    this.known.remember(call);
  }

  private async write(
    trx: LeanTx,
    entries: readonly RouterStepEntry[],
  ): Promise<{
    found: Set<string>;
    fresh: Set<string>;
    changed: OutboxMessage<'call.changed'>[];
    remember: KnownCall[];
  }> {
    const locked = new Map(
      (await this.repo.lock(trx, [...new Set(entries.map((e) => e.callId))].sort())).map((r) => [
        r.id,
        r,
      ]),
    );
    const known = entries.filter((e) => locked.has(e.callId));
    const steps: StoredStep[] = [];
    const agents = new Map<string, string>();
    const ids = new Set<string>();
    for (const { callId, step } of known) {
      if (ids.has(step.id)) continue;
      ids.add(step.id);
      if (step.agent) agents.set(step.agent.username, step.agent.id);
      steps.push({
        id: step.id,
        callId,
        type: step.type,
        at: step.at,
        line: locked.get(callId)?.line_code ?? null,
        queue: step.queue,
        agent: step.agent?.username ?? null,
      });
    }
    const found = new Set(locked.keys());
    if (steps.length === 0) return { found, fresh: new Set(), changed: [], remember: [] };
    const { fresh, facts } = await this.repo.insertAndReload(trx, steps);
    const touched = [...facts.keys()];
    if (touched.length === 0) return { found, fresh, changed: [], remember: [] };

    const liveSince = Date.now() - LIVE_WINDOW_MS;
    const projected: StepProjection[] = [];
    const changed: OutboxMessage<'call.changed'>[] = [];
    const remember: KnownCall[] = [];
    for (const callId of touched) {
      const row = locked.get(callId) as StepCallRow;
      const all = facts.get(callId) as CallEventFact[];
      const projection = projectCall(all);
      const idOf = (code: string | null): string | null =>
        code === null
          ? null
          : code === row.answered_by_code
            ? row.answered_by_id
            : (agents.get(code) ?? null);
      const answeredById = idOf(projection.answeredBy);
      projected.push({ id: callId, projection, answeredById });
      const currentAgent = latestAnswerer(all);
      // A code resolved inside the statement is not known here: that call goes the full way.
      if (projection.answeredBy === null || answeredById !== null)
        remember.push({
          row: {
            ...row,
            status: projection.status,
            event_count: projection.eventCount,
            line_code: projection.line,
            answered_by_code: projection.answeredBy,
            answered_by_id: answeredById,
          },
          projection,
          currentAgent,
        });
      if (row.event_count !== 0 && row.status === projection.status) continue;
      changed.push(changeOf(row, projection, answeredById, idOf(currentAgent), liveSince));
    }
    await this.repo.writeProjections(trx, projected, changed);

    const notes = known.flatMap(({ callId, step, note }) =>
      note !== undefined && fresh.has(step.id) ? [{ callId, note }] : [],
    );
    await this.repo.appendNotes(trx, notes);
    return { found, fresh, changed, remember };
  }
}

function changeOf(
  row: StepCallRow,
  projection: CallProjection,
  answeredById: string | null,
  currentAgentId: string | null,
  liveSince: number,
): OutboxMessage<'call.changed'> {
  const call = {
    id: row.id,
    externalId: row.external_id,
    from: row.from_number,
    clientId: row.client_id,
    answeredById,
    currentAgentId,
    priority: row.priority,
  };
  return outboxMessage(
    'call.changed',
    changedEvent(summaryOf(call, projection), 'system', liveSince),
  );
}

/** Who is on the call now: the agent of its latest answer (after a transfer, not the first). */
function latestAnswerer(facts: readonly CallEventFact[]): string | null {
  const answers = facts.filter((f) => f.type === 'answered').sort(compareEvents);
  return answers.at(-1)?.agent ?? null;
}
