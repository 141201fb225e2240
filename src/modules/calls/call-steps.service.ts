import { Injectable } from '@nestjs/common';
import { LeanSql, LeanTx } from '@/database/lean-sql';
import { AppError } from '@/common/errors/app-error';
import {
  CallEventFact,
  CallEventType,
  compareEvents,
  projectCall,
} from '@/modules/calls/call-projection';
import { LIVE_WINDOW_MS } from '@/modules/calls/call-ingest.service';
import {
  CallStepsRepository,
  StepCallRow,
  StepProjection,
  StoredStep,
} from '@/modules/calls/call-steps.repository';
import { callEventName, CallSummary } from '@/modules/calls/calls.events';
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
 */
@Injectable()
export class CallStepsService {
  constructor(
    private readonly sql: LeanSql,
    private readonly repo: CallStepsRepository,
    private readonly outbox: OutboxRelay,
  ) {}

  async record(entries: readonly RouterStepEntry[]): Promise<StepResult[]> {
    if (entries.length === 0) return [];
    const { found, fresh, changed } = await this.sql.transaction((tx) => this.write(tx, entries));
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

  private async write(
    trx: LeanTx,
    entries: readonly RouterStepEntry[],
  ): Promise<{ found: Set<string>; fresh: Set<string>; changed: OutboxMessage<'call.changed'>[] }> {
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
    if (steps.length === 0) return { found, fresh: new Set(), changed: [] };
    const { fresh, facts } = await this.repo.insertAndReload(trx, steps);
    const touched = [...facts.keys()];
    if (touched.length === 0) return { found, fresh, changed: [] };

    const liveSince = Date.now() - LIVE_WINDOW_MS;
    const projected: StepProjection[] = [];
    const changed: OutboxMessage<'call.changed'>[] = [];
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
      if (row.event_count !== 0 && row.status === projection.status) continue;
      const summary: CallSummary = {
        callId,
        externalId: row.external_id,
        status: projection.status,
        outcome: projection.outcome,
        queueCode: projection.queue,
        lineCode: projection.line,
        from: row.from_number,
        at: projection.lastEventAt.toISOString(),
        arrivedAt: projection.arrivedAt.toISOString(),
        clientId: row.client_id,
        answeredById,
        currentAgentId: idOf(latestAnswerer(all)),
        priority: row.priority,
      };
      changed.push(
        outboxMessage('call.changed', {
          ...summary,
          type: callEventName(summary.status),
          live: Date.parse(summary.at) >= liveSince,
          source: 'system',
        }),
      );
    }
    await this.repo.writeProjections(trx, projected, changed);
    const notes = known.flatMap(({ callId, step, note }) =>
      note !== undefined && fresh.has(step.id) ? [{ callId, note }] : [],
    );
    await this.repo.appendNotes(trx, notes);
    return { found, fresh, changed };
  }
}

/** Who is on the call now: the agent of its latest answer (after a transfer, not the first). */
function latestAnswerer(facts: readonly CallEventFact[]): string | null {
  const answers = facts.filter((f) => f.type === 'answered').sort(compareEvents);
  return answers.at(-1)?.agent ?? null;
}
