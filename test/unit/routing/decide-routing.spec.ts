import { ROUTING_STRATEGIES } from '@/modules/routing/routing.types';
import { RoutingInput, STRATEGIES, decideRouting } from '@/modules/routing/strategies';
import {
  CAPACITY,
  NOW,
  ago,
  candidate,
  permutations,
  workItem,
} from '@test/unit/routing/routing-fixtures';

const queue = [
  candidate('u5', { idleSince: ago(20) }),
  candidate('u2', { status: 'break' }),
  candidate('u4', { idleSince: ago(400), openRequests: 2 }),
  candidate('u1', { state: 'busy', openCalls: 1 }),
  candidate('u3', { idleSince: ago(100) }),
  candidate('u6', { idleSince: ago(900) }),
];

const input = (overrides: Partial<RoutingInput> = {}): RoutingInput => ({
  strategy: 'longest-idle',
  candidates: queue,
  item: workItem(),
  capacity: CAPACITY,
  now: NOW,
  excluded: new Set(['u6']),
  roundRobinCursor: null,
  ...overrides,
});

describe('decideRouting', () => {
  it('filters, orders and records why each rejected person was left out', () => {
    expect(decideRouting(input())).toEqual({
      strategy: 'longest-idle',
      ordered: ['u4', 'u3', 'u5'],
      ringAll: false,
      rejected: [
        { staffId: 'u1', reason: 'not_idle' },
        { staffId: 'u2', reason: 'not_available' },
        { staffId: 'u6', reason: 'excluded' },
      ],
      reason: 'longest-idle: u4 idle longest of 3 eligible',
    });
  });

  it.each(ROUTING_STRATEGIES)('uses the %s strategy it is asked for', (strategy) => {
    const decision = decideRouting(input({ strategy }));
    const eligible = queue.filter((c) => ['u3', 'u4', 'u5'].includes(c.staffId));
    const direct = STRATEGIES[strategy](eligible, workItem(), {
      now: NOW,
      roundRobinCursor: null,
      rejected: decision.rejected,
    });
    expect(decision.strategy).toBe(strategy);
    expect(decision.ordered).toEqual(direct.ordered);
    expect(decision.reason).toBe(direct.reason);
    expect(decision.ringAll).toBe(strategy === 'ring-all');
  });

  it('rings everyone at once for ring-all', () => {
    const decision = decideRouting(input({ strategy: 'ring-all' }));
    expect(decision.ringAll).toBe(true);
    expect(decision.ordered).toEqual(['u4', 'u3', 'u5']);
  });

  it('passes the round-robin cursor through', () => {
    const decision = decideRouting(input({ strategy: 'round-robin', roundRobinCursor: 'u3' }));
    expect(decision.ordered).toEqual(['u4', 'u5', 'u3']);
  });

  it('applies the item kind to capacity: a full request load does not block a call', () => {
    const call = decideRouting(input({ strategy: 'least-busy' }));
    expect(call.ordered).toEqual(['u3', 'u5', 'u4']);
    const request = decideRouting(
      input({
        strategy: 'least-busy',
        item: workItem({ kind: 'request' }),
        capacity: { maxCalls: 1, maxRequests: 2 },
      }),
    );
    expect(request.ordered).toEqual(['u3', 'u5']);
    expect(request.rejected).toContainEqual({ staffId: 'u4', reason: 'over_capacity' });
  });

  describe('curator-first', () => {
    it('offers an eligible curator first', () => {
      const decision = decideRouting(
        input({ strategy: 'curator-first', item: workItem({ curatorId: 'u5' }) }),
      );
      expect(decision.ordered).toEqual(['u5', 'u4', 'u3']);
      expect(decision.reason).toBe('curator u5 eligible, then longest-idle: 3 eligible');
    });

    it.each([
      ['u2', 'not_available'],
      ['u1', 'not_idle'],
      ['u6', 'excluded'],
    ])('names why curator %s was skipped (%s)', (curatorId, why) => {
      const decision = decideRouting(
        input({ strategy: 'curator-first', item: workItem({ curatorId }) }),
      );
      expect(decision.ordered).toEqual(['u4', 'u3', 'u5']);
      expect(decision.reason).toBe(
        `curator ${curatorId} ineligible (${why}), fell back to longest-idle: 3 eligible`,
      );
    });

    it('says so when the curator is not a member of the queue', () => {
      const decision = decideRouting(
        input({ strategy: 'curator-first', item: workItem({ curatorId: 'stranger' }) }),
      );
      expect(decision.ordered).toEqual(['u4', 'u3', 'u5']);
      expect(decision.reason).toBe(
        'curator stranger not a candidate in this queue, fell back to longest-idle: 3 eligible',
      );
    });

    it('says why even when nobody at all is eligible', () => {
      const decision = decideRouting(
        input({
          strategy: 'curator-first',
          candidates: [candidate('cur', { cooldownUntil: new Date(NOW.getTime() + 5000) })],
          item: workItem({ curatorId: 'cur' }),
        }),
      );
      expect(decision.ordered).toEqual([]);
      expect(decision.reason).toBe(
        'curator cur ineligible (cooldown), fell back to longest-idle: no eligible staff',
      );
    });
  });

  it('returns an empty order when nobody is eligible', () => {
    const decision = decideRouting(input({ candidates: [candidate('u1', { status: 'offline' })] }));
    expect(decision.ordered).toEqual([]);
    expect(decision.rejected).toEqual([{ staffId: 'u1', reason: 'not_available' }]);
    expect(decision.reason).toBe('longest-idle: no eligible staff');
  });

  it.each(ROUTING_STRATEGIES)(
    '%s decides the same whatever order the queue is loaded in',
    (strategy) => {
      const base = input({
        strategy,
        item: workItem({ curatorId: 'u2' }),
        roundRobinCursor: 'u3',
      });
      const expected = decideRouting(base);
      for (const candidates of permutations(queue)) {
        expect(decideRouting({ ...base, candidates })).toEqual(expected);
      }
    },
  );
});
