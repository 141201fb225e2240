import {
  Candidate,
  Capacity,
  IneligibleReason,
  Rejection,
  WorkItem,
} from '@/modules/routing/routing.types';

/**
 * Why `c` cannot be offered `item` right now, or null when they can.
 *
 * Only the first failing rule is reported, checked in the order the product defines
 * eligibility (status, state, capacity, skill, cool-down) and the per-item exclusion last, so
 * the recorded reason names the most fundamental obstacle: someone on break who also declined
 * this item is reported as not available.
 *
 * Both calls and requests need state `idle`: offering a request to someone on a call would
 * compete with the call for their attention, and the offer itself is what makes them `offered`.
 */
export function checkEligibility(
  c: Candidate,
  item: WorkItem,
  capacity: Capacity,
  now: Date,
  excluded: ReadonlySet<string>,
): IneligibleReason | null {
  if (c.status !== 'available') return 'not_available';
  if (c.state !== 'idle') return 'not_idle';
  if (!hasRoomFor(c, item.kind, capacity)) return 'over_capacity';
  if (c.skillLevel < item.requiredSkill) return 'skill_too_low';
  if (c.cooldownUntil !== null && c.cooldownUntil.getTime() > now.getTime()) return 'cooldown';
  if (excluded.has(c.staffId)) return 'excluded';
  return null;
}

function hasRoomFor(c: Candidate, kind: WorkItem['kind'], capacity: Capacity): boolean {
  switch (kind) {
    case 'call':
      return c.openCalls < capacity.maxCalls;
    case 'request':
      return c.openRequests < capacity.maxRequests;
  }
}

export interface EligibilityPartition {
  eligible: Candidate[];
  rejected: Rejection[];
}

/** Splits candidates by eligibility, keeping input order on both sides. */
export function partitionEligible(
  candidates: readonly Candidate[],
  item: WorkItem,
  capacity: Capacity,
  now: Date,
  excluded: ReadonlySet<string>,
): EligibilityPartition {
  const eligible: Candidate[] = [];
  const rejected: Rejection[] = [];
  for (const c of candidates) {
    const reason = checkEligibility(c, item, capacity, now, excluded);
    if (reason === null) eligible.push(c);
    else rejected.push({ staffId: c.staffId, reason });
  }
  return { eligible, rejected };
}
