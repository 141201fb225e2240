import { useSyncExternalStore } from 'react';
import { api } from '@web/api/endpoints';
import { realtime } from '@web/api/realtime';
import {
  CALL_DELTA_EVENTS,
  WAITING_STATUSES,
  asDossier,
  type CallSummary,
  type ConsoleCall,
  type Dossier,
  type Offer,
  type OfferRevoked,
  type Presence,
  type QueueSnapshot,
} from '@web/api/types';

/** A call on the board: waiting or ringing, or in progress with the person who answered. */
export interface BoardCall {
  id: string;
  externalId: string;
  status: string;
  from: string | null;
  line: string | null;
  queue: string | null;
  priority: number;
  arrivedAt: string;
  waitingSince: string;
  /** When it reached its current status. */
  at: string;
  offeredTo: string | null;
  agentId: string | null;
  dossier: Dossier | null;
}

export interface RevokedOffer {
  offer: Offer;
  reason: string;
  at: number;
}

export interface ConsoleState {
  /** Waiting and ringing calls, by priority then arrival. */
  waiting: BoardCall[];
  /** Calls someone is talking on. */
  inProgress: BoardCall[];
  staff: Presence[];
  snapshotAt: string | null;
  /** Offers addressed to me, oldest first. */
  offers: Offer[];
  revoked: RevokedOffer | null;
  me: Presence | null;
}

const ENDED = new Set(['ended', 'abandoned', 'missed', 'blocked']);
/** localeCompare's order, without building a collator per comparison. */
const byName = new Intl.Collator();
const SNAPSHOT_REFRESH_MS = 1000;
/**
 * Board deltas (other people's calls and presence) reach the screen at most this often: at 50
 * deltas a second, rendering and laying out the board per delta kept the page's main thread
 * busy. My own offers and presence are shown at once.
 */
const BOARD_FLUSH_MS = 100;

/**
 * The console's live state: the server's `queue.snapshot` (sent on every connect, so a reconnect
 * refreshes it) plus the `call.*`, `staff.changed` and offer deltas. One store for the board and
 * the agent's workspace; pages read it through `useConsole`.
 */
class ConsoleStore {
  private calls = new Map<string, BoardCall>();
  private staff = new Map<string, Presence>();
  private offers: Offer[] = [];
  private revoked: RevokedOffer | null = null;
  private me: Presence | null = null;
  private meId: string | null = null;
  private snapshotAt: string | null = null;
  private fetching = new Set<string>();
  private listeners = new Set<() => void>();
  /** What changed since the state was last computed (the rest keeps its arrays). */
  private callsDirty = true;
  private staffDirty = true;
  private state: ConsoleState = this.compute(null);
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;
  private unsubscribers: (() => void)[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** While asking for my pending offers: what changed live meanwhile (an id → the offer or gone). */
  private offersMeanwhile: Map<string, Offer | null> | null = null;

  attach(meId: string): void {
    this.detach();
    this.meId = meId;
    this.unsubscribers = [
      realtime.on('queue.snapshot', (s) => this.applySnapshot(s)),
      realtime.on('staff.changed', (p) => this.applyPresence(p)),
      realtime.on('offer', (o) => this.applyOffer(o)),
      realtime.on('offer.revoked', (r) => this.applyRevoked(r)),
      // An offer is pushed once: one that rang while the socket was down is asked for again.
      realtime.on('synced', () => this.refreshOffers()),
      ...CALL_DELTA_EVENTS.map((name) => realtime.on(name, (c) => this.applyCall(c))),
    ];
  }

  detach(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.callsDirty = true;
    this.staffDirty = true;
    this.unsubscribers.forEach((u) => u());
    this.unsubscribers = [];
    this.calls.clear();
    this.staff.clear();
    this.offers = [];
    this.offersMeanwhile = null;
    this.revoked = null;
    this.me = null;
    this.meId = null;
    this.snapshotAt = null;
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ConsoleState => this.state;

  setMe(presence: Presence): void {
    this.me = presence;
    if (this.staff.has(presence.userId)) {
      this.staff.set(presence.userId, presence);
      this.staffDirty = true;
    }
    this.changed();
  }

  /** The offer was answered here: take it off the screen without a "withdrawn" notice. */
  dropOffer(offerId: string): void {
    this.offersMeanwhile?.set(offerId, null);
    this.offers = this.offers.filter((o) => o.offerId !== offerId);
    this.changed();
  }

  dismissRevoked(): void {
    this.revoked = null;
    this.changed();
  }

  private applySnapshot(snapshot: QueueSnapshot): void {
    const waitingIds = new Set(snapshot.calls.map((c) => c.id));
    const busyCalls = new Set(snapshot.staff.map((s) => s.currentCallId).filter(Boolean));
    for (const [id, call] of this.calls) {
      // Keep calls in progress someone still holds; everything else the snapshot now describes.
      if (!waitingIds.has(id) && !(call.agentId !== null && busyCalls.has(id))) {
        this.calls.delete(id);
      }
    }
    // An unchanged call or person keeps its object, so its memoised row does not render again.
    for (const c of snapshot.calls)
      this.calls.set(c.id, kept(this.calls.get(c.id), fromConsoleCall(c)));
    this.staff = new Map(snapshot.staff.map((s) => [s.userId, kept(this.staff.get(s.userId), s)]));
    this.callsDirty = true;
    this.staffDirty = true;
    const mine = this.meId === null ? undefined : this.staff.get(this.meId);
    if (mine) this.me = mine;
    this.snapshotAt = snapshot.at;
    this.changed();
  }

  private applyPresence(p: Presence): void {
    const known = this.staff.get(p.userId);
    if (known !== undefined && kept(known, p) === known) return;
    this.staff.set(p.userId, p);
    this.staffDirty = true;
    if (p.userId === this.meId) {
      this.me = p;
      this.changed();
    } else this.boardChanged();
  }

  /**
   * Replaces the offers on screen with the ones still ringing at me (the server's word after a
   * reconnect: new ones come back, ones that ended while we were away go), keeping what arrived
   * or went live while the question was on its way.
   */
  private refreshOffers(): void {
    const meanwhile = new Map<string, Offer | null>();
    this.offersMeanwhile = meanwhile;
    realtime
      .send('offer.pending', {})
      .then((pending) => {
        if (this.offersMeanwhile !== meanwhile) return;
        this.offersMeanwhile = null;
        const now = Date.now();
        const next = pending.filter(
          (o) =>
            !meanwhile.has(o.offerId) &&
            !meanwhile.has(`item:${o.item.id}`) &&
            Date.parse(o.expiresAt) > now,
        );
        for (const offer of meanwhile.values()) if (offer !== null) next.push(offer);
        this.offers = next;
        this.changed();
      })
      .catch(() => {
        // The next reconnect asks again; live offers keep arriving meanwhile.
        if (this.offersMeanwhile === meanwhile) this.offersMeanwhile = null;
      });
  }

  private applyOffer(offer: Offer): void {
    this.offersMeanwhile?.set(offer.offerId, offer);
    this.offers = [...this.offers.filter((o) => o.offerId !== offer.offerId), offer];
    this.changed();
  }

  private applyRevoked(r: OfferRevoked): void {
    const matches = (o: Offer) =>
      r.offerId === null ? o.item.id === r.itemId : o.offerId === r.offerId;
    const meanwhile = this.offersMeanwhile;
    if (meanwhile !== null) {
      for (const [id, o] of meanwhile) if (o !== null && matches(o)) meanwhile.set(id, null);
      meanwhile.set(r.offerId ?? `item:${r.itemId}`, null);
    }
    const gone = this.offers.find(matches);
    if (gone === undefined) return;
    this.offers = this.offers.filter((o) => o !== gone);
    this.revoked = { offer: gone, reason: r.reason, at: Date.now() };
    this.changed();
  }

  private applyCall(c: CallSummary): void {
    const known = this.calls.get(c.callId);
    this.callsDirty = true;
    if (ENDED.has(c.status)) {
      this.calls.delete(c.callId);
      this.boardChanged();
      return;
    }
    const waiting = WAITING_STATUSES.includes(c.status);
    const next: BoardCall = {
      id: c.callId,
      externalId: c.externalId,
      status: c.status,
      from: c.from,
      line: c.lineCode,
      queue: c.queueCode,
      priority: c.priority,
      arrivedAt: c.arrivedAt,
      waitingSince:
        known?.waitingSince ??
        (c.status === 'queued' || c.status === 'arrived' ? c.at : c.arrivedAt),
      at: c.at,
      offeredTo: waiting ? (known?.offeredTo ?? null) : null,
      agentId: waiting ? null : (c.currentAgentId ?? c.answeredById),
      dossier: known?.dossier ?? null,
    };
    this.calls.set(c.callId, kept(known, next));
    // The delta does not say whom a call rings at; the snapshot does.
    if (c.status === 'offered') this.refreshSoon();
    this.boardChanged();
  }

  /**
   * The board draws a call whose dossier the snapshot did not bring (it arrived since): fetch it
   * once, kept on the call for as long as the call is on the board. Rows off screen ask for
   * nothing, so the board does not request a dossier for each call that arrives.
   */
  needDossier(id: string): void {
    const row = this.calls.get(id);
    if (!row || row.dossier !== null || this.fetching.has(id)) return;
    this.fetching.add(id);
    api
      .call(id)
      .then((call) => {
        const now = this.calls.get(id);
        if (now && call.dossier) {
          this.calls.set(id, { ...now, dossier: call.dossier });
          this.callsDirty = true;
          this.boardChanged();
        }
      })
      .catch(() => undefined)
      .finally(() => this.fetching.delete(id));
  }

  /** At most one snapshot request per interval, however many calls start ringing. */
  private refreshSoon(): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      realtime
        .send('queue.snapshot', {})
        .then((snapshot) => this.applySnapshot(snapshot))
        .catch(() => undefined);
    }, SNAPSHOT_REFRESH_MS);
  }

  private compute(previous: ConsoleState | null): ConsoleState {
    let { waiting, inProgress, staff } = previous ?? { waiting: [], inProgress: [], staff: [] };
    if (this.callsDirty || previous === null) {
      const all = [...this.calls.values()];
      const byArrival = (a: BoardCall, b: BoardCall) =>
        b.priority - a.priority || a.arrivedAt.localeCompare(b.arrivedAt);
      waiting = all.filter((c) => WAITING_STATUSES.includes(c.status)).sort(byArrival);
      inProgress = all.filter((c) => !WAITING_STATUSES.includes(c.status)).sort(byArrival);
    }
    if (this.staffDirty || previous === null) {
      staff = [...this.staff.values()].sort((a, b) => byName.compare(a.displayName, b.displayName));
    }
    this.callsDirty = false;
    this.staffDirty = false;
    return {
      waiting,
      inProgress,
      staff,
      snapshotAt: this.snapshotAt,
      offers: this.offers,
      revoked: this.revoked,
      me: this.me,
    };
  }

  /** Shown now, with any board deltas still waiting for their turn. */
  private changed(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.lastFlush = performance.now();
    this.state = this.compute(this.state);
    this.listeners.forEach((l) => l());
  }

  /** Shown at once after a quiet spell, otherwise with the next flush (BOARD_FLUSH_MS). */
  private boardChanged(): void {
    if (this.flushTimer !== null) return;
    const wait = this.lastFlush + BOARD_FLUSH_MS - performance.now();
    if (wait <= 0) this.changed();
    else this.flushTimer = setTimeout(() => this.changed(), wait);
  }
}

/**
 * `known` when `next` says the same (fields compared one by one, nested objects by value), else
 * `next`: snapshots and repeated deltas then leave the board's row objects, and rows, alone.
 */
function kept<T extends object>(known: T | undefined, next: T): T {
  if (known === undefined || known === next) return next;
  const a = known as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  const keys = Object.keys(b);
  if (keys.length !== Object.keys(a).length) return next;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (Object.is(x, y)) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return next;
    if (JSON.stringify(x) !== JSON.stringify(y)) return next;
  }
  return known;
}

function fromConsoleCall(c: ConsoleCall): BoardCall {
  return {
    id: c.id,
    externalId: c.callId,
    status: c.status,
    from: c.from,
    line: c.line,
    queue: c.queue,
    priority: c.priority,
    arrivedAt: c.arrivedAt,
    waitingSince: c.waitingSince,
    at: c.waitingSince,
    offeredTo: c.offeredTo,
    agentId: null,
    dossier: asDossier(c.dossier),
  };
}

export const consoleStore = new ConsoleStore();

export function useConsole(): ConsoleState {
  return useSyncExternalStore(consoleStore.subscribe, consoleStore.getState);
}

/** Only the offers ringing at me: for screens that show nothing else of the console. */
export function useOffers(): Offer[] {
  return useSyncExternalStore(consoleStore.subscribe, () => consoleStore.getState().offers);
}

/** Only the staff on the board, by name. */
export function useConsoleStaff(): Presence[] {
  return useSyncExternalStore(consoleStore.subscribe, () => consoleStore.getState().staff);
}

export function useConnectionState() {
  return useSyncExternalStore(
    (l) => realtime.onState(l),
    () => realtime.state,
  );
}
