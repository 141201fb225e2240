import { StrategyFn } from '@/modules/routing/routing.types';
import { orderLongestIdle } from '@/modules/routing/strategies/longest-idle';

/** The client's responsible manager first when they can take it; everyone else by longest idle. */
export const curatorFirst: StrategyFn = (eligible, item, { rejected }) => {
  const curatorId = item.curatorId;
  const byIdle = orderLongestIdle(eligible);
  const tail = byIdle.length === 0 ? 'no eligible staff' : `${byIdle.length} eligible`;

  if (curatorId === null) {
    return { ordered: byIdle, reason: `no curator, fell back to longest-idle: ${tail}` };
  }
  if (byIdle.includes(curatorId)) {
    return {
      ordered: [curatorId, ...byIdle.filter((id) => id !== curatorId)],
      reason: `curator ${curatorId} eligible, then longest-idle: ${tail}`,
    };
  }
  const rejection = rejected.find((r) => r.staffId === curatorId);
  const why = rejection ? `ineligible (${rejection.reason})` : 'not a candidate in this queue';
  return {
    ordered: byIdle,
    reason: `curator ${curatorId} ${why}, fell back to longest-idle: ${tail}`,
  };
};
