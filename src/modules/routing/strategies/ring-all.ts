import { StrategyFn } from '@/modules/routing/routing.types';
import { orderLongestIdle } from '@/modules/routing/strategies/longest-idle';

/**
 * Everyone eligible is offered at once; the longest-idle order still matters for how the
 * offers are listed and for who wins if two accept in the same instant.
 */
export const ringAll: StrategyFn = (eligible) => {
  const ordered = orderLongestIdle(eligible);
  if (ordered.length === 0) return { ordered, reason: 'ring-all: no eligible staff' };
  return { ordered, reason: `ring-all: ringing ${ordered.length} eligible at once` };
};
