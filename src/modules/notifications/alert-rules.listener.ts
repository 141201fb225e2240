import { EntityManager } from '@mikro-orm/postgresql';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { mergeMap, Subscription } from 'rxjs';
import { InFlight } from '@/common/lifecycle/in-flight';
import { CallDomainEvent, CallsEventBus } from '@/modules/calls/calls.events';
import { Client } from '@/modules/directory/entities/client.entity';
import { missedCallAlert, thresholdAlert } from '@/modules/notifications/alert-rules';
import { NotifyInput } from '@/modules/notifications/notifications.events';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import { UsersService } from '@/modules/staff/users.service';
import { StatsDomainEvent, StatsEventBus } from '@/modules/stats/stats.events';

/** Alerts are written by a few at a time; a burst of events waits its turn instead of piling up. */
const CONCURRENCY = 4;
/**
 * Turns other features' domain events into notifications (the rules are in alert-rules.ts).
 * The buses fire after commit in whichever process made the change, so this runs in the API
 * and in the worker; `notify` only enqueues, and its idempotency key makes a repeat harmless.
 * Call events come through the outbox: an alert that could not be enqueued fails the reaction,
 * and the relay delivers the event again until it is.
 */
@Injectable()
export class AlertRulesListener
  implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('AlertRules');
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new InFlight();

  constructor(
    private readonly em: EntityManager,
    private readonly calls: CallsEventBus,
    private readonly stats: StatsEventBus,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.calls.react(
        {
          hears: [{ events: ['call.missed', 'call.abandoned'] }],
          concurrency: CONCURRENCY,
        },
        (event) => this.alerting(() => this.onCall(event)),
      ),
      this.stats.events$
        .pipe(mergeMap((event) => this.safely(() => this.onStats(event)), CONCURRENCY))
        .subscribe(),
    );
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  /** Alerts being enqueued finish while Redis is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.inFlight.settle(5_000);
  }

  private async onCall(event: CallDomainEvent): Promise<NotifyInput | null> {
    if (!event.live || (event.type !== 'call.missed' && event.type !== 'call.abandoned')) {
      return null;
    }
    const em = this.em.fork();
    const client =
      event.clientId !== null
        ? await em.findOne(Client, { id: event.clientId }, { fields: ['name', 'curator'] })
        : null;
    const curatorId = client?.curator?.id ?? null;
    return missedCallAlert(event, {
      curatorId,
      clientName: client?.name ?? null,
      supervisorIds: curatorId === null ? await this.users.activeIdsWithRole('supervisor') : [],
    });
  }

  private async onStats(event: StatsDomainEvent): Promise<NotifyInput | null> {
    if (event.state !== 'raised') return null;
    return thresholdAlert(event, await this.users.activeIdsWithRole('supervisor'));
  }

  /** An alert that cannot be sent is logged; it must never break the stream for the next one. */
  private async safely(rule: () => Promise<NotifyInput | null>): Promise<void> {
    try {
      await this.alerting(rule);
    } catch {
      // logged by alerting
    }
  }

  /** Logged and rethrown, so the outbox delivers a call event whose alert was not sent again. */
  private async alerting(rule: () => Promise<NotifyInput | null>): Promise<void> {
    try {
      await this.inFlight.track(
        (async () => {
          const alert = await rule();
          if (alert) await this.notifications.notify(alert);
        })(),
      );
    } catch (err) {
      this.logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'alert not sent',
      );
      throw err;
    }
  }
}
