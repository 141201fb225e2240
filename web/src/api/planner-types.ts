/** The planner's wire shapes, DOM-free so the server's compiler checks them (wire-types.check.ts). */

export type PlannedKind = 'call' | 'meeting' | 'task' | 'email';
export type PlannedStatus = 'planned' | 'done' | 'postponed' | 'failed' | 'cancelled';
export const PLANNED_KINDS: readonly PlannedKind[] = ['call', 'meeting', 'task', 'email'];

/** A planned contact as the API sends it (checked against the server in wire-types.check.ts). */
export interface PlannedContact {
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
  origin: string;
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

export interface PlanHistoryItem {
  action: string;
  at: string;
  actorId: string | null;
  fromStartsAt: string | null;
  toStartsAt: string | null;
  reasonId: string | null;
  reason: string | null;
  reasonText: string | null;
  note: string | null;
}

export interface PlannedContactDetail extends PlannedContact {
  history: PlanHistoryItem[];
}

export interface PlannerChangedEvent {
  change: string;
  plannedContact: PlannedContact;
  previousAssigneeId: string | null;
}

export interface ChainLink {
  type: 'call' | 'request' | 'planned';
  id: string;
}
export interface ChainItem extends ChainLink {
  at: string;
  status: string;
  title: string;
  personId: string | null;
  follows: ChainLink | null;
  followedBy: ChainLink[];
}
export interface ClientChain {
  clientId: string;
  items: ChainItem[];
}

export interface PlannerReason {
  id: string;
  label: string;
  active: boolean;
}

export interface PlannerSettings {
  timeZone: string;
  callNow: boolean;
}

export interface ClientBrief {
  id: string;
  name: string;
  phones: string[];
}

export interface ContactBrief {
  id: string;
  name: string;
  phones: string[];
}
