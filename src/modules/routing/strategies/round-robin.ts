import { StrategyFn } from '@/modules/routing/routing.types';
import { compareStaffId } from '@/modules/routing/strategies/longest-idle';

/**
 * Takes turns in staffId order. The cursor is the person offered last; it need not be eligible
 * now (they may be on the call they were given), so the rotation starts at the first staffId
 * strictly after it rather than at the cursor's own position.
 */
export const roundRobin: StrategyFn = (eligible, _item, { roundRobinCursor: cursor }) => {
  const ids = [...eligible].sort(compareStaffId).map((c) => c.staffId);
  if (ids.length === 0) return { ordered: ids, reason: 'round-robin: no eligible staff' };
  const after = cursor === null ? 0 : ids.findIndex((id) => id > cursor);
  // Nobody after the cursor means the turn wraps around to the start.
  const start = after === -1 ? 0 : after;
  const ordered = [...ids.slice(start), ...ids.slice(0, start)];
  const from = cursor === null ? 'no previous turn' : `last turn ${cursor}`;
  return {
    ordered,
    reason: `round-robin: ${ordered[0]} is next (${from}) of ${ordered.length} eligible`,
  };
};
