import { Candidate, StrategyFn } from '@/modules/routing/routing.types';

/**
 * The final tie-break of every strategy. Code-unit comparison rather than localeCompare so the
 * order does not depend on the server's locale or ICU data.
 */
export function compareStaffId(a: { staffId: string }, b: { staffId: string }): number {
  if (a.staffId === b.staffId) return 0;
  return a.staffId < b.staffId ? -1 : 1;
}

/** Idle longest first; never idle counts as idle forever, so a person fresh on shift goes first. */
export function compareLongestIdle(a: Candidate, b: Candidate): number {
  const since = (c: Candidate): number => c.idleSince?.getTime() ?? Number.NEGATIVE_INFINITY;
  const [x, y] = [since(a), since(b)];
  if (x !== y) return x < y ? -1 : 1;
  return compareStaffId(a, b);
}

export function orderLongestIdle(eligible: readonly Candidate[]): string[] {
  return [...eligible].sort(compareLongestIdle).map((c) => c.staffId);
}

export const longestIdle: StrategyFn = (eligible) => {
  const ordered = orderLongestIdle(eligible);
  if (ordered.length === 0) return { ordered, reason: 'longest-idle: no eligible staff' };
  return {
    ordered,
    reason: `longest-idle: ${ordered[0]} idle longest of ${ordered.length} eligible`,
  };
};
