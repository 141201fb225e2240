import { DateTime } from 'luxon';
import {
  BucketSize,
  MAX_BUCKETS,
  bucketOf,
  bucketStarts,
  isValidZone,
} from '@/modules/stats/kpi/time-buckets';

const utc = (iso: string): Date => new Date(iso);
const isoList = (dates: Date[]): string[] => dates.map((date) => date.toISOString());
const HOUR_MS = 3_600_000;

function lengthsInHours(starts: Date[], end: Date): number[] {
  return [...starts.slice(1), end].map(
    (next, i) => (next.getTime() - starts[i].getTime()) / HOUR_MS,
  );
}

function localLabel(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');
}

describe('isValidZone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Asia/Kathmandu', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['+05:30', false],
  ])('%p → %p', (zone, expected) => {
    expect(isValidZone(zone)).toBe(expected);
  });
});

describe('Europe/Berlin spring change (2026-03-29 is 23 hours)', () => {
  const zone = 'Europe/Berlin';

  it('cuts days at local midnight', () => {
    const starts = bucketStarts(utc('2026-03-27T23:00Z'), utc('2026-03-30T22:00Z'), '1d', zone);
    expect(isoList(starts)).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(lengthsInHours(starts, utc('2026-03-30T22:00Z'))).toEqual([24, 23, 24]);
  });

  it('has 23 hourly buckets on the day and no 02:00', () => {
    const starts = bucketStarts(utc('2026-03-28T23:00Z'), utc('2026-03-29T22:00Z'), '1h', zone);
    expect(starts).toHaveLength(23);
    const hours = starts.map((start) => DateTime.fromJSDate(start, { zone }).hour);
    expect(hours).toEqual([0, 1, ...Array.from({ length: 21 }, (_, i) => i + 3)]);
    expect(new Set(lengthsInHours(starts, utc('2026-03-29T22:00Z')))).toEqual(new Set([1]));
  });

  it('jumps from 01:45 to 03:00 in 15-minute buckets', () => {
    const starts = bucketStarts(utc('2026-03-29T00:30Z'), utc('2026-03-29T01:30Z'), '15m', zone);
    expect(starts.map((start) => localLabel(start, zone))).toEqual([
      '2026-03-29 01:30 +01:00',
      '2026-03-29 01:45 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-03-29 03:15 +02:00',
    ]);
  });

  it('starts the week of the change on Monday and makes it 167 hours', () => {
    const starts = bucketStarts(utc('2026-03-25T12:00Z'), utc('2026-04-07T00:00Z'), '1w', zone);
    expect(isoList(starts)).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-04-05T22:00:00.000Z',
    ]);
    expect(lengthsInHours(starts.slice(0, 2), starts[2])).toEqual([167, 168]);
  });
});

describe('Europe/Berlin autumn change (2026-10-25 is 25 hours)', () => {
  const zone = 'Europe/Berlin';

  it('cuts a 25-hour day', () => {
    const starts = bucketStarts(utc('2026-10-24T22:00Z'), utc('2026-10-26T23:00Z'), '1d', zone);
    expect(isoList(starts)).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect(lengthsInHours(starts, utc('2026-10-26T23:00Z'))).toEqual([25, 24]);
  });

  it('gives the repeated 02:00 hour two buckets', () => {
    const starts = bucketStarts(utc('2026-10-24T22:00Z'), utc('2026-10-25T23:00Z'), '1h', zone);
    expect(starts).toHaveLength(25);
    expect(starts.slice(1, 5).map((start) => localLabel(start, zone))).toEqual([
      '2026-10-25 01:00 +02:00',
      '2026-10-25 02:00 +02:00',
      '2026-10-25 02:00 +01:00',
      '2026-10-25 03:00 +01:00',
    ]);
    expect(new Set(lengthsInHours(starts, utc('2026-10-25T23:00Z')))).toEqual(new Set([1]));
  });

  it('puts each instant of the repeated hour in its own occurrence', () => {
    expect(bucketOf(utc('2026-10-25T00:59:59.999Z'), '1h', zone)).toEqual(utc('2026-10-25T00:00Z'));
    expect(bucketOf(utc('2026-10-25T01:00Z'), '1h', zone)).toEqual(utc('2026-10-25T01:00Z'));
    expect(bucketOf(utc('2026-10-25T01:40Z'), '15m', zone)).toEqual(utc('2026-10-25T01:30Z'));
    expect(bucketOf(utc('2026-10-25T00:40Z'), '15m', zone)).toEqual(utc('2026-10-25T00:30Z'));
  });

  it('places the whole day in the same day bucket', () => {
    for (const instant of ['2026-10-24T22:00Z', '2026-10-25T00:30Z', '2026-10-25T22:59:59Z']) {
      expect(bucketOf(utc(instant), '1d', zone)).toEqual(utc('2026-10-24T22:00Z'));
    }
    expect(bucketOf(utc('2026-10-25T23:00Z'), '1d', zone)).toEqual(utc('2026-10-25T23:00Z'));
  });
});

describe('America/New_York', () => {
  const zone = 'America/New_York';

  it('has a 23-hour day on 2026-03-08 and a 25-hour day on 2026-11-01', () => {
    const spring = bucketStarts(utc('2026-03-08T05:00Z'), utc('2026-03-10T04:00Z'), '1d', zone);
    expect(isoList(spring)).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    expect(lengthsInHours(spring, utc('2026-03-10T04:00Z'))).toEqual([23, 24]);

    const autumn = bucketStarts(utc('2026-11-01T04:00Z'), utc('2026-11-03T05:00Z'), '1d', zone);
    expect(isoList(autumn)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    expect(lengthsInHours(autumn, utc('2026-11-03T05:00Z'))).toEqual([25, 24]);
  });

  it('finds local midnight for an evening instant that is already the next day in UTC', () => {
    expect(bucketOf(utc('2026-07-15T03:30Z'), '1d', zone)).toEqual(utc('2026-07-14T04:00Z'));
  });

  it('starts weeks on Monday 00:00 local', () => {
    // 2026-07-19 is a Sunday; 23:59 local is Monday 03:59 UTC.
    expect(bucketOf(utc('2026-07-20T03:59:59.999Z'), '1w', zone)).toEqual(utc('2026-07-13T04:00Z'));
    expect(bucketOf(utc('2026-07-20T04:00Z'), '1w', zone)).toEqual(utc('2026-07-20T04:00Z'));
  });
});

describe('zones with 30- and 45-minute offsets', () => {
  it('aligns Asia/Kolkata (+05:30) buckets to its wall clock', () => {
    const instant = utc('2026-01-15T10:07Z'); // 15:37 local
    expect(bucketOf(instant, '15m', 'Asia/Kolkata')).toEqual(utc('2026-01-15T10:00Z'));
    expect(bucketOf(instant, '1h', 'Asia/Kolkata')).toEqual(utc('2026-01-15T09:30Z'));
    expect(bucketOf(instant, '1d', 'Asia/Kolkata')).toEqual(utc('2026-01-14T18:30Z'));
    const starts = bucketStarts(instant, utc('2026-01-15T11:00Z'), '15m', 'Asia/Kolkata');
    expect(starts.map((start) => localLabel(start, 'Asia/Kolkata'))).toEqual([
      '2026-01-15 15:30 +05:30',
      '2026-01-15 15:45 +05:30',
      '2026-01-15 16:00 +05:30',
      '2026-01-15 16:15 +05:30',
    ]);
  });

  it('aligns Asia/Kathmandu (+05:45) buckets to its wall clock', () => {
    const instant = utc('2026-01-15T10:07Z'); // 15:52 local
    expect(bucketOf(instant, '15m', 'Asia/Kathmandu')).toEqual(utc('2026-01-15T10:00Z'));
    expect(bucketOf(instant, '1h', 'Asia/Kathmandu')).toEqual(utc('2026-01-15T09:15Z'));
    expect(bucketOf(instant, '1d', 'Asia/Kathmandu')).toEqual(utc('2026-01-14T18:15Z'));
    const hours = bucketStarts(instant, utc('2026-01-15T12:00Z'), '1h', 'Asia/Kathmandu');
    expect(isoList(hours)).toEqual([
      '2026-01-15T09:15:00.000Z',
      '2026-01-15T10:15:00.000Z',
      '2026-01-15T11:15:00.000Z',
    ]);
  });
});

describe('zones that change at midnight or by 30 minutes', () => {
  it('starts a day whose midnight was skipped at the change (America/Sao_Paulo 2018-11-04)', () => {
    // Clocks went from 00:00 −03 to 01:00 −02, so the day began at 01:00 local.
    expect(bucketOf(utc('2018-11-04T15:00Z'), '1d', 'America/Sao_Paulo')).toEqual(
      utc('2018-11-04T03:00Z'),
    );
    const days = bucketStarts(
      utc('2018-11-03T12:00Z'),
      utc('2018-11-05T12:00Z'),
      '1d',
      'America/Sao_Paulo',
    );
    expect(isoList(days)).toEqual([
      '2018-11-03T03:00:00.000Z',
      '2018-11-04T03:00:00.000Z',
      '2018-11-05T02:00:00.000Z',
    ]);
  });

  it('starts a bucket at a 30-minute spring change (Australia/Lord_Howe 2026-10-04)', () => {
    // 02:00 +10:30 became 02:30 +11:00 at 15:30 UTC; the 02 hour is only 30 minutes long.
    const zone = 'Australia/Lord_Howe';
    const starts = bucketStarts(utc('2026-10-03T14:30Z'), utc('2026-10-03T17:00Z'), '1h', zone);
    expect(starts.map((start) => localLabel(start, zone))).toEqual([
      '2026-10-04 01:00 +10:30',
      '2026-10-04 02:30 +11:00',
      '2026-10-04 03:00 +11:00',
    ]);
  });
});

describe('bucketStarts', () => {
  it('returns nothing for an empty interval', () => {
    const instant = utc('2026-05-01T10:07Z');
    for (const size of ['15m', '1h', '1d', '1w'] as const) {
      expect(bucketStarts(instant, instant, size, 'Europe/Berlin')).toEqual([]);
    }
  });

  it('starts with the bucket containing from and excludes a bucket starting at to', () => {
    expect(
      isoList(bucketStarts(utc('2026-05-01T10:07Z'), utc('2026-05-01T11:00Z'), '15m', 'UTC')),
    ).toEqual([
      '2026-05-01T10:00:00.000Z',
      '2026-05-01T10:15:00.000Z',
      '2026-05-01T10:30:00.000Z',
      '2026-05-01T10:45:00.000Z',
    ]);
    expect(
      isoList(bucketStarts(utc('2026-05-01T10:00Z'), utc('2026-05-01T10:00:00.001Z'), '1h', 'UTC')),
    ).toEqual(['2026-05-01T10:00:00.000Z']);
  });

  it('cuts a whole year into the expected number of buckets', () => {
    const from = utc('2025-12-31T23:00Z');
    const to = utc('2026-12-31T23:00Z');
    expect(bucketStarts(from, to, '15m', 'Europe/Berlin')).toHaveLength(365 * 96);
    expect(bucketStarts(from, to, '1h', 'Europe/Berlin')).toHaveLength(365 * 24);
    expect(bucketStarts(from, to, '1d', 'Europe/Berlin')).toHaveLength(365);
    expect(bucketStarts(from, to, '1w', 'Europe/Berlin')).toHaveLength(53);
  });

  it('refuses more than MAX_BUCKETS buckets', () => {
    const from = utc('2020-01-01T00:00Z');
    const limit = new Date(from.getTime() + MAX_BUCKETS * 15 * 60_000);
    expect(bucketStarts(from, limit, '15m', 'UTC')).toHaveLength(MAX_BUCKETS);
    const over = new Date(limit.getTime() + 1);
    expect(() => bucketStarts(from, over, '15m', 'UTC')).toThrow(RangeError);
  });

  it('validates its arguments', () => {
    const from = utc('2026-05-01T00:00Z');
    const to = utc('2026-05-02T00:00Z');
    expect(() => bucketStarts(to, from, '1h', 'UTC')).toThrow(RangeError);
    expect(() => bucketStarts(from, to, '1h', 'Nowhere/Special')).toThrow(RangeError);
    expect(() => bucketStarts(new Date(NaN), to, '1h', 'UTC')).toThrow(RangeError);
    expect(() => bucketOf(new Date(NaN), '1h', 'UTC')).toThrow(RangeError);
    expect(() => bucketOf(from, '1h', 'Nowhere/Special')).toThrow(RangeError);
  });
});

describe('bucketOf and bucketStarts agree everywhere', () => {
  const windows: Array<[string, string, string]> = [
    ['Europe/Berlin', '2026-03-26T00:00Z', '2026-04-01T00:00Z'],
    ['Europe/Berlin', '2026-10-22T00:00Z', '2026-10-28T00:00Z'],
    ['America/New_York', '2026-10-29T00:00Z', '2026-11-04T00:00Z'],
    ['Asia/Kathmandu', '2026-01-01T00:00Z', '2026-01-04T00:00Z'],
    ['Australia/Lord_Howe', '2026-04-02T00:00Z', '2026-04-07T00:00Z'],
    ['Australia/Lord_Howe', '2026-10-01T00:00Z', '2026-10-06T00:00Z'],
    ['America/Sao_Paulo', '2018-11-01T00:00Z', '2018-11-07T00:00Z'],
  ];
  const sizes: BucketSize[] = ['15m', '1h', '1d', '1w'];
  const STEP_MS = 17 * 60_000 + 13_000;

  it.each(windows)('in %s from %s to %s', (zone, fromIso, toIso) => {
    const from = utc(fromIso);
    const to = utc(toIso);
    for (const size of sizes) {
      const starts = bucketStarts(from, to, size, zone).map((start) => start.getTime());
      expect(starts[0]).toBeLessThanOrEqual(from.getTime());
      for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1]);
      for (const start of starts) {
        expect(bucketOf(new Date(start), size, zone).getTime()).toBe(start);
      }
      let index = 0;
      for (let t = from.getTime(); t < to.getTime(); t += STEP_MS) {
        while (index + 1 < starts.length && starts[index + 1] <= t) index++;
        expect(bucketOf(new Date(t), size, zone).getTime()).toBe(starts[index]);
      }
    }
  });
});
