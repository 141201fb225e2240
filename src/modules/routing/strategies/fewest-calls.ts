import { StrategyFn } from '@/modules/routing/routing.types';
import { compareLongestIdle } from '@/modules/routing/strategies/longest-idle';

export const fewestCalls: StrategyFn = (eligible) => {
  const sorted = [...eligible].sort(
    (a, b) => a.callsHandledToday - b.callsHandledToday || compareLongestIdle(a, b),
  );
  const ordered = sorted.map((c) => c.staffId);
  if (sorted.length === 0) return { ordered, reason: 'fewest-calls: no eligible staff' };
  return {
    ordered,
    reason: `fewest-calls: ${sorted[0].staffId} handled fewest calls today (${sorted[0].callsHandledToday}) of ${sorted.length} eligible`,
  };
};
