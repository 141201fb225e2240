import { filter, from, mergeMap, Observable, Subject, Subscription } from 'rxjs';

/** One published event on its way to the reactions; settles once every one of them has. */
class Delivery<E> {
  private pending: number;
  private ok = true;

  constructor(
    readonly event: E,
    reactions: number,
    private readonly done: (ok: boolean) => void,
  ) {
    this.pending = reactions;
    if (reactions === 0) done(true);
  }

  settle(ok: boolean): void {
    this.ok &&= ok;
    this.pending -= 1;
    if (this.pending === 0) this.done(this.ok);
  }
}

/** Who recorded the change an event reports, for buses whose events carry a `source`. */
export type SourceOf<E> = E extends { source?: infer S } ? Exclude<S, undefined> : never;

/** Events of these types, and (when given) only from these sources. */
export interface Hearing<E extends { type: string }> {
  events: readonly E['type'][];
  sources?: readonly SourceOf<E>[];
}

export interface ReactionOptions<E extends { type: string }> {
  /**
   * What this reaction hears, declared: an event matching none of these clauses counts as handled
   * at once. A reaction to others' changes names their sources instead of filtering its own echo.
   */
  hears?: readonly Hearing<E>[];
  /** A further condition on the event's content, after `hears`. */
  select?: (event: E) => boolean;
  /** Reactions of this kind running at once in this process. */
  concurrency: number;
}

/**
 * In-process domain events of one feature, published after the transaction that made the change
 * has committed. `publish` resolves once every reaction to the event has finished, with false if
 * one failed: the outbox relay keeps the event's row until then, so a process killed half-way
 * through a reaction leaves the row to be delivered again (reactions are idempotent).
 *
 * Reactions run in small pools per kind (`concurrency`); `events$` is for listeners that only
 * take a hint (a debounced recompute) and need no delivery guarantee.
 */
export class DomainEventBus<E extends { type: string }> {
  private readonly deliveries = new Subject<Delivery<E>>();
  private reactions = 0;
  readonly events$: Observable<E>;

  constructor() {
    this.events$ = new Observable<E>((subscriber) =>
      this.deliveries.subscribe((delivery) => subscriber.next(delivery.event)),
    );
  }

  publish(event: E): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.deliveries.next(new Delivery(event, this.reactions, resolve));
    });
  }

  /** A reaction counted in every later `publish`; it must throw when it did not do its work. */
  react(options: ReactionOptions<E>, handler: (event: E) => Promise<unknown>): Subscription {
    this.reactions += 1;
    const subscription = this.deliveries
      .pipe(
        filter((delivery) => {
          if (heard(options.hears, delivery.event) && (options.select?.(delivery.event) ?? true)) {
            return true;
          }
          delivery.settle(true);
          return false;
        }),
        mergeMap(
          (delivery) =>
            from(
              handler(delivery.event).then(
                () => delivery.settle(true),
                () => delivery.settle(false),
              ),
            ),
          options.concurrency,
        ),
      )
      .subscribe();
    subscription.add(() => {
      this.reactions -= 1;
    });
    return subscription;
  }
}

function heard<E extends { type: string }>(
  hears: readonly Hearing<E>[] | undefined,
  event: E,
): boolean {
  if (hears === undefined) return true;
  const source = (event as { source?: unknown }).source;
  return hears.some(
    (h) =>
      h.events.includes(event.type) &&
      (h.sources === undefined || (h.sources as readonly unknown[]).includes(source)),
  );
}
