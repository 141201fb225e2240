import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import type { PresenceRow } from '@/modules/staff/staff-state.repository';
import type { QueueStrategy } from '@/modules/directory/entities/queue.entity';
import type { DecisionToRecord } from '@/modules/routing/routing.repository';
import type { Candidate, RoutingDecision, WorkItem } from '@/modules/routing/routing.types';
import { decideRouting } from '@/modules/routing/strategies';

/** An offer made by a claim: the person and the new offer's id. */
export interface ClaimedOffer {
  staffId: string;
  offerId: string;
  /** The person's presence as the claim left it, when the claim changed it (a call offer). */
  presence?: PresenceRow;
}

/** What every routable item has, whatever its kind. */
export interface PipelineItem {
  id: string;
  queueId: string | null;
  strategy: QueueStrategy | null;
}

/**
 * What differs between routing a call and routing a request; the pipeline does the rest. Each
 * hook is one step of load → candidates → decide → claim → offer → record.
 */
export interface RoutingKind<I extends PipelineItem> {
  kind: WorkItem['kind'];
  load(id: string): Promise<I | null>;
  /** The queue's members as routing weighs them, and who must not be offered this item again. */
  candidates(id: string): Promise<{ candidates: Candidate[]; excluded: Set<string> }>;
  /**
   * `load` and `candidates` in one round trip, when the kind can read both together; the
   * pipeline then calls neither.
   */
  loadWithCandidates?(
    id: string,
  ): Promise<{ item: I; candidates: Candidate[]; excluded: Set<string> } | null>;
  /** Still waiting for someone and not being offered right now. */
  routable(item: I): boolean;
  workItem(item: I): WorkItem;
  /** The atomic claim in PostgreSQL: who of `ordered` was offered the item (none, one, all). */
  claim(item: I, ordered: readonly string[], ringAll: boolean): Promise<ClaimedOffer[]>;
  /**
   * `claim` that also records the decision, with whom it offered, in the claim's own statement;
   * the pipeline then does not record it. Only called when someone was ordered.
   */
  claimAndRecord?(
    item: I,
    ordered: readonly string[],
    ringAll: boolean,
    record: { decision: RoutingDecision; trigger: string },
  ): Promise<ClaimedOffer[]>;
  /** The offer reaches the person (timeout, socket, console, the item's log). */
  offered(item: I, offer: ClaimedOffer, username: string | undefined): Promise<unknown>;
  /** Runs beside the claim (e.g. the call's max-wait timer). */
  alongside?(item: I): Promise<unknown>;
  /** Runs once the outcome is known (e.g. a call nobody could take is recorded as queued). */
  settled?(item: I, offeredTo: readonly string[]): Promise<unknown>;
}

/** Where decisions are kept so every offer can be explained (`GET /calls/:id/routing`). */
export abstract class DecisionLog {
  abstract recordDecision(
    kind: WorkItem['kind'],
    itemId: string,
    decision: DecisionToRecord,
    trigger: string,
    offeredTo: readonly string[],
  ): Promise<void>;
}

/** The round-robin position of each queue, per kind, shared by every process. */
export abstract class RoundRobinCursors {
  abstract get(kind: WorkItem['kind'], queueId: string): Promise<string | null>;
  abstract set(kind: WorkItem['kind'], queueId: string, staffId: string): Promise<void>;
}

/**
 * One routing decision for one item, calls and requests alike: load it and its candidates,
 * decide with the queue's pure strategy, claim in PostgreSQL (where several processes meet),
 * deliver the offers and record the decision with its reason. The kind's hooks do the I/O that
 * differs; correctness under concurrency lives in their claims, never in this ordering.
 */
@Injectable()
export class RoutingPipeline {
  constructor(
    private readonly log: DecisionLog,
    private readonly cursors: RoundRobinCursors,
    private readonly config: AppConfig,
  ) {}

  /** The people the item was offered to (empty when nobody could be, or it needs nobody). */
  async route<I extends PipelineItem>(
    hooks: RoutingKind<I>,
    id: string,
    trigger: string,
    now: () => Date = () => new Date(),
  ): Promise<string[]> {
    const loaded = hooks.loadWithCandidates
      ? await hooks.loadWithCandidates(id)
      : await Promise.all([hooks.load(id), hooks.candidates(id)]).then(([item, members]) =>
          item ? { item, ...members } : null,
        );
    if (!loaded) return [];
    const { item, candidates, excluded } = loaded;
    if (item.queueId === null || item.strategy === null || !hooks.routable(item)) {
      return [];
    }
    const queueId = item.queueId;
    const roundRobin = item.strategy === 'round-robin';
    const decision: RoutingDecision = decideRouting({
      strategy: item.strategy,
      candidates,
      item: hooks.workItem(item),
      capacity: { maxCalls: 1, maxRequests: this.config.routing.maxOpenRequests },
      now: now(),
      excluded,
      roundRobinCursor: roundRobin ? await this.cursors.get(hooks.kind, queueId) : null,
    });
    const recorded = hooks.claimAndRecord !== undefined && decision.ordered.length > 0;
    const [claimed] = await Promise.all([
      decision.ordered.length === 0
        ? []
        : hooks.claimAndRecord
          ? hooks.claimAndRecord(item, decision.ordered, decision.ringAll, { decision, trigger })
          : hooks.claim(item, decision.ordered, decision.ringAll),
      hooks.alongside?.(item),
    ]);
    const offeredTo = claimed.map((c) => c.staffId);
    const usernames = new Map(candidates.map((c) => [c.staffId, c.username]));
    await Promise.all([
      ...claimed.map((c) => hooks.offered(item, c, usernames.get(c.staffId))),
      recorded ? null : this.log.recordDecision(hooks.kind, item.id, decision, trigger, offeredTo),
      offeredTo.length > 0 && roundRobin
        ? this.cursors.set(hooks.kind, queueId, offeredTo[0])
        : null,
      hooks.settled?.(item, offeredTo),
    ]);
    return offeredTo;
  }
}
