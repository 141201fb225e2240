import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { CallDomainEvent, CallsEventBus, CallSummary } from '@/modules/calls/calls.events';
import { OutboxDelivery } from '@/outbox/outbox.catalogue';
import { OutboxRelay } from '@/outbox/outbox.relay';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';

/**
 * Delivers the `call.changed` outbox rows the ingest writes: the console delta, then the domain
 * event whose reactions (routing, alerts, stats) must all finish before the row is let go.
 *
 * Late (the sweep, after a killed process or a failed reaction) the call may have moved on: the
 * newer change has its own row, so the event is marked `superseded` and no stale status is
 * flashed on a console or acted on by routing; a missed-call alert, which is about the fact,
 * still goes out (its notification key keeps it to one).
 */
@Injectable()
export class CallChangesHandler implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly relay: OutboxRelay,
    private readonly bus: CallsEventBus,
    private readonly realtime: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.relay.handle('call.changed', (event, delivery) => this.deliver(event, delivery));
  }

  private async deliver(event: CallDomainEvent, delivery: OutboxDelivery): Promise<void> {
    const current = delivery.redelivery ? await this.supersede(event) : event;
    if (current.live && current.superseded !== true) {
      this.realtime.toRooms(
        [rooms.role('receptionist'), rooms.role('supervisor')],
        current.type,
        summaryOf(current),
      );
    }
    if (!(await this.bus.publish(current))) {
      throw new Error(`a reaction to ${current.type} of call ${current.callId} failed`);
    }
  }

  private async supersede(event: CallDomainEvent): Promise<CallDomainEvent> {
    const rows = await this.em
      .fork()
      .execute<{ status: string }[]>(`select status from calls where id = ?`, [event.callId]);
    return { ...event, superseded: rows[0]?.status !== event.status };
  }
}

/** The socket payload: the summary without the event's routing fields. */
function summaryOf(event: CallDomainEvent): CallSummary {
  return {
    callId: event.callId,
    externalId: event.externalId,
    status: event.status,
    outcome: event.outcome,
    queueCode: event.queueCode,
    lineCode: event.lineCode,
    from: event.from,
    at: event.at,
    arrivedAt: event.arrivedAt,
    clientId: event.clientId,
    answeredById: event.answeredById,
    currentAgentId: event.currentAgentId,
    priority: event.priority,
  };
}
