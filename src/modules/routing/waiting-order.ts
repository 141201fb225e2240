import { checkEligibility } from '@/modules/routing/eligibility';
import { Candidate, Capacity, WorkItem } from '@/modules/routing/routing.types';

/** Highest priority first, then whoever has waited longest; id keeps equal items in a stable order. */
export function compareWaiting(a: WorkItem, b: WorkItem): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const waited = a.waitingSince.getTime() - b.waitingSince.getTime();
  if (waited !== 0) return Math.sign(waited);
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/**
 * The item a person who just became free should be offered: the first in waiting order they are
 * eligible for. `excludedByItem` maps an item id to the people who already declined it or let
 * it time out, so they are not offered the same item again.
 */
export function nextWaitingFor(
  candidate: Candidate,
  items: readonly WorkItem[],
  capacity: Capacity,
  now: Date,
  excludedByItem: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): WorkItem | null {
  const noOne: ReadonlySet<string> = new Set();
  const inOrder = [...items].sort(compareWaiting);
  return (
    inOrder.find(
      (item) =>
        checkEligibility(candidate, item, capacity, now, excludedByItem.get(item.id) ?? noOne) ===
        null,
    ) ?? null
  );
}
