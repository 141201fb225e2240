import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '@/common/events/on-domain-event.decorator';
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
export class AlertRulesListener {
  constructor(
    private readonly em: EntityManager,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
  ) {}

  @OnDomainEvent(CallsEventBus, {
    hears: [{ events: ['call.missed', 'call.abandoned'] }],
    concurrency: CONCURRENCY,
  })
  async onCallClosed(event: CallDomainEvent): Promise<void> {
    await this.alert(await this.onCall(event));
  }

  @OnDomainEvent(StatsEventBus, {
    hears: [{ events: ['stats.threshold'] }],
    concurrency: CONCURRENCY,
  })
  async onThreshold(event: StatsDomainEvent): Promise<void> {
    await this.alert(await this.onStats(event));
  }

  private async onCall(event: CallDomainEvent): Promise<NotifyInput | null> {
    if (!event.live || (event.type !== 'call.missed' && event.type !== 'call.abandoned')) {
      return null;
    }
    const em = this.em;
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

  private async alert(alert: NotifyInput | null): Promise<void> {
    if (alert) await this.notifications.notify(alert);
  }
}
