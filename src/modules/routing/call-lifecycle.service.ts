import { LeanSql } from '@/database/lean-sql';
import { Injectable, Logger } from '@nestjs/common';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { PresenceService } from '@/modules/staff/presence.service';
import { PresenceRow, StaffStateRepository } from '@/modules/staff/staff-state.repository';
import { CallOffersService } from '@/modules/routing/call-offers.service';
import { CallRoutingService, waitingSince } from '@/modules/routing/call-routing.service';
import { OffersRepository } from '@/modules/routing/offers.repository';
import { CallLedger } from '@/modules/routing/routing.ports';
import { isWaiting, RoutingRepository } from '@/modules/routing/routing.repository';

/**
 * How routing follows a call's life once it is not its own decision: the call ended or was
 * abandoned, was answered on a phone, waited past its queue's limit, or its person finished
 * wrapping up. Each reaction frees people and offers them the next waiting work.
 */
@Injectable()
export class CallLifecycleService {
  private readonly logger = new Logger('CallLifecycle');

  constructor(
    private readonly sql: LeanSql,
    private readonly repo: RoutingRepository,
    private readonly offers: OffersRepository,
    private readonly staff: StaffStateRepository,
    private readonly callOffers: CallOffersService,
    private readonly routing: CallRoutingService,
    private readonly presence: PresenceService,
    private readonly jobs: JobProducer,
    private readonly publisher: RealtimePublisher,
    private readonly calls: CallLedger,
  ) {}

  /** A call ended (or was abandoned): the person who had it goes to wrap-up or straight to idle. */
  async callFinished(callId: string): Promise<void> {
    const { withdrawn, holders, presences, transfers, wrapUpSeconds } =
      await this.offers.finishCall(callId);
    await this.callOffers.notifyWithdrawn(callId, withdrawn, 'ended');
    await this.afterRelease(callId, transfers, wrapUpSeconds, holders, presences);
    await this.routing.drainAll(withdrawn.map((w) => w.staff_id));
  }

  /** A call answered elsewhere (a telephony answered event): the answerer is busy with it. */
  async callAnsweredBy(callId: string, userId: string | null): Promise<void> {
    const released = await this.callOffers.withdraw(callId, 'taken', userId);
    if (userId && (await this.staff.answeredElsewhere(this.sql, userId, callId))) {
      await this.presence.announce(userId);
    }
    await this.routing.drainAll(released);
  }

  /**
   * Past the queue's limit the call is missed: offers are withdrawn and a callback is due. `leg`
   * is the number of transfers when the wait began; after another transfer the limit is the new
   * leg's, so this one no longer applies.
   */
  async maxWaitReached(callId: string, leg = 0): Promise<void> {
    const call = await this.repo.loadCall(callId);
    if (!call || !isWaiting(call) || call.transfers !== leg) return;
    const released = await this.callOffers.withdraw(callId, 'missed');
    await this.calls.recordRouterEvent(callId, {
      id: leg === 0 ? `missed:${callId}` : `missed:${callId}:${leg}`,
      type: 'missed',
      at: new Date(),
      agent: null,
      queue: call.queueCode,
    });
    this.publisher.toRooms(rooms.role('supervisor'), 'routing.alert', {
      kind: 'call.missed',
      callId: call.externalId,
      queue: call.queueCode,
      waitedSeconds: Math.round((Date.now() - waitingSince(call).getTime()) / 1000),
      message: `Call from ${call.fromNumber ?? 'unknown number'} waited past ${call.maxWaitSeconds} s in ${call.queueCode ?? 'no queue'}; call back`,
    });
    await this.routing.drainAll(released);
  }

  async wrapUpDone(userId: string, callId: string): Promise<void> {
    if (!(await this.staff.wrapUpDone(this.sql, userId))) return;
    this.logger.debug({ userId, callId }, 'wrap-up done');
    await this.presence.announce(userId);
    await this.routing.drainWaitingFor(userId);
  }

  /**
   * The people released from a call are announced, then wrap up (a durable job ends it) or are
   * offered the next waiting work. `leg` keeps the wrap-up job of a transfer apart from the one
   * when the call ends; `presences` are their new states when the release statement returned
   * them (no read-back).
   */
  async afterRelease(
    callId: string,
    leg: number,
    wrapUpSeconds: number,
    holders: readonly string[],
    presences: ReadonlyMap<string, PresenceRow> = new Map(),
  ): Promise<void> {
    for (const userId of holders) {
      const known = presences.get(userId);
      if (known) this.presence.publish(known);
      else await this.presence.announce(userId);
      if (wrapUpSeconds > 0) {
        await this.jobs.enqueue(
          'routing.wrap-up-done',
          { userId, callId },
          {
            delay: wrapUpSeconds * 1000,
            jobId: leg === 0 ? `wrap-up-${userId}-${callId}` : `wrap-up-${userId}-${callId}-${leg}`,
          },
        );
      } else {
        await this.routing.drainWaitingFor(userId);
      }
    }
  }
}
