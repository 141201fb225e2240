import { Candidate, StrategyFn } from '@/modules/routing/routing.types';
import { compareLongestIdle } from '@/modules/routing/strategies/longest-idle';

const openItems = (c: Candidate): number => c.openCalls + c.openRequests;

export const leastBusy: StrategyFn = (eligible) => {
  const sorted = [...eligible].sort(
    (a, b) => openItems(a) - openItems(b) || compareLongestIdle(a, b),
  );
  const ordered = sorted.map((c) => c.staffId);
  if (sorted.length === 0) return { ordered, reason: 'least-busy: no eligible staff' };
  return {
    ordered,
    reason: `least-busy: ${sorted[0].staffId} has fewest open items (${openItems(sorted[0])}) of ${sorted.length} eligible`,
  };
};
