import {
  readableTime,
  canMove,
  delayMinutes,
  dueAt,
  hasDuration,
  isOpen,
  isOverdue,
  jobStillApplies,
  median,
  plannerJobIds,
  postponeProblem,
  reminderAt,
} from '@/modules/planner/planner-rules';
import {
  PLANNED_STATUSES,
  type PlannedStatus,
} from '@/modules/planner/entities/planned-contact.entity';

const T = new Date('2026-12-04T15:00:00.000Z');
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);

describe('planner rules', () => {
  it.each<[PlannedStatus, boolean]>([
    ['planned', true],
    ['postponed', true],
    ['done', false],
    ['failed', false],
    ['cancelled', false],
  ])('%s is open: %s, and moves only while open', (status, open) => {
    expect(isOpen(status)).toBe(open);
    for (const move of ['done', 'postpone', 'fail', 'cancel', 'update'] as const) {
      expect(canMove(status, move)).toBe(open);
    }
  });

  it('covers every status', () => {
    expect(PLANNED_STATUSES.filter(isOpen)).toEqual(['planned', 'postponed']);
  });

  it('calls and meetings have a window; tasks and e-mails are due at their time', () => {
    expect(['call', 'meeting', 'task', 'email'].map((k) => hasDuration(k as never))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(dueAt(T, 30)).toEqual(minutes(30));
    expect(dueAt(T, null)).toEqual(T);
  });

  it('reminds the lead before the start', () => {
    expect(reminderAt(T, 600)).toEqual(minutes(-10));
    expect(reminderAt(T, 0)).toEqual(T);
  });

  it('is overdue only while open and past the due time', () => {
    expect(isOverdue('planned', T, minutes(1))).toBe(true);
    expect(isOverdue('postponed', T, minutes(1))).toBe(true);
    expect(isOverdue('planned', T, T)).toBe(false);
    expect(isOverdue('done', T, minutes(1))).toBe(false);
    expect(isOverdue('failed', T, minutes(1))).toBe(false);
  });

  it('a delayed job applies only to the open plan at the time it was scheduled for', () => {
    expect(jobStillApplies('planned', T, T.toISOString())).toBe(true);
    expect(jobStillApplies('postponed', minutes(5), T.toISOString())).toBe(false);
    expect(jobStillApplies('done', T, T.toISOString())).toBe(false);
  });

  it('job ids carry the plan and its time, so a moved plan gets new ones', () => {
    expect(plannerJobIds.reminder('p', T)).toBe(`planner-reminder-p-${T.getTime()}`);
    expect(plannerJobIds.reminder('p', minutes(1))).not.toBe(plannerJobIds.reminder('p', T));
    expect(plannerJobIds.overdue('p', T, 'assignee')).not.toBe(
      plannerJobIds.overdue('p', T, 'supervisors'),
    );
  });

  it('a postponement needs a reason and a new time', () => {
    expect(postponeProblem(T, minutes(5), {})).toBe('REASON_REQUIRED');
    expect(postponeProblem(T, minutes(5), { reasonText: '   ' })).toBe('REASON_REQUIRED');
    expect(postponeProblem(T, T, { reasonText: 'busy' })).toBe('SAME_TIME');
    expect(postponeProblem(T, minutes(5), { reasonId: 'r' })).toBeNull();
    expect(postponeProblem(T, minutes(-5), { reasonText: 'earlier' })).toBeNull();
  });

  it('delay counts from the first due time, never below zero', () => {
    expect(delayMinutes(T, minutes(90))).toBe(90);
    expect(delayMinutes(T, minutes(-30))).toBe(0);
  });

  it('median of odd, even and empty lists', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([0, 10, 2, 4])).toBe(3);
  });

  it('writes a plan time in the office zone, not as UTC', () => {
    expect(readableTime(T, 'Europe/Moscow')).toBe('Fri 4 Dec, 18:00');
    expect(readableTime(T, 'America/New_York')).toBe('Fri 4 Dec, 10:00');
    expect(readableTime(new Date('2026-12-04T22:30:00Z'), 'Asia/Tokyo')).toBe('Sat 5 Dec, 07:30');
  });
});
