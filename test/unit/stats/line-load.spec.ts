import {
  Occupation,
  occupiedSeconds,
  peakConcurrency,
  trafficErlangs,
} from '@/modules/stats/kpi/line-load';

const day = (time: string, date = '2026-05-04'): Date => new Date(`${date}T${time}Z`);
const occ = (start: string, end: string): Occupation => ({ start: day(start), end: day(end) });

const T0 = day('10:00:00');
const T1 = day('11:00:00');

describe('occupiedSeconds and trafficErlangs', () => {
  it('clip calls crossing either edge of the interval', () => {
    const calls = [
      occ('09:50:00', '10:10:00'), // 600 s inside
      occ('10:15:00', '10:45:00'), // 1800 s
      occ('10:30:00', '11:20:00'), // 1800 s inside
    ];
    expect(occupiedSeconds(calls, T0, T1)).toBe(4200);
    expect(trafficErlangs(calls, T0, T1)).toBeCloseTo(4200 / 3600, 15);
  });

  it('split a call across bucket boundaries without losing or doubling time', () => {
    const calls = [occ('10:50:00', '11:10:00')];
    expect(occupiedSeconds(calls, T0, T1)).toBe(600);
    expect(occupiedSeconds(calls, T1, day('12:00:00'))).toBe(600);
    const quarters = ['10:45:00', '11:00:00', '11:15:00'].map((start, i, all) =>
      occupiedSeconds(calls, day(start), i + 1 < all.length ? day(all[i + 1]) : day('11:30:00')),
    );
    expect(quarters).toEqual([600, 600, 0]);
  });

  it('split a call across midnight between the two days', () => {
    const calls = [{ start: day('23:50:00', '2026-05-04'), end: day('00:20:00', '2026-05-05') }];
    const midnight = day('00:00:00', '2026-05-05');
    expect(occupiedSeconds(calls, day('00:00:00'), midnight)).toBe(600);
    expect(occupiedSeconds(calls, midnight, day('00:00:00', '2026-05-06'))).toBe(1200);
    expect(trafficErlangs(calls, day('00:00:00'), midnight)).toBeCloseTo(600 / 86_400, 15);
  });

  it('give a call covering the whole interval exactly one Erlang', () => {
    expect(trafficErlangs([occ('09:00:00', '12:00:00')], T0, T1)).toBe(1);
  });

  it('add up overlapping calls', () => {
    const calls = [
      occ('10:00:00', '11:00:00'),
      occ('10:00:00', '11:00:00'),
      occ('10:30:00', '10:45:00'),
    ];
    expect(trafficErlangs(calls, T0, T1)).toBe(2.25);
  });

  it('ignore zero-length calls and calls entirely outside', () => {
    const calls = [
      occ('10:20:00', '10:20:00'),
      occ('09:00:00', '09:59:59'),
      occ('09:30:00', '10:00:00'), // ends exactly at t0
      occ('11:00:00', '11:30:00'), // starts exactly at t1
    ];
    expect(occupiedSeconds(calls, T0, T1)).toBe(0);
    expect(trafficErlangs(calls, T0, T1)).toBe(0);
    expect(occupiedSeconds([], T0, T1)).toBe(0);
  });

  it('keep millisecond precision', () => {
    const calls = [{ start: new Date(T0.getTime() + 250), end: new Date(T0.getTime() + 1750) }];
    expect(occupiedSeconds(calls, T0, T1)).toBe(1.5);
  });

  it('count an in-progress call up to the end the caller passes', () => {
    const now = day('10:40:00');
    expect(occupiedSeconds([{ start: day('10:30:00'), end: now }], T0, T1)).toBe(600);
  });
});

describe('peakConcurrency', () => {
  it('is 0 for no calls and for calls entirely outside', () => {
    expect(peakConcurrency([], T0, T1)).toBe(0);
    const outside = [
      occ('09:00:00', '10:00:00'),
      occ('11:00:00', '11:30:00'),
      occ('11:00:00', '11:00:00'),
      occ('08:00:00', '08:00:00'),
    ];
    expect(peakConcurrency(outside, T0, T1)).toBe(0);
  });

  it('counts nested overlaps', () => {
    const calls = [
      occ('10:00:00', '10:50:00'),
      occ('10:10:00', '10:40:00'),
      occ('10:20:00', '10:30:00'),
      occ('10:30:00', '10:45:00'), // starts as the innermost one ends
    ];
    expect(peakConcurrency(calls, T0, T1)).toBe(3);
  });

  it('does not overlap a call ending at t with one starting at t', () => {
    const calls = [
      occ('10:00:00', '10:20:00'),
      occ('10:20:00', '10:40:00'),
      occ('10:40:00', '10:50:00'),
    ];
    expect(peakConcurrency(calls, T0, T1)).toBe(1);
  });

  it('counts calls that cross the interval edges inside it', () => {
    const calls = [
      occ('09:00:00', '10:05:00'),
      occ('10:55:00', '12:00:00'),
      occ('09:30:00', '11:30:00'),
    ];
    expect(peakConcurrency(calls, T0, T1)).toBe(2);
    expect(peakConcurrency(calls, day('09:00:00'), T0)).toBe(2);
  });

  it('counts calls crossing midnight on both days', () => {
    const calls = [
      { start: day('23:50:00', '2026-05-04'), end: day('00:20:00', '2026-05-05') },
      { start: day('23:55:00', '2026-05-04'), end: day('00:01:00', '2026-05-05') },
    ];
    const midnight = day('00:00:00', '2026-05-05');
    expect(peakConcurrency(calls, day('00:00:00'), midnight)).toBe(2);
    expect(peakConcurrency(calls, midnight, day('00:00:00', '2026-05-06'))).toBe(2);
    expect(
      peakConcurrency(calls, day('00:01:00', '2026-05-05'), day('01:00:00', '2026-05-05')),
    ).toBe(1);
  });

  describe('zero-length calls', () => {
    it('count as 1 at their instant inside the interval, including t0 but not t1', () => {
      expect(peakConcurrency([occ('10:20:00', '10:20:00')], T0, T1)).toBe(1);
      expect(peakConcurrency([occ('10:00:00', '10:00:00')], T0, T1)).toBe(1);
      expect(peakConcurrency([occ('11:00:00', '11:00:00')], T0, T1)).toBe(0);
    });

    it('add to the calls active at that instant', () => {
      const calls = [
        occ('10:00:00', '10:30:00'),
        occ('10:10:00', '10:40:00'),
        occ('10:20:00', '10:20:00'),
      ];
      expect(peakConcurrency(calls, T0, T1)).toBe(3);
    });

    it('overlap a call starting at the same instant but not one ending there', () => {
      expect(
        peakConcurrency([occ('10:20:00', '10:30:00'), occ('10:20:00', '10:20:00')], T0, T1),
      ).toBe(2);
      expect(
        peakConcurrency([occ('10:10:00', '10:20:00'), occ('10:20:00', '10:20:00')], T0, T1),
      ).toBe(1);
    });

    it('add up when several happen at the same instant', () => {
      const calls = [occ('10:20:00', '10:20:00'), occ('10:20:00', '10:20:00')];
      expect(peakConcurrency(calls, T0, T1)).toBe(2);
    });
  });

  it('agrees with brute force on pseudo-random calls', () => {
    let seed = 12345;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const base = T0.getTime();
    for (let round = 0; round < 50; round++) {
      const spans = Array.from({ length: 1 + random(30) }, () => {
        const start = random(5400) - 900;
        const length = random(4) === 0 ? 0 : random(1200);
        return [start, start + length];
      });
      const calls = spans.map(([start, end]) => ({
        start: new Date(base + start * 1000),
        end: new Date(base + end * 1000),
      }));
      let expectedPeak = 0;
      let expectedSeconds = 0;
      for (let second = 0; second < 3600; second++) {
        const active = spans.filter(([start, end]) => start <= second && second < end).length;
        const points = spans.filter(([start, end]) => start === end && start === second).length;
        expectedPeak = Math.max(expectedPeak, active + points);
        expectedSeconds += active;
      }
      expect(peakConcurrency(calls, T0, T1)).toBe(expectedPeak);
      expect(occupiedSeconds(calls, T0, T1)).toBe(expectedSeconds);
    }
  });
});

describe('validation', () => {
  it.each([
    ['empty', T0, T0],
    ['reversed', T1, T0],
    ['invalid', new Date(NaN), T1],
  ])('rejects an %s interval', (_label, t0, t1) => {
    expect(() => occupiedSeconds([], t0, t1)).toThrow(RangeError);
    expect(() => trafficErlangs([], t0, t1)).toThrow(RangeError);
    expect(() => peakConcurrency([], t0, t1)).toThrow(RangeError);
  });

  it('rejects an occupation that ends before it starts or has an invalid date', () => {
    for (const bad of [occ('10:30:00', '10:20:00'), { start: new Date(NaN), end: T1 }]) {
      expect(() => occupiedSeconds([bad], T0, T1)).toThrow(RangeError);
      expect(() => trafficErlangs([bad], T0, T1)).toThrow(RangeError);
      expect(() => peakConcurrency([bad], T0, T1)).toThrow(RangeError);
    }
  });
});
