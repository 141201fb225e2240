import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { USER_ROLES, UserRole } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import { AppConfig } from '@/config/app-config';
import { outboxMessage } from '@/outbox/outbox.catalogue';
import { OutboxRepository } from '@/outbox/outbox.repository';
import { OutboxRelay } from '@/outbox/outbox.relay';
import { JobProducer } from '@/queue/job-producer.service';
import {
  BroadcastAckResultDto,
  BroadcastDto,
  CreateBroadcastDto,
} from '@/modules/notifications/dto/broadcast.dto';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

/** Reminders stop after a day: by then a supervisor follows up in person. */
const MAX_REMINDER_SPAN_SECONDS = 86_400;

interface BroadcastRow {
  id: string;
  created_by: string;
  sender_name: string;
  text: string;
  critical: boolean;
  require_ack: boolean;
  roles: UserRole[];
  queue_id: string | null;
  queue_name: string | null;
  created_at: string;
}

/**
 * A broadcast is stored with a `broadcast.created` outbox row; its first round of notifications
 * and its first reminder follow the commit through the relay, so a process killed in between
 * still sends it (the round's source id and the reminder's job id keep it to one).
 */
@Injectable()
export class BroadcastsService implements OnModuleInit {
  private readonly logger = new Logger('Broadcasts');

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly jobs: JobProducer,
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.relay.handle('broadcast.created', ({ broadcastId }) => this.sendFirst(broadcastId));
  }

  async create(senderId: string, input: CreateBroadcastDto): Promise<BroadcastDto> {
    const roles = input.roles ?? [...USER_ROLES];
    const queueId = input.queueId ?? null;
    const em = this.em.fork();
    const message = await em.transactional(async (tx) => {
      if (queueId !== null) {
        const queue = await tx.execute(`select 1 from queues where id = ?`, [queueId]);
        if (queue.length === 0) throw AppError.notFound('Queue', queueId);
      }
      const rows = await tx.execute<{ id: string }[]>(
        `insert into broadcasts (id, created_by, text, critical, require_ack, roles, queue_id, created_at)
           values (gen_random_uuid(), ?, ?, ?, ?, ?::text[], ?, clock_timestamp()) returning id`,
        [
          senderId,
          input.text,
          input.critical ?? false,
          input.requireAck ?? false,
          sqlArray(roles),
          queueId,
        ],
      );
      // A queue audience is its members as they are now: someone added later was not told.
      await tx.execute(
        `insert into broadcast_recipients (broadcast_id, user_id)
           select ?, u.id from users u
            where u.active and u.roles && ?::text[] and u.id <> ?
              and (?::uuid is null or exists (
                select 1 from queue_members m where m.queue_id = ?::uuid and m.user_id = u.id))`,
        [rows[0].id, sqlArray(roles), senderId, queueId, queueId],
      );
      const created = outboxMessage('broadcast.created', { broadcastId: rows[0].id });
      await this.outbox.append(tx, [created]);
      return created;
    });
    await this.relay.dispatch([message]);
    return this.get(message.payload.broadcastId);
  }

  /** The outbox handler: the first round to every recipient, then the first reminder. */
  private async sendFirst(broadcastId: string): Promise<void> {
    const broadcast = await this.find(broadcastId);
    if (!broadcast) return;
    await this.send(broadcast, await this.pendingRecipients(broadcastId, true));
    if (broadcast.require_ack) await this.scheduleReminder(broadcastId, 1);
  }

  async get(id: string): Promise<BroadcastDto> {
    const b = await this.load(id);
    const recipients = await this.em
      .fork()
      .execute<{ user_id: string; username: string; acked_at: string | null }[]>(
        `select r.user_id, u.username, r.acked_at from broadcast_recipients r
         join users u on u.id = r.user_id where r.broadcast_id = ? order by u.username`,
        [id],
      );
    const acknowledged = recipients.filter((r) => r.acked_at !== null).length;
    return {
      id: b.id,
      text: b.text,
      critical: b.critical,
      requireAck: b.require_ack,
      roles: b.roles,
      queueId: b.queue_id,
      queueName: b.queue_name,
      createdBy: b.created_by,
      createdAt: new Date(b.created_at).toISOString(),
      recipients: recipients.map((r) => ({
        userId: r.user_id,
        username: r.username,
        ackedAt: r.acked_at === null ? null : new Date(r.acked_at).toISOString(),
      })),
      acknowledged,
      pending: recipients.length - acknowledged,
    };
  }

  async ack(userId: string, broadcastId: string): Promise<BroadcastAckResultDto> {
    await this.load(broadcastId);
    const rows = await this.em.fork().execute<{ acked_at: string }[]>(
      `update broadcast_recipients set acked_at = coalesce(acked_at, clock_timestamp())
        where broadcast_id = ? and user_id = ? returning acked_at`,
      [broadcastId, userId],
    );
    if (rows.length === 0) throw new AppError('FORBIDDEN', 'This broadcast was not sent to you');
    await this.notifications.markBroadcastRead(userId, broadcastId);
    return { broadcastId, ackedAt: new Date(rows[0].acked_at).toISOString() };
  }

  /**
   * The reminder job: whoever has not acknowledged gets the broadcast's notification back (the
   * same row, bumped, as `notification.reminded`), then the next round is scheduled. A retried
   * round bumps nothing twice and schedules the same job id.
   */
  async remind(broadcastId: string, round: number): Promise<void> {
    const broadcast = await this.find(broadcastId);
    if (!broadcast?.require_ack) return;
    const pending = await this.pendingRecipients(broadcastId, false);
    if (pending.length === 0) return;
    await this.notifications.remind({
      sourceId: sourceIdOf(broadcast),
      kind: 'broadcast',
      userIds: pending,
      round,
      critical: broadcast.critical,
    });
    if (
      (round + 1) * this.config.notifications.broadcastRenotifySeconds >
      MAX_REMINDER_SPAN_SECONDS
    ) {
      this.logger.warn({ broadcastId, pending: pending.length }, 'stopped reminding a broadcast');
      return;
    }
    await this.scheduleReminder(broadcastId, round + 1);
  }

  private async send(b: BroadcastRow, userIds: string[]): Promise<void> {
    await this.notifications.notify({
      sourceId: sourceIdOf(b),
      kind: 'broadcast',
      userIds,
      title: `Broadcast from ${b.sender_name}`,
      body: b.text,
      data: { broadcastId: b.id, requireAck: b.require_ack },
      critical: b.critical,
    });
  }

  private async scheduleReminder(broadcastId: string, round: number): Promise<void> {
    await this.jobs.enqueue(
      'notifications.broadcast-renotify',
      { broadcastId, round },
      {
        delay: this.config.notifications.broadcastRenotifySeconds * 1000,
        jobId: `broadcast-renotify.${broadcastId}.${round}`,
      },
    );
  }

  private async pendingRecipients(broadcastId: string, includeAcked: boolean): Promise<string[]> {
    const rows = await this.em.fork().execute<{ user_id: string }[]>(
      `select r.user_id from broadcast_recipients r join users u on u.id = r.user_id
        where r.broadcast_id = ? and u.active ${includeAcked ? '' : 'and r.acked_at is null'}`,
      [broadcastId],
    );
    return rows.map((r) => r.user_id);
  }

  private async load(id: string): Promise<BroadcastRow> {
    const broadcast = await this.find(id);
    if (!broadcast) throw AppError.notFound('Broadcast', id);
    return broadcast;
  }

  private async find(id: string): Promise<BroadcastRow | undefined> {
    const rows = await this.em
      .fork()
      .execute<BroadcastRow[]>(`${BROADCAST_SELECT} where b.id = ?`, [id]);
    return rows[0];
  }
}

/** The broadcast's one notification per recipient; reminders bump it. */
const sourceIdOf = (b: BroadcastRow): string => `broadcast:${b.id}`;

const BROADCAST_SELECT = `select b.id, b.created_by, u.display_name as sender_name, b.text, b.critical,
  b.require_ack, b.roles, b.queue_id, q.name as queue_name, b.created_at from broadcasts b
  join users u on u.id = b.created_by left join queues q on q.id = b.queue_id`;
