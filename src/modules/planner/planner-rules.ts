import type { PlannedKind, PlannedStatus } from '@/modules/planner/entities/planned-contact.entity';

/**
 * The planner's rules as plain functions: which moves a plan may make, when it is due, when its
 * reminder and overdue checks run, and how a finished plan counts in the report.
 */

export const OPEN_STATUSES: readonly PlannedStatus[] = ['planned', 'postponed'];

export type PlanMove = 'done' | 'postpone' | 'fail' | 'cancel' | 'update';

export function isOpen(status: PlannedStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** A plan moves only while open: done, failed and cancelled are final. */
export function canMove(status: PlannedStatus, _move: PlanMove): boolean {
  return isOpen(status);
}

/** Calls and meetings take time; tasks and e-mails are due at their time. */
export function hasDuration(kind: PlannedKind): boolean {
  return kind === 'call' || kind === 'meeting';
}

/** When a plan should be finished: the end of a call's or meeting's window, a task's time. */
export function dueAt(startsAt: Date, durationMinutes: number | null): Date {
  return new Date(startsAt.getTime() + (durationMinutes ?? 0) * 60_000);
}

/** When its assignee is reminded: `leadSeconds` before the start, or now if that has passed. */
export function reminderAt(startsAt: Date, leadSeconds: number): Date {
  return new Date(startsAt.getTime() - leadSeconds * 1000);
}

/** Open and past its due time. */
export function isOverdue(status: PlannedStatus, due: Date, now: Date): boolean {
  return isOpen(status) && due.getTime() < now.getTime();
}

/**
 * A delayed job finds the plan as it is now: it acts only if the plan is still open and still
 * at the time the job was scheduled for (a postponed plan has its own, newer job).
 */
export function jobStillApplies(
  status: PlannedStatus,
  planTime: Date,
  scheduledFor: string,
): boolean {
  return isOpen(status) && planTime.getTime() === new Date(scheduledFor).getTime();
}

/** Deterministic BullMQ job ids: one per plan and time, so a repeat schedules nothing new. */
export const plannerJobIds = {
  reminder: (planId: string, startsAt: Date) => `planner-reminder-${planId}-${startsAt.getTime()}`,
  overdue: (planId: string, due: Date, to: 'assignee' | 'supervisors') =>
    `planner-overdue-${to}-${planId}-${due.getTime()}`,
};

/** A done plan is on time when finished by its first due time; its delay is how much later. */
export function delayMinutes(firstDueAt: Date, closedAt: Date): number {
  return Math.max(0, (closedAt.getTime() - firstDueAt.getTime()) / 60_000);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A postponement must move the plan: to a different time, with a reason. */
export function postponeProblem(
  from: Date,
  to: Date,
  reason: { reasonId?: string; reasonText?: string },
): 'REASON_REQUIRED' | 'SAME_TIME' | null {
  if (!hasReason(reason)) return 'REASON_REQUIRED';
  if (from.getTime() === to.getTime()) return 'SAME_TIME';
  return null;
}

export function hasReason(reason: { reasonId?: string; reasonText?: string }): boolean {
  return reason.reasonId !== undefined || (reason.reasonText?.trim().length ?? 0) > 0;
}

/**
 * A plan's time as its assignee reads it in a notification: weekday, day, month and 24-hour time
 * in the office's zone, e.g. "Fri 4 Dec, 15:00". The instant itself stays in the payload as UTC.
 */
export function readableTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}
