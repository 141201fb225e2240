import { Candidate, Capacity, WorkItem } from '@/modules/routing/routing.types';

export const NOW = new Date('2026-05-04T09:00:00.000Z');

/** A moment `seconds` before NOW. */
export const ago = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);

export const CAPACITY: Capacity = { maxCalls: 1, maxRequests: 3 };

/** An eligible person idle for a minute, unless the overrides say otherwise. */
export function candidate(staffId: string, overrides: Partial<Candidate> = {}): Candidate {
  return {
    staffId,
    username: `user-${staffId}`,
    status: 'available',
    state: 'idle',
    skillLevel: 5,
    idleSince: ago(60),
    openCalls: 0,
    openRequests: 0,
    callsHandledToday: 0,
    lastOfferedAt: null,
    cooldownUntil: null,
    ...overrides,
  };
}

export function workItem(overrides: Partial<WorkItem> = {}): WorkItem {
  return {
    kind: 'call',
    id: 'call-1',
    priority: 0,
    waitingSince: ago(30),
    curatorId: null,
    requiredSkill: 1,
    ...overrides,
  };
}

/** Every permutation, so order-independence is checked exhaustively rather than by luck. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((head, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [head, ...rest]),
  );
}
