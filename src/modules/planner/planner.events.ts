import type {
  PlannedKind,
  PlannedOrigin,
  PlannedStatus,
} from '@/modules/planner/entities/planned-contact.entity';

export type PlannerChange =
  'created' | 'updated' | 'postponed' | 'done' | 'failed' | 'cancelled' | 'overdue';

/** A planned contact as consoles and calendars show it (REST and the `planner.changed` delta). */
export interface PlannedContactView {
  id: string;
  assigneeId: string;
  clientId: string | null;
  contactId: string | null;
  kind: PlannedKind;
  subject: string;
  note: string | null;
  startsAt: string;
  durationMinutes: number | null;
  dueAt: string;
  firstDueAt: string;
  status: PlannedStatus;
  overdue: boolean;
  origin: PlannedOrigin;
  followsCallId: string | null;
  followsRequestId: string | null;
  followsRequestStageId: string | null;
  followsPlannedId: string | null;
  resultCallId: string | null;
  reasonId: string | null;
  reasonText: string | null;
  postponeCount: number;
  closedAt: string | null;
  createdById: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `planner.changed`: to the assignee's room (and the previous one's), and to supervisors. */
export interface PlannerChangedEvent {
  change: PlannerChange;
  plannedContact: PlannedContactView;
  /** Set when the plan moved to another person: they see it leave their calendar. */
  previousAssigneeId: string | null;
}

/**
 * The outbox row of a committed change of a planned contact: its reactions (the socket delta,
 * moving its reminder and overdue jobs) read the plan again, so a late delivery acts on the plan
 * as it is.
 */
export interface PlannerChanged {
  plannedContactId: string;
  change: Exclude<PlannerChange, 'overdue'>;
  /** The start and due time before a postponement: their jobs are removed. */
  previousStartsAt: string | null;
  previousDueAt: string | null;
  previousAssigneeId: string | null;
}

/** A missed or abandoned call was marked called back (calls feature): its callback plan closes. */
export interface CallCalledBack {
  callId: string;
  byUserId: string | null;
}

/**
 * A receptionist is holding a waiting call for a callback (written before the hold, delivered
 * after it): once the call shows the hold, it becomes a planned call back for the client's
 * curator, else for `heldByUserId`.
 */
export interface CallHeld {
  callId: string;
  heldByUserId: string | null;
}
