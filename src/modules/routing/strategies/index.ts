import { partitionEligible } from '@/modules/routing/eligibility';
import {
  Candidate,
  Capacity,
  RoutingDecision,
  RoutingStrategyName,
  StrategyFn,
  WorkItem,
} from '@/modules/routing/routing.types';
import { curatorFirst } from '@/modules/routing/strategies/curator-first';
import { fewestCalls } from '@/modules/routing/strategies/fewest-calls';
import { leastBusy } from '@/modules/routing/strategies/least-busy';
import { compareStaffId, longestIdle } from '@/modules/routing/strategies/longest-idle';
import { ringAll } from '@/modules/routing/strategies/ring-all';
import { roundRobin } from '@/modules/routing/strategies/round-robin';

export const STRATEGIES: Record<RoutingStrategyName, StrategyFn> = {
  'curator-first': curatorFirst,
  'longest-idle': longestIdle,
  'least-busy': leastBusy,
  'round-robin': roundRobin,
  'fewest-calls': fewestCalls,
  'ring-all': ringAll,
};

export interface RoutingInput {
  strategy: RoutingStrategyName;
  candidates: readonly Candidate[];
  item: WorkItem;
  capacity: Capacity;
  now: Date;
  /** People who already declined or let this item time out. */
  excluded: ReadonlySet<string>;
  roundRobinCursor: string | null;
}

/** Filters the queue's members, orders the eligible ones by the queue's strategy and says why. */
export function decideRouting(input: RoutingInput): RoutingDecision {
  const { strategy, candidates, item, capacity, now, excluded, roundRobinCursor } = input;
  const { eligible, rejected } = partitionEligible(candidates, item, capacity, now, excluded);
  // Recorded decisions are compared and audited, so they must not depend on load order.
  rejected.sort(compareStaffId);
  const { ordered, reason } = STRATEGIES[strategy](eligible, item, {
    now,
    roundRobinCursor,
    rejected,
  });
  return { strategy, ordered, ringAll: strategy === 'ring-all', rejected, reason };
}
