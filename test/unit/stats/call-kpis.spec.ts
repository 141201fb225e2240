import {
  CallFacts,
  CallOutcome,
  percentile,
  queueKpis,
  talkSeconds,
  waitSeconds,
} from '@/modules/stats/kpi/call-kpis';

const BASE = Date.UTC(2026, 4, 4, 9, 0, 0);
const at = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(BASE + seconds * 1000);

interface CallSketch {
  outcome: CallOutcome;
  arrived?: number;
  queued?: number | null;
  answered?: number | null;
  ended?: number | null;
  wrapUp?: number;
}

/** Times are seconds after BASE. */
function call(sketch: CallSketch): CallFacts {
  return {
    arrivedAt: new Date(BASE + (sketch.arrived ?? 0) * 1000),
    queuedAt: at(sketch.queued ?? null),
    answeredAt: at(sketch.answered ?? null),
    endedAt: at(sketch.ended ?? null),
    outcome: sketch.outcome,
    wrapUpSeconds: sketch.wrapUp ?? 0,
  };
}

describe('percentile (nearest rank)', () => {
  it.each([
    [5, 15],
    [30, 20],
    [40, 20],
    [50, 35],
    [100, 50],
  ])('p%p of [15, 20, 35, 40, 50] is %p', (p, expected) => {
    expect(percentile([15, 20, 35, 40, 50], p)).toBe(expected);
  });

  it.each([
    [0, 3],
    [25, 7],
    [50, 8],
    [70, 13],
    [75, 15],
    [90, 16],
    [91, 20],
    [100, 20],
  ])('p%p of ten values is %p', (p, expected) => {
    expect(percentile([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], p)).toBe(expected);
  });

  it('returns the only value for a single sample and null for none', () => {
    expect(percentile([42], 0)).toBe(42);
    expect(percentile([42], 90)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });

  it.each([-1, 100.5, NaN])('rejects p = %p', (p) => {
    expect(() => percentile([1, 2, 3], p)).toThrow(RangeError);
  });
});

describe('waitSeconds and talkSeconds', () => {
  it('measure wait from queueing and talk from answer', () => {
    const facts = call({ outcome: 'answered', queued: 2, answered: 12.5, ended: 72.5 });
    expect(waitSeconds(facts)).toBe(10.5);
    expect(talkSeconds(facts)).toBe(60);
  });

  it('measure wait from arrival when the call was never queued', () => {
    const facts = call({ outcome: 'answered', arrived: 1, answered: 6, ended: 66 });
    expect(waitSeconds(facts)).toBe(5);
    expect(talkSeconds(facts)).toBe(60);
  });

  it('are null for calls that were not answered', () => {
    for (const outcome of ['abandoned', 'missed', 'blocked', 'in_progress'] as const) {
      const facts = call({ outcome, queued: 1, ended: 30 });
      expect(waitSeconds(facts)).toBeNull();
      expect(talkSeconds(facts)).toBeNull();
    }
  });

  it('give an answered call that is still going on a wait but no talk yet', () => {
    const facts = call({ outcome: 'in_progress', queued: 0, answered: 9 });
    expect(waitSeconds(facts)).toBe(9);
    expect(talkSeconds(facts)).toBeNull();
    expect(talkSeconds(call({ outcome: 'answered', answered: 9 }))).toBeNull();
  });

  it('do not treat a call closed another way as answered even if it has an answer time', () => {
    const facts = call({ outcome: 'abandoned', answered: 5, ended: 8 });
    expect(waitSeconds(facts)).toBeNull();
    expect(talkSeconds(facts)).toBeNull();
  });

  it('count a step stamped slightly before the previous one as zero seconds', () => {
    const facts = call({ outcome: 'answered', queued: 3, answered: 2, ended: 1.5 });
    expect(waitSeconds(facts)).toBe(0);
    expect(talkSeconds(facts)).toBe(0);
  });
});

describe('queueKpis', () => {
  it('reports zero counts and null rates for no calls', () => {
    expect(queueKpis([])).toEqual({
      offered: 0,
      answered: 0,
      abandoned: 0,
      missed: 0,
      blocked: 0,
      abandonRate: null,
      asa: null,
      waitMedian: null,
      waitP90: null,
      waitMax: null,
      aht: null,
      serviceLevel: null,
    });
  });

  it('measures a call answered without queueing from its arrival', () => {
    const kpis = queueKpis([call({ outcome: 'answered', answered: 5, ended: 65, wrapUp: 10 })]);
    expect(kpis).toMatchObject({
      offered: 1,
      answered: 1,
      asa: 5,
      waitMedian: 5,
      waitP90: 5,
      waitMax: 5,
      aht: 70,
      serviceLevel: 1,
      abandonRate: 0,
    });
  });

  it('counts a call abandoned before queueing as offered and abandoned, with no wait', () => {
    const kpis = queueKpis([call({ outcome: 'abandoned', ended: 3 })]);
    expect(kpis).toMatchObject({
      offered: 1,
      answered: 0,
      abandoned: 1,
      abandonRate: 1,
      asa: null,
      waitMax: null,
      aht: null,
      serviceLevel: 0,
    });
  });

  it('counts a call abandoned after queueing the same way', () => {
    const kpis = queueKpis([
      call({ outcome: 'abandoned', queued: 2, ended: 40 }),
      call({ outcome: 'answered', queued: 1, answered: 31, ended: 91 }),
    ]);
    expect(kpis).toMatchObject({
      offered: 2,
      answered: 1,
      abandoned: 1,
      abandonRate: 0.5,
      asa: 30,
      serviceLevel: 0,
    });
  });

  it('handles zero-length calls', () => {
    const kpis = queueKpis([
      call({ outcome: 'answered', answered: 0, ended: 0, wrapUp: 15 }),
      call({ outcome: 'abandoned', queued: 0, ended: 0 }),
      call({ outcome: 'blocked', ended: 0 }),
    ]);
    expect(kpis).toEqual({
      offered: 3,
      answered: 1,
      abandoned: 1,
      missed: 0,
      blocked: 1,
      abandonRate: 1 / 3,
      asa: 0,
      waitMedian: 0,
      waitP90: 0,
      waitMax: 0,
      aht: 15,
      serviceLevel: 1 / 3,
    });
  });

  describe('a mixed interval computed by hand', () => {
    const calls = [
      call({ outcome: 'answered', queued: 1, answered: 6, ended: 126, wrapUp: 30 }), // wait 5, handle 150
      call({ outcome: 'answered', answered: 3, ended: 63 }), // wait 3, handle 60
      call({ outcome: 'answered', arrived: 8, queued: 10, answered: 40, ended: 220, wrapUp: 20 }), // wait 30, handle 200
      call({ outcome: 'answered', queued: 0, answered: 20, ended: 110, wrapUp: 10 }), // wait 20, handle 100
      call({ outcome: 'in_progress', queued: 0, answered: 21 }), // wait 21, still talking
      call({ outcome: 'in_progress', queued: 0 }), // still waiting
      call({ outcome: 'abandoned', queued: 1, ended: 50 }),
      call({ outcome: 'abandoned', ended: 2 }),
      call({ outcome: 'missed', queued: 0, ended: 120 }),
      call({ outcome: 'blocked', ended: 0 }),
    ];

    it('reports every KPI', () => {
      expect(queueKpis(calls)).toEqual({
        offered: 10,
        answered: 5,
        abandoned: 2,
        missed: 1,
        blocked: 1,
        abandonRate: 0.2,
        asa: (5 + 3 + 30 + 20 + 21) / 5,
        waitMedian: 20,
        waitP90: 30,
        waitMax: 30,
        aht: (150 + 60 + 200 + 100) / 4,
        serviceLevel: 0.3,
      });
    });

    it('counts a wait equal to the threshold as within it', () => {
      expect(queueKpis(calls, 20).serviceLevel).toBe(0.3);
      expect(queueKpis(calls, 19.999).serviceLevel).toBe(0.2);
      expect(queueKpis(calls, 30).serviceLevel).toBe(0.5);
      expect(queueKpis(calls, 0).serviceLevel).toBe(0);
    });

    it('does not depend on the order of the calls', () => {
      expect(queueKpis([...calls].reverse())).toEqual(queueKpis(calls));
    });
  });

  it('does not count a call labelled answered but without an answer time as answered', () => {
    const kpis = queueKpis([call({ outcome: 'answered', queued: 0, ended: 10 })]);
    expect(kpis).toMatchObject({ offered: 1, answered: 0, asa: null, serviceLevel: 0 });
  });

  it('keeps sub-second precision', () => {
    const kpis = queueKpis([call({ outcome: 'answered', queued: 0.25, answered: 1.75, ended: 2 })]);
    expect(kpis.asa).toBe(1.5);
    expect(kpis.aht).toBe(0.25);
  });

  it.each([-1, NaN, Infinity])('rejects threshold %p', (threshold) => {
    expect(() => queueKpis([], threshold)).toThrow(RangeError);
  });

  it.each([-1, NaN])('rejects wrap-up %p', (wrapUp) => {
    const facts = call({ outcome: 'answered', answered: 1, ended: 2, wrapUp });
    expect(() => queueKpis([facts])).toThrow(RangeError);
  });
});
