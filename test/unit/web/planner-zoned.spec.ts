import {
  addDays,
  clockOf,
  dayOf,
  layoutLanes,
  minuteOfDay,
  timeOf,
  weekStart,
  zonedToInstant,
} from '@web/pages/planner/zoned';

describe('planner calendar arithmetic in the server zone', () => {
  it('a wall-clock time in the zone becomes the right instant, across DST', () => {
    expect(zonedToInstant('2026-12-03', '15:00', 'Europe/Moscow').toISOString()).toBe(
      '2026-12-03T12:00:00.000Z',
    );
    // New York: EST in winter, EDT in summer.
    expect(zonedToInstant('2026-01-15', '09:30', 'America/New_York').toISOString()).toBe(
      '2026-01-15T14:30:00.000Z',
    );
    expect(zonedToInstant('2026-07-15', '09:30', 'America/New_York').toISOString()).toBe(
      '2026-07-15T13:30:00.000Z',
    );
    // The day DST starts (02:00 → 03:00): 01:30 is still EST, 03:30 already EDT.
    expect(zonedToInstant('2026-03-08', '01:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T06:30:00.000Z',
    );
    expect(zonedToInstant('2026-03-08', '03:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('reads an instant back as day, time and minute of day in the zone', () => {
    const ms = Date.parse('2026-12-03T22:30:00Z');
    expect(dayOf(ms, 'Europe/Moscow')).toBe('2026-12-04');
    expect(timeOf(ms, 'Europe/Moscow')).toBe('01:30');
    expect(minuteOfDay(ms, 'Europe/Moscow')).toBe(90);
    expect(dayOf(ms, 'UTC')).toBe('2026-12-03');
  });

  it('days and weeks: Monday starts the week, months and years roll over', () => {
    expect(weekStart('2026-12-06')).toBe('2026-11-30');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('a drop position snaps to a quarter hour inside the day', () => {
    expect(clockOf(9 * 60 + 44)).toBe('09:30');
    expect(clockOf(-5)).toBe('00:00');
    expect(clockOf(24 * 60 + 10)).toBe('23:45');
  });

  it('overlapping items share their cluster side by side; separate ones take the full width', () => {
    const a = { start: 0, end: 60 };
    const b = { start: 30, end: 90 };
    const c = { start: 60, end: 120 };
    const d = { start: 200, end: 210 };
    const laid = new Map(layoutLanes([a, b, c, d]).map((l) => [l.item, l]));
    expect(laid.get(a)).toMatchObject({ lane: 0, lanes: 2 });
    expect(laid.get(b)).toMatchObject({ lane: 1, lanes: 2 });
    expect(laid.get(c)).toMatchObject({ lane: 0, lanes: 2 });
    expect(laid.get(d)).toMatchObject({ lane: 0, lanes: 1 });
  });
});
