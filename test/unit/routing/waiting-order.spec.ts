import { WorkItem } from '@/modules/routing/routing.types';
import { compareWaiting, nextWaitingFor } from '@/modules/routing/waiting-order';
import {
  CAPACITY,
  NOW,
  ago,
  candidate,
  permutations,
  workItem,
} from '@test/unit/routing/routing-fixtures';

const ids = (items: WorkItem[]): string[] => items.map((i) => i.id);

describe('compareWaiting', () => {
  const urgent = workItem({ id: 'urgent', priority: 5, waitingSince: ago(10) });
  const oldest = workItem({ id: 'oldest', priority: 0, waitingSince: ago(300) });
  const tieB = workItem({ id: 'b', priority: 0, waitingSince: ago(100) });
  const tieA = workItem({ id: 'a', priority: 0, waitingSince: ago(100) });
  const low = workItem({ id: 'low', priority: -1, waitingSince: ago(900) });
  const expected = ['urgent', 'oldest', 'a', 'b', 'low'];

  it('orders by priority (higher first), then waiting longest, then id', () => {
    expect(ids([low, tieB, tieA, oldest, urgent].sort(compareWaiting))).toEqual(expected);
  });

  it('gives the same order whatever order the items arrive in', () => {
    for (const order of permutations([urgent, oldest, tieB, tieA, low])) {
      expect(ids(order.sort(compareWaiting))).toEqual(expected);
    }
  });

  it('ranks priority above waiting time', () => {
    const waitedLong = workItem({ id: 'x', priority: 1, waitingSince: ago(3600) });
    const justCame = workItem({ id: 'y', priority: 2, waitingSince: ago(1) });
    expect(compareWaiting(justCame, waitedLong)).toBeLessThan(0);
    expect(compareWaiting(waitedLong, justCame)).toBeGreaterThan(0);
  });

  it('treats an item as equal to itself', () => {
    expect(compareWaiting(urgent, urgent)).toBe(0);
  });
});

describe('nextWaitingFor', () => {
  const person = candidate('u1', { skillLevel: 3 });

  it('returns the first item in waiting order', () => {
    const items = [
      workItem({ id: 'late', waitingSince: ago(10) }),
      workItem({ id: 'early', waitingSince: ago(50) }),
    ];
    expect(nextWaitingFor(person, items, CAPACITY, NOW)?.id).toBe('early');
  });

  it('skips items that need more skill than the person has', () => {
    const items = [
      workItem({ id: 'expert', priority: 9, requiredSkill: 7 }),
      workItem({ id: 'exact', priority: 1, requiredSkill: 3 }),
      workItem({ id: 'easy', priority: 0, requiredSkill: 1 }),
    ];
    expect(nextWaitingFor(person, items, CAPACITY, NOW)?.id).toBe('exact');
  });

  it('skips items the person already declined, and only those', () => {
    const items = [workItem({ id: 'declined', priority: 9 }), workItem({ id: 'other' })];
    const excludedByItem = new Map([['declined', new Set(['u1'])]]);
    expect(nextWaitingFor(person, items, CAPACITY, NOW, excludedByItem)?.id).toBe('other');
    const someoneElse = candidate('u2', { skillLevel: 3 });
    expect(nextWaitingFor(someoneElse, items, CAPACITY, NOW, excludedByItem)?.id).toBe('declined');
  });

  it('skips the kind the person has no room for', () => {
    const full = candidate('u1', { openRequests: CAPACITY.maxRequests });
    const items = [
      workItem({ kind: 'request', id: 'request', priority: 9 }),
      workItem({ kind: 'call', id: 'call' }),
    ];
    expect(nextWaitingFor(full, items, CAPACITY, NOW)?.id).toBe('call');
  });

  it('returns null when nothing fits', () => {
    const items = [workItem({ requiredSkill: 9 })];
    expect(nextWaitingFor(person, items, CAPACITY, NOW)).toBeNull();
    expect(nextWaitingFor(person, [], CAPACITY, NOW)).toBeNull();
  });

  it('returns null for someone who cannot take work at all', () => {
    const onBreak = candidate('u1', { status: 'break' });
    expect(nextWaitingFor(onBreak, [workItem()], CAPACITY, NOW)).toBeNull();
  });

  it('does not reorder the caller’s array', () => {
    const items = [workItem({ id: 'b' }), workItem({ id: 'a' })];
    nextWaitingFor(person, items, CAPACITY, NOW);
    expect(ids(items)).toEqual(['b', 'a']);
  });
});
