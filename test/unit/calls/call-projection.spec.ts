import {
  CALL_EVENT_TYPES,
  CallEventFact,
  CallEventType,
  CallProjection,
  compareEvents,
  projectCall,
  projectNext,
} from '@/modules/calls/call-projection';

const BASE = Date.UTC(2026, 4, 4, 9, 0, 0);
/** Seconds after BASE. */
const t = (seconds: number): Date => new Date(BASE + seconds * 1000);

type Codes = Partial<Pick<CallEventFact, 'line' | 'queue' | 'agent' | 'from' | 'to'>>;

function ev(id: string, type: CallEventType, seconds: number, codes: Codes = {}): CallEventFact {
  return {
    id,
    type,
    at: t(seconds),
    line: codes.line ?? null,
    queue: codes.queue ?? null,
    agent: codes.agent ?? null,
    from: codes.from ?? null,
    to: codes.to ?? null,
  };
}

/** A replayed copy: same content, but never the same objects as the original. */
const clone = (event: CallEventFact): CallEventFact => ({ ...event, at: new Date(event.at) });

/** mulberry32: small, seedable, good enough to shuffle test input reproducibly. */
function prng(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 2 ** 32) * below);
  };
}

function shuffle<T>(items: readonly T[], random: (below: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i], ...tail];
  }
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

const ALL_PERMUTATIONS_UP_TO = 7;
const SHUFFLES = 200;

/** Every ordering when that is affordable, otherwise 200 seeded shuffles. */
function* deliveryOrders(
  events: readonly CallEventFact[],
  seed: number,
): Generator<CallEventFact[]> {
  if (events.length <= ALL_PERMUTATIONS_UP_TO) {
    yield* permutations(events);
    return;
  }
  const random = prng(seed);
  for (let i = 0; i < SHUFFLES; i++) yield shuffle(events, random);
}

const CALLER = '+15550100';
const DIALLED = '+15550199';

interface Scenario {
  name: string;
  events: CallEventFact[];
  expected: CallProjection;
}

const scenarios: Scenario[] = [
  {
    name: 'answered after queueing, still talking',
    events: [
      ev('s1-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s1-2', 'queued', 2, { queue: 'sales' }),
      ev('s1-3', 'offered', 3, { queue: 'sales', agent: 'a1' }),
      ev('s1-4', 'offered', 18, { queue: 'sales', agent: 'a2' }),
      ev('s1-5', 'answered', 21, { line: 'L1', agent: 'a2' }),
    ],
    expected: {
      status: 'answered',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: t(2),
      firstOfferedAt: t(3),
      answeredAt: t(21),
      endedAt: null,
      line: 'L1',
      queue: 'sales',
      answeredBy: 'a2',
      lastAgent: 'a2',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 2,
      eventCount: 5,
      lastEventAt: t(21),
    },
  },
  {
    name: 'answered without queueing',
    events: [
      ev('s2-1', 'arrived', 0, { line: 'L2', queue: 'support', from: CALLER, to: DIALLED }),
      ev('s2-2', 'offered', 1, { agent: 'a3' }),
      ev('s2-3', 'answered', 4, { agent: 'a3' }),
      ev('s2-4', 'ended', 64, { agent: 'a3' }),
    ],
    expected: {
      status: 'ended',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: null,
      firstOfferedAt: t(1),
      answeredAt: t(4),
      endedAt: t(64),
      line: 'L2',
      queue: 'support',
      answeredBy: 'a3',
      lastAgent: 'a3',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 1,
      eventCount: 4,
      lastEventAt: t(64),
    },
  },
  {
    name: 'abandoned before queueing',
    events: [
      ev('s3-1', 'arrived', 0, { line: 'L1', from: CALLER, to: DIALLED }),
      ev('s3-2', 'abandoned', 5),
    ],
    expected: {
      status: 'abandoned',
      outcome: 'abandoned',
      arrivedAt: t(0),
      queuedAt: null,
      firstOfferedAt: null,
      answeredAt: null,
      endedAt: t(5),
      line: 'L1',
      queue: null,
      answeredBy: null,
      lastAgent: null,
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 0,
      eventCount: 2,
      lastEventAt: t(5),
    },
  },
  {
    name: 'abandoned in queue (telephony sends a plain ended)',
    events: [
      ev('s4-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s4-2', 'queued', 1, { queue: 'sales' }),
      ev('s4-3', 'offered', 2, { agent: 'a1' }),
      ev('s4-4', 'offered', 17, { agent: 'a2' }),
      ev('s4-5', 'ended', 45),
    ],
    expected: {
      status: 'abandoned',
      outcome: 'abandoned',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(2),
      answeredAt: null,
      endedAt: t(45),
      line: 'L1',
      queue: 'sales',
      answeredBy: null,
      lastAgent: 'a2',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 2,
      eventCount: 5,
      lastEventAt: t(45),
    },
  },
  {
    name: 'blocked, then the caller puts the phone down',
    events: [
      ev('s5-1', 'arrived', 0, { line: 'L3', from: CALLER, to: DIALLED }),
      ev('s5-2', 'blocked', 0, { line: 'L3' }),
      ev('s5-3', 'ended', 3),
    ],
    expected: {
      status: 'blocked',
      outcome: 'blocked',
      arrivedAt: t(0),
      queuedAt: null,
      firstOfferedAt: null,
      answeredAt: null,
      endedAt: t(3),
      line: 'L3',
      queue: null,
      answeredBy: null,
      lastAgent: null,
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 0,
      eventCount: 3,
      lastEventAt: t(3),
    },
  },
  {
    name: 'transferred to another queue, then answered there',
    events: [
      ev('s6-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s6-2', 'queued', 1, { queue: 'sales' }),
      ev('s6-3', 'offered', 2, { agent: 'a1' }),
      ev('s6-4', 'answered', 5, { agent: 'a1' }),
      ev('s6-5', 'transferred', 40, { agent: 'a1', queue: 'support' }),
      ev('s6-6', 'queued', 41, { queue: 'support' }),
      ev('s6-7', 'offered', 42, { agent: 'a4' }),
      ev('s6-8', 'answered', 50, { agent: 'a4' }),
      ev('s6-9', 'ended', 120, { agent: 'a4' }),
    ],
    expected: {
      status: 'ended',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(2),
      answeredAt: t(5),
      endedAt: t(120),
      line: 'L1',
      queue: 'support',
      answeredBy: 'a1',
      lastAgent: 'a4',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 1,
      offers: 2,
      eventCount: 9,
      lastEventAt: t(120),
    },
  },
  {
    name: 'missed, then the caller leaves voicemail and hangs up',
    events: [
      ev('s7-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s7-2', 'queued', 1, { queue: 'sales' }),
      ev('s7-3', 'offered', 2, { agent: 'a1' }),
      ev('s7-4', 'offered', 17, { agent: 'a2' }),
      ev('s7-5', 'missed', 60, { queue: 'sales' }),
      ev('s7-6', 'ended', 75),
    ],
    expected: {
      status: 'missed',
      outcome: 'missed',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(2),
      answeredAt: null,
      endedAt: t(75),
      line: 'L1',
      queue: 'sales',
      answeredBy: null,
      lastAgent: 'a2',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 2,
      eventCount: 6,
      lastEventAt: t(75),
    },
  },
  {
    name: 'answered, then ended',
    events: [
      ev('s8-1', 'arrived', 0, { line: 'L2', queue: 'support', from: CALLER, to: DIALLED }),
      ev('s8-2', 'queued', 1, { queue: 'support' }),
      ev('s8-3', 'offered', 1, { agent: 'a3' }),
      ev('s8-4', 'answered', 9, { agent: 'a3' }),
      ev('s8-5', 'ended', 189),
    ],
    expected: {
      status: 'ended',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(1),
      answeredAt: t(9),
      endedAt: t(189),
      line: 'L2',
      queue: 'support',
      answeredBy: 'a3',
      lastAgent: 'a3',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 1,
      eventCount: 5,
      lastEventAt: t(189),
    },
  },
  {
    name: 'zero-length: arrived and ended at the same instant',
    events: [
      ev('s9-1', 'arrived', 0, { line: 'L1', from: CALLER, to: DIALLED }),
      ev('s9-2', 'ended', 0),
    ],
    expected: {
      status: 'abandoned',
      outcome: 'abandoned',
      arrivedAt: t(0),
      queuedAt: null,
      firstOfferedAt: null,
      answeredAt: null,
      endedAt: t(0),
      line: 'L1',
      queue: null,
      answeredBy: null,
      lastAgent: null,
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 0,
      eventCount: 2,
      lastEventAt: t(0),
    },
  },
  {
    name: 'ring-all: arrival, queueing, two offers and the answer at one instant',
    events: [
      ev('s10-e', 'answered', 0, { agent: 'a1' }),
      ev('s10-d', 'offered', 0, { agent: 'a2' }),
      ev('s10-c', 'offered', 0, { agent: 'a1' }),
      ev('s10-b', 'queued', 0, { queue: 'sales-priority' }),
      ev('s10-a', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s10-f', 'ended', 30),
    ],
    expected: {
      status: 'ended',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: t(0),
      firstOfferedAt: t(0),
      answeredAt: t(0),
      endedAt: t(30),
      line: 'L1',
      queue: 'sales-priority',
      answeredBy: 'a1',
      lastAgent: 'a1',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 2,
      eventCount: 6,
      lastEventAt: t(30),
    },
  },
  {
    name: 'missed, then picked up by a supervisor after escalation',
    events: [
      ev('s11-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s11-2', 'queued', 1, { queue: 'sales' }),
      ev('s11-3', 'offered', 2, { agent: 'a1' }),
      ev('s11-4', 'missed', 60),
      ev('s11-5', 'offered', 61, { agent: 'sup1' }),
      ev('s11-6', 'answered', 65, { agent: 'sup1' }),
    ],
    expected: {
      status: 'answered',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(2),
      answeredAt: t(65),
      endedAt: null,
      line: 'L1',
      queue: 'sales',
      answeredBy: 'sup1',
      lastAgent: 'sup1',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 2,
      eventCount: 6,
      lastEventAt: t(65),
    },
  },
  {
    name: 'hung up as the router offered (router clock a few ms ahead)',
    events: [
      ev('s12-1', 'arrived', 0, { line: 'L1', from: CALLER, to: DIALLED }),
      ev('s12-2', 'queued', 1, { queue: 'sales' }),
      ev('s12-3', 'abandoned', 30),
      ev('s12-4', 'offered', 30.004, { agent: 'a1' }),
    ],
    expected: {
      status: 'abandoned',
      outcome: 'abandoned',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(30.004),
      answeredAt: null,
      endedAt: t(30),
      line: 'L1',
      queue: 'sales',
      answeredBy: null,
      lastAgent: 'a1',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 1,
      eventCount: 4,
      lastEventAt: t(30.004),
    },
  },
  {
    name: "hung up a second before the router's limit ran out",
    events: [
      ev('s13-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s13-2', 'queued', 1, { queue: 'sales' }),
      ev('s13-3', 'abandoned', 59),
      ev('s13-4', 'missed', 60, { queue: 'sales' }),
    ],
    expected: {
      status: 'abandoned',
      outcome: 'abandoned',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: null,
      answeredAt: null,
      endedAt: t(60),
      line: 'L1',
      queue: 'sales',
      answeredBy: null,
      lastAgent: null,
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 0,
      eventCount: 4,
      lastEventAt: t(60),
    },
  },
  {
    name: 'answered at reception, then transferred into a queue',
    events: [
      ev('s14-1', 'arrived', 0, { line: 'L1', queue: 'reception', from: CALLER, to: DIALLED }),
      ev('s14-2', 'offered', 1, { agent: 'r1' }),
      ev('s14-3', 'answered', 3, { agent: 'r1' }),
      ev('s14-4', 'transferred', 20, { agent: 'r1', queue: 'sales' }),
      ev('s14-5', 'queued', 21, { queue: 'sales' }),
      ev('s14-6', 'offered', 22, { agent: 'a1' }),
      ev('s14-7', 'answered', 30, { agent: 'a1' }),
      ev('s14-8', 'ended', 90),
    ],
    expected: {
      status: 'ended',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: null,
      firstOfferedAt: t(1),
      answeredAt: t(3),
      endedAt: t(90),
      line: 'L1',
      queue: 'sales',
      answeredBy: 'r1',
      lastAgent: 'a1',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 1,
      offers: 2,
      eventCount: 8,
      lastEventAt: t(90),
    },
  },
  {
    name: "the router's missed raced the answer",
    events: [
      ev('s15-1', 'arrived', 0, { line: 'L1', queue: 'sales', from: CALLER, to: DIALLED }),
      ev('s15-2', 'queued', 1, { queue: 'sales' }),
      ev('s15-3', 'offered', 2, { agent: 'a1' }),
      ev('s15-4', 'answered', 60, { agent: 'a1' }),
      ev('s15-5', 'missed', 60.002, { queue: 'sales' }),
    ],
    expected: {
      status: 'answered',
      outcome: 'answered',
      arrivedAt: t(0),
      queuedAt: t(1),
      firstOfferedAt: t(2),
      answeredAt: t(60),
      endedAt: null,
      line: 'L1',
      queue: 'sales',
      answeredBy: 'a1',
      lastAgent: 'a1',
      fromNumber: CALLER,
      toNumber: DIALLED,
      transfers: 0,
      offers: 1,
      eventCount: 5,
      lastEventAt: t(60.002),
    },
  },
];

describe('projectCall: hand-checked scenarios', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    expect(projectCall(scenario.events)).toEqual(scenario.expected);
  });
});

describe('projectCall: independent of delivery order and duplicates', () => {
  it.each(scenarios.map((s, i) => [s.name, s, i] as const))(
    'every delivery order gives the same row: %s',
    (_name, scenario, index) => {
      let orders = 0;
      for (const order of deliveryOrders(scenario.events, 1000 + index)) {
        expect(projectCall(order)).toEqual(scenario.expected);
        orders++;
      }
      const n = scenario.events.length;
      expect(orders).toBe(n <= ALL_PERMUTATIONS_UP_TO ? factorial(n) : SHUFFLES);
    },
  );

  it.each(scenarios.map((s, i) => [s.name, s, i] as const))(
    'replayed copies in any order give the same row: %s',
    (_name, scenario, index) => {
      const random = prng(2000 + index);
      for (let round = 0; round < SHUFFLES; round++) {
        const withCopies = scenario.events.flatMap((event) =>
          Array.from({ length: 1 + random(3) }, () => clone(event)),
        );
        expect(projectCall(shuffle(withCopies, random))).toEqual(scenario.expected);
      }
    },
  );

  it('picks the same copy whatever order conflicting replays of one id arrive in', () => {
    const [arrived, queued, , , answered] = scenarios[0].events;
    const copies = [
      { ...answered, agent: null },
      { ...answered, agent: 'a2' },
      { ...answered, agent: 'a9' },
    ];
    const rows = [...permutations([arrived, queued, ...copies])].map((order) => projectCall(order));
    for (const row of rows) expect(row).toEqual(rows[0]);
    expect(rows[0]).toMatchObject({ answeredBy: 'a2', eventCount: 3 });
  });

  it('keeps the earliest copy when replays of one id disagree on the time', () => {
    const [arrived, , , , answered] = scenarios[0].events;
    const late = { ...answered, at: t(25) };
    for (const order of permutations([arrived, late, answered])) {
      expect(projectCall(order)).toMatchObject({ answeredAt: t(21), eventCount: 2 });
    }
  });
});

describe('projectCall: convergence while events are still in flight', () => {
  const transferred = scenarios[5];

  it('starts the call at its earliest event until arrived is delivered', () => {
    const withoutArrival = transferred.events.filter((e) => e.type !== 'arrived');
    expect(projectCall(withoutArrival)).toEqual({
      ...transferred.expected,
      arrivedAt: t(1),
      line: null,
      fromNumber: null,
      toNumber: null,
      eventCount: 8,
    });
  });

  it('reaches the full row whatever the order of delivery, via every intermediate row', () => {
    const random = prng(3000);
    for (let round = 0; round < SHUFFLES; round++) {
      const delivery = shuffle(transferred.events, random);
      for (let n = 1; n <= delivery.length; n++) {
        const delivered = delivery.slice(0, n);
        const arrival = delivered.find((e) => e.type === 'arrived');
        const earliest = Math.min(...delivered.map((e) => e.at.getTime()));
        const row = projectCall(delivered);
        expect(row.eventCount).toBe(n);
        expect(row.arrivedAt).toEqual(arrival?.at ?? new Date(earliest));
      }
      expect(projectCall(delivery)).toEqual(transferred.expected);
    }
  });

  it('shows a transfer until the next queueing, offer or answer', () => {
    const events = transferred.events;
    expect(projectCall(events.slice(0, 5)).status).toBe('transferred');
    expect(projectCall(events.slice(0, 6)).status).toBe('queued');
    expect(projectCall(events.slice(0, 7)).status).toBe('offered');
    expect(projectCall(events.slice(0, 8)).status).toBe('answered');
  });

  it('counts a call answered before a transfer as answered while it waits again', () => {
    const row = projectCall(transferred.events.slice(0, 6));
    expect(row).toMatchObject({ status: 'queued', outcome: 'answered', endedAt: null });
  });

  it('reads an unanswered call as in progress until something closes it', () => {
    const row = projectCall(scenarios[3].events.slice(0, 4));
    expect(row).toMatchObject({ status: 'offered', outcome: 'in_progress', endedAt: null });
  });
});

describe('projectCall: outcome precedence', () => {
  const base = [ev('p-1', 'arrived', 0, { line: 'L1' }), ev('p-2', 'queued', 1)];

  it.each<[string, CallEventFact[], CallProjection['outcome'], CallProjection['status']]>([
    [
      'an answer outranks a later hang-up',
      [ev('p-3', 'answered', 5), ev('p-4', 'abandoned', 9)],
      'answered',
      'ended',
    ],
    [
      'an answer outranks an earlier blocked',
      [ev('p-3', 'blocked', 0), ev('p-4', 'answered', 5)],
      'answered',
      'ended',
    ],
    [
      'blocked outranks an earlier hang-up',
      [ev('p-3', 'abandoned', 0.5), ev('p-4', 'blocked', 0.6)],
      'blocked',
      'blocked',
    ],
    [
      'the earlier of missed and hang-up decides (missed)',
      [ev('p-3', 'missed', 20), ev('p-4', 'abandoned', 21)],
      'missed',
      'missed',
    ],
    [
      'the earlier of missed and hang-up decides (ended)',
      [ev('p-3', 'ended', 20), ev('p-4', 'missed', 21)],
      'abandoned',
      'abandoned',
    ],
    [
      'a hang-up wins a tie with missed',
      [ev('p-3', 'missed', 20), ev('p-4', 'abandoned', 20)],
      'abandoned',
      'abandoned',
    ],
  ])('%s', (_name, tail, outcome, status) => {
    for (const order of permutations([...base, ...tail])) {
      expect(projectCall(order)).toMatchObject({ outcome, status });
    }
  });
});

describe('projectCall: input checks', () => {
  it('throws on no events', () => {
    expect(() => projectCall([])).toThrow(RangeError);
  });

  it('throws on an event with an invalid time', () => {
    const broken = { ...ev('x-1', 'arrived', 0), at: new Date(Number.NaN) };
    expect(() => projectCall([broken])).toThrow(/invalid time/);
  });

  it('returns dates the caller can change without touching the events', () => {
    const events = scenarios[1].events;
    const row = projectCall(events);
    row.arrivedAt.setTime(0);
    row.endedAt?.setTime(0);
    expect(events[0].at).toEqual(t(0));
    expect(projectCall(events)).toEqual(scenarios[1].expected);
  });
});

describe('compareEvents', () => {
  it('orders by time first', () => {
    expect(compareEvents(ev('z', 'ended', 1), ev('a', 'arrived', 2))).toBeLessThan(0);
  });

  it('orders events of one instant by lifecycle step', () => {
    const sameInstant = shuffle(
      CALL_EVENT_TYPES.map((type) => ev(`id-${type}`, type, 0)),
      prng(4000),
    );
    expect(sameInstant.sort(compareEvents).map((e) => e.type)).toEqual([
      'arrived',
      'queued',
      'offered',
      'answered',
      'transferred',
      'blocked',
      'abandoned',
      'missed',
      'ended',
    ]);
  });

  it('orders the same step at the same instant by id, then treats an event as equal to itself', () => {
    const a = ev('offer-a', 'offered', 0);
    const b = ev('offer-b', 'offered', 0);
    expect(compareEvents(a, b)).toBeLessThan(0);
    expect(compareEvents(b, a)).toBeGreaterThan(0);
    expect(compareEvents(a, clone(a))).toBe(0);
  });
});

describe('projectNext: one more event from the projection alone', () => {
  it('equals the full projection wherever it answers, on random event sequences', () => {
    const random = prng(4242);
    const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)];
    let answered = 0;
    for (let round = 0; round < 3000; round++) {
      const events: CallEventFact[] = [ev('e0', 'arrived', 0, { line: 'l1', from: '100' })];
      let seconds = 0;
      for (let i = 1; i < 2 + random(8); i++) {
        // Mostly later, sometimes at the same instant or earlier (late delivery).
        seconds += pick([1, 1, 2, 0, -3]);
        const next = ev(`e${i}`, pick(CALL_EVENT_TYPES), seconds, {
          queue: pick([null, 'q1', 'q2']),
          agent: pick([null, 'a1', 'a2']),
          to: pick([null, '200']),
        });
        const fast = projectNext(projectCall(events), next);
        events.push(next);
        if (fast === null) continue;
        answered++;
        expect(fast).toEqual(projectCall(events));
      }
    }
    expect(answered).toBeGreaterThan(1000);
  });

  it('declines a closed call, an arrival and an event not after the last', () => {
    const base = [ev('a', 'arrived', 0), ev('q', 'queued', 1)];
    expect(projectNext(projectCall(base), ev('o', 'offered', 1))).toBeNull();
    expect(projectNext(projectCall(base), ev('x', 'arrived', 2))).toBeNull();
    const closed = projectCall([...base, ev('m', 'missed', 2)]);
    expect(projectNext(closed, ev('o', 'offered', 3))).toBeNull();
    expect(projectNext(projectCall(base), ev('o', 'offered', 2))).toEqual(
      projectCall([...base, ev('o', 'offered', 2)]),
    );
  });
});
