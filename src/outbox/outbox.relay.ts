import { MikroORM, RequestContext } from '@mikro-orm/core';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InFlight } from '@/common/lifecycle/in-flight';
import {
  OUTBOX_TOPICS,
  OutboxDelivery,
  OutboxMessage,
  OutboxPayloads,
  OutboxTopic,
} from '@/outbox/outbox.catalogue';
import { OutboxRepository } from '@/outbox/outbox.repository';
import { afterFailure } from '@/outbox/outbox-retry';

export type OutboxHandler<T extends OutboxTopic> = (
  payload: OutboxPayloads[T],
  delivery: OutboxDelivery,
) => Promise<void>;

/** Delivered ids are deleted together: one DELETE per burst, off the committing path. */
const DELETE_BATCH = 500;
const DELETE_AFTER_MS = 20;
/** Rows per sweep claim, and claims per sweep pass (bounded; the next pass takes the rest). */
const SWEEP_BATCH = 100;
const SWEEP_MAX_BATCHES = 20;

export interface SweepResult {
  delivered: number;
  retried: number;
  dead: number;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Delivers outbox rows to their topic's handler. Live path: the process that committed the rows
 * calls `dispatch` right after the commit; it runs the handlers at once and deletes the rows that
 * were handled (batched). Late path: the worker's `outbox.relay` job calls `sweep` every few
 * seconds for rows still there past the grace — the committing process died, or a handler
 * failed — with attempts, backoff and a dead letter. Handlers therefore run at least once per
 * row and must be idempotent; each runs in its own ORM context.
 */
@Injectable()
export class OutboxRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly handlers = new Map<OutboxTopic, OutboxHandler<OutboxTopic>>();
  private readonly inFlight = new InFlight();
  private delivered: string[] = [];
  private deleteTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: OutboxRepository,
    private readonly orm: MikroORM,
  ) {}

  /** The feature that owns a topic registers its one handler (at module init). */
  handle<T extends OutboxTopic>(topic: T, handler: OutboxHandler<T>): void {
    if (this.handlers.has(topic)) throw new Error(`outbox topic ${topic} has two handlers`);
    this.handlers.set(topic, handler as OutboxHandler<OutboxTopic>);
  }

  /**
   * Called by the worker, whose sweep delivers every row whatever process wrote it: a topic with
   * no handler there fails its boot. Other processes (a CLI, the connector) may load only some
   * features; a row they cannot deliver live waits for the worker's sweep.
   */
  assertEveryTopicHandled(): void {
    const missing = OUTBOX_TOPICS.filter((topic) => !this.handlers.has(topic));
    if (missing.length > 0) {
      throw new Error(`No handler registered for outbox topic(s): ${missing.join(', ')}`);
    }
  }

  /**
   * Call right after the commit that wrote `messages`. Handlers start synchronously in the
   * order given (socket deltas keep the commit's order); the promise settles when all of them
   * have, and never rejects: a failure leaves its row to the sweep.
   */
  dispatch(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.inFlight.track(
      Promise.all(messages.map((message) => this.deliverLive(message))).then(() => undefined),
    );
  }

  /**
   * One pass over rows whose live delivery did not happen: claimed with SKIP LOCKED (several
   * workers share the work), delivered oldest first, deleted when handled, retried later with
   * backoff when not, dead-lettered after the last attempt.
   */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { delivered: 0, retried: 0, dead: 0 };
    for (let batch = 0; batch < SWEEP_MAX_BATCHES; batch++) {
      const rows = await this.repo.claimDue(SWEEP_BATCH);
      const done: string[] = [];
      for (const row of rows) {
        try {
          await this.run(row, { redelivery: true, attempt: row.attempts });
          done.push(row.id);
        } catch (err) {
          const outcome = afterFailure(row.attempts);
          if (outcome.kind === 'dead') {
            await this.repo.bury(row.id, describe(err));
            result.dead += 1;
            this.logger.error(
              { id: row.id, topic: row.topic, attempts: row.attempts, err: describe(err) },
              'outbox message dead-lettered: every attempt failed',
            );
          } else {
            await this.repo.retryLater(row.id, outcome.delaySeconds, describe(err));
            result.retried += 1;
            this.logger.warn(
              { id: row.id, topic: row.topic, attempt: row.attempts, err: describe(err) },
              `outbox message not delivered; retrying in ${outcome.delaySeconds} s`,
            );
          }
        }
      }
      await this.repo.delete(done);
      result.delivered += done.length;
      if (rows.length < SWEEP_BATCH) break;
    }
    if (result.delivered > 0) {
      this.logger.warn(
        { delivered: result.delivered },
        'delivered outbox messages whose live dispatch was lost or failed',
      );
    }
    const purged = await this.repo.purgeDead();
    if (purged > 0) this.logger.log(`purged ${purged} dead outbox messages past the retention`);
    return result;
  }

  /** Live deliveries finish, and their rows are deleted, while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.inFlight.settle(5_000);
    await this.deleteDelivered();
  }

  private async deliverLive(message: OutboxMessage): Promise<void> {
    try {
      await this.run(message, { redelivery: false, attempt: 1 });
    } catch (err) {
      this.logger.warn(
        { id: message.id, topic: message.topic, err: describe(err) },
        'outbox message not delivered live; the sweep will retry it',
      );
      return;
    }
    this.delivered.push(message.id);
    if (this.delivered.length >= DELETE_BATCH) {
      void this.deleteDelivered();
    } else {
      this.deleteTimer ??= setTimeout(() => void this.deleteDelivered(), DELETE_AFTER_MS);
    }
  }

  /** Synchronous up to the handler's first await: dispatch order is the handlers' start order. */
  private run(message: OutboxMessage, delivery: OutboxDelivery): Promise<void> {
    const handler = this.handlers.get(message.topic);
    if (!handler) return Promise.reject(new Error(`no handler for outbox topic ${message.topic}`));
    return RequestContext.create(this.orm.em, () => handler(message.payload, delivery));
  }

  private async deleteDelivered(): Promise<void> {
    clearTimeout(this.deleteTimer);
    this.deleteTimer = undefined;
    const ids = this.delivered;
    this.delivered = [];
    try {
      await this.repo.delete(ids);
    } catch (err) {
      // The messages were handled; the sweep will hand them over again, and handlers are
      // idempotent, so this costs a repeat, not a loss.
      this.logger.warn(
        { rows: ids.length, err: describe(err) },
        'could not delete delivered outbox rows',
      );
    }
  }
}
