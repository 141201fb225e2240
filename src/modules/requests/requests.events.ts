import { Injectable } from '@nestjs/common';
import { DomainEventBus } from '@/common/events/domain-event-bus';
import type { RequestChannel, RequestStatus } from '@/modules/requests/entities/request.entity';

/** `assigned`: the person offered the request by routing accepted it. */
export type RequestChange = 'created' | 'advanced' | 'reassigned' | 'assigned' | 'overdue';

/** What consoles and the assignee need about a request that changed, without a query. */
export interface RequestSummary {
  requestId: string;
  number: number;
  change: RequestChange;
  status: RequestStatus;
  channel: RequestChannel;
  subject: string;
  priority: number;
  clientId: string | null;
  queueCode: string | null;
  callId: string | null;
  currentStage: string;
  /** The current stage's assignee (users.id). */
  assigneeId: string | null;
  /** The current stage's due time (ISO-8601); null once the request is done. */
  dueAt: string | null;
  overdue: boolean;
  updatedAt: string;
}

/** Raised by the overdue job when a stage passes its due time unfinished. */
export interface RequestStageOverdueEvent {
  type: 'request.stage-overdue';
  requestId: string;
  stageId: string;
  stage: string;
  assigneeId: string | null;
  dueAt: string;
}

/**
 * Raised after every committed change of who holds a request: routing offers an open request
 * nobody holds, withdraws offers of one that was taken, and offers waiting work to whoever a
 * change freed.
 */
export interface RequestAssignmentEvent {
  type: 'request.assignment';
  requestId: string;
  change: Exclude<RequestChange, 'overdue'>;
  status: RequestStatus;
  queueId: string | null;
  assigneeId: string | null;
  /** Someone whose open requests went down by one: the previous holder, or the closer. */
  freedUserId: string | null;
}

export type RequestDomainEvent = RequestStageOverdueEvent | RequestAssignmentEvent;

/**
 * The outbox row of a committed change of a request: what its after-commit reactions need (the
 * rest is read again when it is delivered, so a late delivery acts on the request as it is).
 */
export interface RequestChanged {
  requestId: string;
  change: Exclude<RequestChange, 'overdue'>;
  previousAssigneeId: string | null;
  /** A stage that started or was re-dued by the change: its overdue check is scheduled. */
  dueStageId: string | null;
}

/**
 * In-process domain events of the requests feature (published after commit: assignment events by
 * the outbox relay). Alerts go through NotificationsService directly; routing subscribes to offer
 * requests through queue strategies.
 */
@Injectable()
export class RequestsEventBus extends DomainEventBus<RequestDomainEvent> {}
