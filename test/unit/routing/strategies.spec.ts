import { Candidate, StrategyContext, StrategyFn, WorkItem } from '@/modules/routing/routing.types';
import { curatorFirst } from '@/modules/routing/strategies/curator-first';
import { fewestCalls } from '@/modules/routing/strategies/fewest-calls';
import { leastBusy } from '@/modules/routing/strategies/least-busy';
import { longestIdle } from '@/modules/routing/strategies/longest-idle';
import { ringAll } from '@/modules/routing/strategies/ring-all';
import { roundRobin } from '@/modules/routing/strategies/round-robin';
import { STRATEGIES } from '@/modules/routing/strategies';
import { NOW, ago, candidate, permutations, workItem } from '@test/unit/routing/routing-fixtures';

const ctx = (overrides: Partial<StrategyContext> = {}): StrategyContext => ({
  now: NOW,
  roundRobinCursor: null,
  rejected: [],
  ...overrides,
});

const order = (
  strategy: StrategyFn,
  eligible: Candidate[],
  item: WorkItem = workItem(),
  context: StrategyContext = ctx(),
): string[] => strategy(eligible, item, context).ordered;

describe('longest-idle', () => {
  it('offers whoever has been idle longest first', () => {
    const eligible = [
      candidate('a', { idleSince: ago(10) }),
      candidate('b', { idleSince: ago(300) }),
      candidate('c', { idleSince: ago(60) }),
    ];
    expect(order(longestIdle, eligible)).toEqual(['b', 'c', 'a']);
  });

  it('puts never-idle (null) people first, tied among themselves by staffId', () => {
    const eligible = [
      candidate('c', { idleSince: ago(9999) }),
      candidate('b', { idleSince: null }),
      candidate('a', { idleSince: null }),
    ];
    expect(order(longestIdle, eligible)).toEqual(['a', 'b', 'c']);
  });

  it('breaks equal idle times by staffId ascending', () => {
    const eligible = ['u3', 'u10', 'u2'].map((id) => candidate(id, { idleSince: ago(60) }));
    // Code-unit order, not numeric: "u10" < "u2" < "u3".
    expect(order(longestIdle, eligible)).toEqual(['u10', 'u2', 'u3']);
  });

  it('explains the pick', () => {
    const result = longestIdle(
      [candidate('a'), candidate('b', { idleSince: ago(600) })],
      workItem(),
      ctx(),
    );
    expect(result.reason).toBe('longest-idle: b idle longest of 2 eligible');
  });
});

describe('least-busy', () => {
  it('offers whoever holds the fewest open calls and requests combined', () => {
    const eligible = [
      candidate('a', { openRequests: 2 }),
      candidate('b', { openCalls: 1, openRequests: 2 }),
      candidate('c', { openRequests: 1 }),
      candidate('d'),
    ];
    expect(order(leastBusy, eligible)).toEqual(['d', 'c', 'a', 'b']);
  });

  it('breaks equal load by longest idle, then staffId', () => {
    const eligible = [
      candidate('a', { openRequests: 1, idleSince: ago(10) }),
      candidate('b', { openCalls: 1, idleSince: ago(500) }),
      candidate('d', { openRequests: 1, idleSince: ago(200) }),
      candidate('c', { openRequests: 1, idleSince: ago(200) }),
    ];
    expect(order(leastBusy, eligible)).toEqual(['b', 'c', 'd', 'a']);
  });

  it('ignores calls handled today', () => {
    const eligible = [
      candidate('a', { callsHandledToday: 50, idleSince: ago(100) }),
      candidate('b', { callsHandledToday: 0, idleSince: ago(10) }),
    ];
    expect(order(leastBusy, eligible)).toEqual(['a', 'b']);
  });

  it('explains the pick', () => {
    const result = leastBusy(
      [candidate('a', { openRequests: 2 }), candidate('b', { openRequests: 1 })],
      workItem(),
      ctx(),
    );
    expect(result.reason).toBe('least-busy: b has fewest open items (1) of 2 eligible');
  });
});

describe('fewest-calls', () => {
  it('offers whoever handled the fewest calls today', () => {
    const eligible = [
      candidate('a', { callsHandledToday: 7 }),
      candidate('b', { callsHandledToday: 2 }),
      candidate('c', { callsHandledToday: 4 }),
    ];
    expect(order(fewestCalls, eligible)).toEqual(['b', 'c', 'a']);
  });

  it('breaks equal counts by longest idle, then staffId', () => {
    const eligible = [
      candidate('a', { callsHandledToday: 3, idleSince: ago(10) }),
      candidate('c', { callsHandledToday: 3, idleSince: ago(90) }),
      candidate('b', { callsHandledToday: 3, idleSince: ago(90) }),
      candidate('d', { callsHandledToday: 3, idleSince: null }),
    ];
    expect(order(fewestCalls, eligible)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('ignores open requests', () => {
    const eligible = [
      candidate('a', { callsHandledToday: 1, openRequests: 2 }),
      candidate('b', { callsHandledToday: 2 }),
    ];
    expect(order(fewestCalls, eligible)).toEqual(['a', 'b']);
  });

  it('explains the pick', () => {
    const result = fewestCalls([candidate('a', { callsHandledToday: 4 })], workItem(), ctx());
    expect(result.reason).toBe('fewest-calls: a handled fewest calls today (4) of 1 eligible');
  });
});

describe('round-robin', () => {
  const eligible = ['u4', 'u2', 'u1', 'u3'].map((id, i) => candidate(id, { idleSince: ago(i) }));
  const turn = (cursor: string | null): string[] =>
    order(roundRobin, eligible, workItem(), ctx({ roundRobinCursor: cursor }));

  it.each<[string | null, string[]]>([
    [null, ['u1', 'u2', 'u3', 'u4']],
    ['u1', ['u2', 'u3', 'u4', 'u1']],
    ['u2', ['u3', 'u4', 'u1', 'u2']],
    ['u3', ['u4', 'u1', 'u2', 'u3']],
  ])('after %p offers %p', (cursor, expected) => {
    expect(turn(cursor)).toEqual(expected);
  });

  it('wraps around after the last staffId', () => {
    expect(turn('u4')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('continues from a cursor who is no longer eligible', () => {
    expect(turn('u2x')).toEqual(['u3', 'u4', 'u1', 'u2']);
    expect(turn('a')).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(turn('z')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('cycles through everyone when each offer moves the cursor', () => {
    const firsts: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 6; i++) {
      cursor = turn(cursor)[0];
      firsts.push(cursor);
    }
    expect(firsts).toEqual(['u1', 'u2', 'u3', 'u4', 'u1', 'u2']);
  });

  it('ignores idle time and load', () => {
    const skewed = [
      candidate('b', { idleSince: ago(9999) }),
      candidate('a', { idleSince: ago(1), openRequests: 2, callsHandledToday: 40 }),
    ];
    expect(order(roundRobin, skewed)).toEqual(['a', 'b']);
  });

  it('explains the pick', () => {
    expect(roundRobin(eligible, workItem(), ctx({ roundRobinCursor: 'u4' })).reason).toBe(
      'round-robin: u1 is next (last turn u4) of 4 eligible',
    );
    expect(roundRobin(eligible, workItem(), ctx()).reason).toBe(
      'round-robin: u1 is next (no previous turn) of 4 eligible',
    );
  });
});

describe('ring-all', () => {
  it('lists everyone eligible, longest idle first', () => {
    const eligible = [
      candidate('a', { idleSince: ago(10) }),
      candidate('c', { idleSince: ago(30) }),
      candidate('b', { idleSince: ago(30) }),
    ];
    const result = ringAll(eligible, workItem(), ctx());
    expect(result.ordered).toEqual(['b', 'c', 'a']);
    expect(result.reason).toBe('ring-all: ringing 3 eligible at once');
  });
});

describe('curator-first', () => {
  const eligible = [
    candidate('a', { idleSince: ago(10) }),
    candidate('b', { idleSince: ago(300) }),
    candidate('cur', { idleSince: ago(1) }),
  ];

  it('offers the curator first and the rest by longest idle', () => {
    const result = curatorFirst(eligible, workItem({ curatorId: 'cur' }), ctx());
    expect(result.ordered).toEqual(['cur', 'b', 'a']);
    expect(result.reason).toBe('curator cur eligible, then longest-idle: 3 eligible');
  });

  it('falls back to longest idle and says why when the curator is ineligible', () => {
    const result = curatorFirst(
      eligible.filter((c) => c.staffId !== 'cur'),
      workItem({ curatorId: 'cur' }),
      ctx({ rejected: [{ staffId: 'cur', reason: 'not_available' }] }),
    );
    expect(result.ordered).toEqual(['b', 'a']);
    expect(result.reason).toBe(
      'curator cur ineligible (not_available), fell back to longest-idle: 2 eligible',
    );
  });

  it('falls back to longest idle when the curator is not in the queue at all', () => {
    const result = curatorFirst(
      eligible.filter((c) => c.staffId !== 'cur'),
      workItem({ curatorId: 'cur' }),
      ctx({ rejected: [{ staffId: 'other', reason: 'cooldown' }] }),
    );
    expect(result.ordered).toEqual(['b', 'a']);
    expect(result.reason).toBe(
      'curator cur not a candidate in this queue, fell back to longest-idle: 2 eligible',
    );
  });

  it('behaves as longest idle when the client has no curator', () => {
    const result = curatorFirst(eligible, workItem({ curatorId: null }), ctx());
    expect(result.ordered).toEqual(['b', 'a', 'cur']);
    expect(result.reason).toBe('no curator, fell back to longest-idle: 3 eligible');
  });

  it('offers only the curator when they are the only one eligible', () => {
    expect(order(curatorFirst, [candidate('cur')], workItem({ curatorId: 'cur' }))).toEqual([
      'cur',
    ]);
  });
});

describe('every strategy', () => {
  // Ties on every criterion except where noted, so only the tie-breaks decide.
  const pool = [
    candidate('e', { idleSince: ago(50), openRequests: 1, callsHandledToday: 2 }),
    candidate('c', { idleSince: ago(50), openRequests: 0, callsHandledToday: 2 }),
    candidate('a', { idleSince: ago(50), openRequests: 1, callsHandledToday: 1 }),
    candidate('d', { idleSince: null, openRequests: 1, callsHandledToday: 2 }),
    candidate('b', { idleSince: ago(50), openRequests: 0, callsHandledToday: 1 }),
  ];
  const item = workItem({ curatorId: 'c' });
  const context = ctx({ roundRobinCursor: 'b' });

  it.each(Object.entries(STRATEGIES))(
    '%s gives the same answer whatever order the candidates come in',
    (_name, strategy) => {
      const expected = strategy(pool, item, context);
      for (const shuffled of permutations(pool)) {
        expect(strategy(shuffled, item, context)).toEqual(expected);
      }
    },
  );

  it.each<[string, string[]]>([
    ['longest-idle', ['d', 'a', 'b', 'c', 'e']],
    ['least-busy', ['b', 'c', 'd', 'a', 'e']],
    ['fewest-calls', ['a', 'b', 'd', 'c', 'e']],
    ['round-robin', ['c', 'd', 'e', 'a', 'b']],
    ['curator-first', ['c', 'd', 'a', 'b', 'e']],
    ['ring-all', ['d', 'a', 'b', 'c', 'e']],
  ])('%s orders the tie-heavy pool as %p', (name, expected) => {
    expect(STRATEGIES[name as keyof typeof STRATEGIES](pool, item, context).ordered).toEqual(
      expected,
    );
  });

  it.each(Object.entries(STRATEGIES))(
    '%s returns an empty order and says so when nobody is eligible',
    (_name, strategy) => {
      const result = strategy([], item, context);
      expect(result.ordered).toEqual([]);
      expect(result.reason).toMatch(/no eligible staff/);
    },
  );

  it.each(Object.entries(STRATEGIES))('%s does not reorder the caller’s array', (_n, strategy) => {
    const input = [...pool];
    strategy(input, item, context);
    expect(input).toEqual(pool);
  });
});
