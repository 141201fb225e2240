import type { AppConfig } from '@/config/app-config';
import type { QueueStrategy } from '@/modules/directory/entities/queue.entity';
import {
  ClaimedOffer,
  DecisionLog,
  PipelineItem,
  RoundRobinCursors,
  RoutingKind,
  RoutingPipeline,
} from '@/modules/routing/routing-pipeline';
import type { DecisionToRecord } from '@/modules/routing/routing.repository';
import type { Candidate, WorkItem } from '@/modules/routing/routing.types';
import { ago, candidate, NOW } from '@test/unit/routing/routing-fixtures';

interface FakeItem extends PipelineItem {
  waiting: boolean;
}

interface Recorded {
  kind: WorkItem['kind'];
  itemId: string;
  decision: DecisionToRecord;
  trigger: string;
  offeredTo: readonly string[];
}

class MemoryDecisionLog extends DecisionLog {
  readonly decisions: Recorded[] = [];
  recordDecision(
    kind: WorkItem['kind'],
    itemId: string,
    decision: DecisionToRecord,
    trigger: string,
    offeredTo: readonly string[],
  ): Promise<void> {
    this.decisions.push({ kind, itemId, decision, trigger, offeredTo });
    return Promise.resolve();
  }
}

class MemoryCursors extends RoundRobinCursors {
  readonly cursors = new Map<string, string>();
  get(kind: WorkItem['kind'], queueId: string): Promise<string | null> {
    return Promise.resolve(this.cursors.get(`${kind}:${queueId}`) ?? null);
  }
  set(kind: WorkItem['kind'], queueId: string, staffId: string): Promise<void> {
    this.cursors.set(`${kind}:${queueId}`, staffId);
    return Promise.resolve();
  }
}

/**
 * An in-memory stand-in for the repositories a kind's hooks use: items, queue members and the
 * staff state a claim changes. The claim is the real rule in miniature: only someone idle is
 * claimed, and a person claimed once is not claimed again.
 */
class MemoryKind implements RoutingKind<FakeItem> {
  readonly kind = 'call' as const;
  readonly items = new Map<string, FakeItem>();
  members: Candidate[] = [];
  excluded = new Set<string>();
  readonly claimedBy = new Set<string>();
  readonly offers: { itemId: string; offer: ClaimedOffer; username?: string }[] = [];
  readonly settledWith: string[][] = [];
  alongsideCalls = 0;
  private next = 1;

  load(id: string) {
    return Promise.resolve(this.items.get(id) ?? null);
  }
  candidates() {
    return Promise.resolve({ candidates: this.members, excluded: this.excluded });
  }
  routable(item: FakeItem) {
    return item.waiting;
  }
  workItem(item: FakeItem): WorkItem {
    return {
      kind: 'call',
      id: item.id,
      priority: 0,
      waitingSince: ago(10),
      curatorId: null,
      requiredSkill: 1,
    };
  }
  claim(_item: FakeItem, ordered: readonly string[], ringAll: boolean) {
    const free = ordered.filter((id) => !this.claimedBy.has(id));
    const taken = ringAll ? free : free.slice(0, 1);
    taken.forEach((id) => this.claimedBy.add(id));
    return Promise.resolve(taken.map((staffId) => ({ staffId, offerId: `offer-${this.next++}` })));
  }
  offered(item: FakeItem, offer: ClaimedOffer, username: string | undefined) {
    this.offers.push({ itemId: item.id, offer, username });
    return Promise.resolve();
  }
  alongside() {
    this.alongsideCalls += 1;
    return Promise.resolve();
  }
  settled(_item: FakeItem, offeredTo: readonly string[]) {
    this.settledWith.push([...offeredTo]);
    return Promise.resolve();
  }

  add(id: string, strategy: QueueStrategy | null = 'longest-idle', waiting = true): void {
    this.items.set(id, { id, queueId: 'q1', strategy, waiting });
  }
}

const config = { routing: { maxOpenRequests: 5 } } as AppConfig;

function setup() {
  const log = new MemoryDecisionLog();
  const cursors = new MemoryCursors();
  const kind = new MemoryKind();
  const pipeline = new RoutingPipeline(log, cursors, config);
  const route = (id: string, trigger = 'call.arrived') =>
    pipeline.route(kind, id, trigger, () => NOW);
  return { log, cursors, kind, route };
}

describe('RoutingPipeline', () => {
  it('offers the item to the first person of the strategy and records why', async () => {
    const { log, kind, route } = setup();
    kind.add('c1');
    kind.members = [candidate('a', { idleSince: ago(10) }), candidate('b', { idleSince: ago(90) })];
    expect(await route('c1')).toEqual(['b']);
    expect(kind.offers).toEqual([
      { itemId: 'c1', offer: { staffId: 'b', offerId: 'offer-1' }, username: 'user-b' },
    ]);
    expect(log.decisions).toHaveLength(1);
    expect(log.decisions[0]).toMatchObject({
      kind: 'call',
      itemId: 'c1',
      trigger: 'call.arrived',
      offeredTo: ['b'],
      decision: { strategy: 'longest-idle', ordered: ['b', 'a'] },
    });
    expect(kind.alongsideCalls).toBe(1);
    expect(kind.settledWith).toEqual([['b']]);
  });

  it('records a decision with nobody offered when every candidate was claimed elsewhere', async () => {
    const { log, kind, route } = setup();
    kind.add('c1');
    kind.members = [candidate('a')];
    kind.claimedBy.add('a');
    expect(await route('c1')).toEqual([]);
    expect(log.decisions[0].offeredTo).toEqual([]);
    expect(log.decisions[0].decision.ordered).toEqual(['a']);
    expect(kind.settledWith).toEqual([[]]);
    expect(kind.offers).toEqual([]);
  });

  it('does nothing for an item that is gone, has no queue strategy or no longer waits', async () => {
    const { log, kind, route } = setup();
    kind.add('no-strategy', null);
    kind.add('answered', 'longest-idle', false);
    kind.members = [candidate('a')];
    expect(await route('gone')).toEqual([]);
    expect(await route('no-strategy')).toEqual([]);
    expect(await route('answered')).toEqual([]);
    expect(log.decisions).toEqual([]);
    expect(kind.alongsideCalls).toBe(0);
  });

  it('never offers someone who declined or let the item ring out', async () => {
    const { kind, route } = setup();
    kind.add('c1');
    kind.members = [candidate('a', { idleSince: ago(500) }), candidate('b')];
    kind.excluded = new Set(['a']);
    expect(await route('c1', 'timeout')).toEqual(['b']);
  });

  it('skips people who are not available and idle', async () => {
    const { log, kind, route } = setup();
    kind.add('c1');
    kind.members = [
      candidate('on-break', { status: 'break', idleSince: ago(900) }),
      candidate('busy', { state: 'busy', openCalls: 1 }),
      candidate('free'),
    ];
    expect(await route('c1')).toEqual(['free']);
    expect(log.decisions[0].decision.rejected.map((r) => r.staffId)).toEqual(['busy', 'on-break']);
  });

  it('rings everyone eligible at once for ring-all', async () => {
    const { kind, route } = setup();
    kind.add('c1', 'ring-all');
    kind.members = [candidate('a'), candidate('b'), candidate('c', { status: 'offline' })];
    expect((await route('c1')).sort()).toEqual(['a', 'b']);
    expect(kind.offers).toHaveLength(2);
  });

  it('moves the round-robin cursor to whoever was offered, and continues after them', async () => {
    const { cursors, kind, route } = setup();
    kind.add('c1', 'round-robin');
    kind.add('c2', 'round-robin');
    kind.members = [candidate('a'), candidate('b'), candidate('c')];
    const first = await route('c1');
    expect(cursors.cursors.get('call:q1')).toBe(first[0]);
    kind.claimedBy.clear();
    const second = await route('c2');
    expect(second).not.toEqual(first);
    expect(cursors.cursors.get('call:q1')).toBe(second[0]);
  });

  it('two items routed at once never get the same person (the claim decides)', async () => {
    const { kind, route } = setup();
    kind.add('c1');
    kind.add('c2');
    kind.members = [candidate('a', { idleSince: ago(100) }), candidate('b')];
    const [x, y] = await Promise.all([route('c1'), route('c2')]);
    expect([...x, ...y].sort()).toEqual(['a', 'b']);
  });
});
