import ICAL from 'ical.js';
import { render } from '@/modules/planner/calendar-feed.service';
import type { PlannedContact } from '@/modules/planner/entities/planned-contact.entity';

const plan = (fields: Partial<PlannedContact>): PlannedContact =>
  ({
    id: 'a1b2',
    kind: 'task',
    subject: 'Send, the; contract',
    note: null,
    startsAt: new Date('2026-12-04T15:00:00Z'),
    durationMinutes: null,
    dueAt: new Date('2026-12-04T15:00:00Z'),
    status: 'planned',
    postponeCount: 0,
    client: null,
    contact: null,
    createdAt: new Date('2026-12-01T10:00:00Z'),
    updatedAt: new Date('2026-12-02T10:00:00Z'),
    ...fields,
  }) as PlannedContact;

describe('calendar feed rendering', () => {
  it('renders plans as events an iCalendar parser reads back', () => {
    const text = render(
      [
        plan({}),
        plan({
          id: 'c3d4',
          kind: 'call',
          durationMinutes: 30,
          dueAt: new Date('2026-12-04T15:30:00Z'),
          status: 'cancelled',
          postponeCount: 2,
        }),
      ],
      600,
    );
    const events = new ICAL.Component(ICAL.parse(text) as unknown[])
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid)).toEqual(['a1b2@switchboard', 'c3d4@switchboard']);
    expect(events[0].summary).toBe('Task: Send, the; contract');
    // A task is shown as a short slot at its due time.
    expect(events[0].endDate.toJSDate().toISOString()).toBe('2026-12-04T15:15:00.000Z');
    expect(events[1].endDate.toJSDate().toISOString()).toBe('2026-12-04T15:30:00.000Z');
    expect(events[1].sequence).toBe(2);
    expect(events[1].component.getFirstPropertyValue('status')).toBe('CANCELLED');
    // Open plans carry an alarm at the reminder lead; closed ones do not.
    expect(events[0].component.getAllSubcomponents('valarm')).toHaveLength(1);
    expect(events[1].component.getAllSubcomponents('valarm')).toHaveLength(0);
  });
});
