import { createHash } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { LeanSql } from '@/database/lean-sql';
import { AppError } from '@/common/errors/app-error';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import type { StoredUserEvent } from '@/modules/notifications/delivery/delivery.events';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';
import {
  InboxPageDto,
  InboxQueryDto,
  NotificationDto,
  NotificationRow,
} from '@/modules/notifications/dto/notification.dto';
import { deliveryMode } from '@/modules/notifications/notification-policy';
import { NotificationSettingsService } from '@/modules/notifications/notification-settings.service';
import {
  NOTIFICATION_KINDS,
  NotificationKind,
  NotifyInput,
  RemindInput,
} from '@/modules/notifications/notifications.events';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

/**
 * Recipients written per transaction: bounds how long their seq rows stay locked, while a
 * broadcast to a whole shift still takes one or two transactions.
 */
const FAN_OUT_CHUNK = 1000;
const COLUMNS =
  'id, user_id, kind, title, body, data, critical, created_at, read_at, archived_at, remind_count, reminded_at';

function encodeCursor(row: NotificationRow): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION_FAILED', 'cursor is not one this server issued', {
    field: 'cursor',
  });
}

/**
 * The inbox of each person and the way other features notify them: `notify` only enqueues; the
 * worker's fan-out writes one row per recipient, idempotently, and its user event.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly jobs: JobProducer,
    private readonly userEvents: UserEventsService,
    private readonly settings: NotificationSettingsService,
    private readonly publisher: RealtimePublisher,
    private readonly lean: LeanSql,
  ) {}

  /** For every feature: a domain event became a notification for these people. */
  async notify(input: NotifyInput): Promise<void> {
    if (!NOTIFICATION_KINDS.includes(input.kind)) {
      throw new AppError('INVALID_ARGUMENT', `unknown notification kind '${input.kind}'`);
    }
    const userIds = [...new Set(input.userIds)];
    if (userIds.length === 0) return;
    // BullMQ ignores a second job with the same id while the first is kept: a cheap first line
    // of de-duplication; the idempotency key in PostgreSQL is the one that holds.
    const jobId = `notify.${createHash('sha256').update(`${input.kind}|${input.sourceId}`).digest('hex')}`;
    await this.jobs.enqueue(
      'notifications.fan-out',
      {
        sourceId: input.sourceId,
        kind: input.kind,
        userIds,
        title: input.title,
        body: input.body,
        data: input.data ?? {},
        critical: input.critical ?? false,
      },
      { jobId },
    );
  }

  /**
   * The fan-out job. Safe to run twice: a recipient who already has the notification gets no
   * second row and no second seq, only a re-push of the stored event (clients drop seen seqs),
   * so a worker killed between commit and push still delivers live.
   */
  async fanOut(input: Required<NotifyInput>): Promise<void> {
    const recipients = [...new Set(input.userIds)].sort();
    const delivered: string[] = [];
    for (let i = 0; i < recipients.length; i += FAN_OUT_CHUNK) {
      delivered.push(...(await this.fanOutChunk(input, recipients.slice(i, i + FAN_OUT_CHUNK))));
    }
    // Counts after every notification is out: they matter less than the notification itself.
    await this.pushUnreadCounts(delivered);
  }

  /**
   * A reminder round (the broadcast-renotify job): each person's notification of `sourceId`
   * comes back — the same row, unread and unarchived again, its time bumped, `remindCount` set
   * to the round — and is announced as a `notification.reminded` user event. Safe to run twice:
   * a row already at this round is not bumped again and its stored event is pushed again instead.
   */
  async remind(input: RemindInput): Promise<void> {
    const recipients = [...new Set(input.userIds)].sort();
    const reminded: string[] = [];
    for (let i = 0; i < recipients.length; i += FAN_OUT_CHUNK) {
      reminded.push(...(await this.remindChunk(input, recipients.slice(i, i + FAN_OUT_CHUNK))));
    }
    await this.pushUnreadCounts(reminded);
  }

  private async remindChunk(input: RemindInput, userIds: string[]): Promise<string[]> {
    const em = this.em.fork();
    const { wanted, silent } = await this.audience(em, input.kind, input.critical, userIds);
    if (wanted.length === 0) return [];
    const keyOf = (userId: string) => `${input.sourceId}:${userId}`;
    const { bumped, stored } = await this.lean.transaction(async (tx) => {
      const rows = await tx.execute<NotificationRow[]>(
        `update notifications
            set remind_count = ?, reminded_at = clock_timestamp(), created_at = clock_timestamp(),
                read_at = null, archived_at = null
          where idempotency_key = any(?::text[]) and remind_count < ?
         returning ${COLUMNS}`,
        [input.round, sqlArray(wanted.map(keyOf)), input.round],
      );
      const events = await this.userEvents.append(
        tx,
        rows.map((row) => ({
          userId: row.user_id,
          name: 'notification.reminded' as const,
          payload: { ...NotificationDto.from(row), silent: silent.has(row.user_id) },
        })),
      );
      return { bumped: rows, stored: events };
    });
    this.userEvents.publish(stored);
    const bumpedFor = new Set(bumped.map((r) => r.user_id));
    const retried = wanted.filter((u) => !bumpedFor.has(u));
    if (retried.length > 0) {
      const existing = await em.execute<{ id: string; user_id: string }[]>(
        'select id, user_id from notifications where idempotency_key = any(?::text[]) and remind_count = ?',
        [sqlArray(retried.map(keyOf)), input.round],
      );
      await this.userEvents.republish(
        existing.map((r) => r.user_id),
        'notification.reminded',
        existing.map((r) => r.id),
        { remindCount: input.round },
      );
    }
    return wanted;
  }

  /** Who gets a notification of this kind now (settings), and who gets it silently (DND). */
  private async audience(
    em: EntityManager,
    kind: NotificationKind,
    critical: boolean,
    userIds: string[],
  ): Promise<{ wanted: string[]; silent: Set<string> }> {
    const now = new Date();
    const settings = await this.settings.loadMany(userIds, em);
    const silent = new Set<string>();
    const wanted: string[] = [];
    for (const userId of userIds) {
      const mode = deliveryMode(settings.get(userId), kind, critical, now);
      if (mode === 'skip') continue;
      if (mode === 'silent') silent.add(userId);
      wanted.push(userId);
    }
    return { wanted, silent };
  }

  /** Stores and pushes the notifications of one chunk; returns who was meant to get one. */
  private async fanOutChunk(input: Required<NotifyInput>, userIds: string[]): Promise<string[]> {
    const em = this.em.fork();
    const { wanted, silent } = await this.audience(em, input.kind, input.critical, userIds);
    if (wanted.length === 0) return [];
    const keyPrefix = `${input.sourceId}:`;
    // Bound parameters, not the ORM's inlining: a chunk's events are half a megabyte of JSON,
    // which the ORM would escape character by character into the SQL text (GC-heavy).
    const { created, stored } = await this.lean.transaction(async (tx) => {
      const rows = await tx.execute<NotificationRow[]>(
        `insert into notifications (id, user_id, kind, title, body, data, critical, created_at, idempotency_key)
           select gen_random_uuid(), u.id, ?::text, ?::text, ?::text, ?::jsonb, ?::boolean, clock_timestamp(),
                  ?::text || u.id::text
             from users u where u.id = any(?::uuid[]) and u.active
             order by u.id
         on conflict (idempotency_key) do nothing
         returning ${COLUMNS}`,
        [
          input.kind,
          input.title,
          input.body,
          JSON.stringify(input.data),
          input.critical,
          keyPrefix,
          sqlArray(wanted),
        ],
      );
      const events = await this.userEvents.append(
        tx,
        rows.map((row) => ({
          userId: row.user_id,
          name: 'notification.created' as const,
          payload: { ...NotificationDto.from(row), silent: silent.has(row.user_id) },
        })),
      );
      return { created: rows, stored: events };
    });
    this.userEvents.publish(stored);
    const createdFor = new Set(created.map((r) => r.user_id));
    const retried = wanted.filter((u) => !createdFor.has(u));
    if (retried.length > 0) {
      const existing = await em.execute<{ id: string; user_id: string }[]>(
        'select id, user_id from notifications where idempotency_key = any(?::text[])',
        [sqlArray(retried.map((u) => keyPrefix + u))],
      );
      await this.userEvents.republish(
        existing.map((r) => r.user_id),
        'notification.created',
        existing.map((r) => r.id),
      );
    }
    return wanted;
  }

  async list(userId: string, query: InboxQueryDto): Promise<InboxPageDto> {
    const where = [
      'user_id = ?',
      query.archived ? 'archived_at is not null' : 'archived_at is null',
    ];
    const params: unknown[] = [userId];
    if (query.unread) where.push('read_at is null');
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      where.push('(created_at, id) < (?::timestamptz, ?::uuid)');
      params.push(at, id);
    }
    params.push(query.limit + 1);
    const rows = await this.em.execute<NotificationRow[]>(
      `select ${COLUMNS} from notifications where ${where.join(' and ')}
        order by created_at desc, id desc limit ?`,
      params,
    );
    const items = rows.slice(0, query.limit);
    return {
      items: items.map((row) => NotificationDto.from(row)),
      nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]) : null,
    };
  }

  async unreadCount(userId: string): Promise<number> {
    return (await this.unreadCounts([userId])).get(userId) ?? 0;
  }

  async markRead(userId: string, id: string): Promise<NotificationDto> {
    const em = this.em.fork();
    const { row, events } = await em.transactional(async (tx) => {
      const updated = await tx.execute<NotificationRow[]>(
        `update notifications set read_at = clock_timestamp()
          where id = ? and user_id = ? and read_at is null returning ${COLUMNS}`,
        [id, userId],
      );
      if (updated.length === 0) return { row: await this.own(tx, userId, id), events: [] };
      const readAt = new Date(updated[0].read_at!).toISOString();
      const stored = await this.userEvents.append(tx, [
        { userId, name: 'notification.read', payload: { ids: [id], upTo: null, readAt } },
      ]);
      return { row: updated[0], events: stored };
    });
    await this.announce(userId, events);
    return NotificationDto.from(row);
  }

  async markAllRead(userId: string): Promise<{ count: number }> {
    const em = this.em.fork();
    const { count, events } = await em.transactional(async (tx) => {
      const result = await tx.execute<{ n: number; at: string }[]>(
        `with marked as (
           update notifications set read_at = clock_timestamp()
            where user_id = ? and read_at is null returning read_at)
         select count(*)::int as n, max(read_at)::text as at from marked`,
        [userId],
      );
      const n = result[0]?.n ?? 0;
      if (n === 0) return { count: 0, events: [] as StoredUserEvent[] };
      const at = new Date(result[0].at).toISOString();
      const stored = await this.userEvents.append(tx, [
        { userId, name: 'notification.read', payload: { ids: null, upTo: at, readAt: at } },
      ]);
      return { count: n, events: stored };
    });
    await this.announce(userId, events);
    return { count };
  }

  async archive(userId: string, id: string): Promise<NotificationDto> {
    const em = this.em.fork();
    const { row, events } = await em.transactional(async (tx) => {
      const updated = await tx.execute<NotificationRow[]>(
        `update notifications set archived_at = clock_timestamp()
          where id = ? and user_id = ? and archived_at is null returning ${COLUMNS}`,
        [id, userId],
      );
      if (updated.length === 0) return { row: await this.own(tx, userId, id), events: [] };
      const archivedAt = new Date(updated[0].archived_at!).toISOString();
      const stored = await this.userEvents.append(tx, [
        { userId, name: 'notification.archived', payload: { id, archivedAt } },
      ]);
      return { row: updated[0], events: stored };
    });
    await this.announce(userId, events);
    return NotificationDto.from(row);
  }

  /** Acknowledging a broadcast also reads its notification (reminders re-surface the same one). */
  async markBroadcastRead(userId: string, broadcastId: string): Promise<void> {
    const em = this.em.fork();
    const events = await em.transactional(async (tx) => {
      const updated = await tx.execute<{ id: string; read_at: string }[]>(
        `update notifications set read_at = clock_timestamp()
          where user_id = ? and kind = 'broadcast' and read_at is null
            and data->>'broadcastId' = ? returning id, read_at`,
        [userId, broadcastId],
      );
      if (updated.length === 0) return [];
      const readAt = new Date(updated[0].read_at).toISOString();
      return this.userEvents.append(tx, [
        {
          userId,
          name: 'notification.read',
          payload: { ids: updated.map((r) => r.id), upTo: null, readAt },
        },
      ]);
    });
    await this.announce(userId, events);
  }

  private async own(em: EntityManager, userId: string, id: string): Promise<NotificationRow> {
    const rows = await em.execute<NotificationRow[]>(
      `select ${COLUMNS} from notifications where id = ? and user_id = ?`,
      [id, userId],
    );
    if (rows.length === 0) throw AppError.notFound('Notification', id);
    return rows[0];
  }

  private async announce(userId: string, events: StoredUserEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.userEvents.publish(events);
    await this.pushUnreadCounts([userId]);
  }

  private async pushUnreadCounts(userIds: string[]): Promise<void> {
    const counts = await this.unreadCounts(userIds);
    for (const userId of userIds) {
      this.publisher.toRooms(rooms.user(userId), 'notifications.unread', {
        count: counts.get(userId) ?? 0,
      });
    }
  }

  private async unreadCounts(userIds: string[]): Promise<Map<string, number>> {
    const rows = await this.em.fork().execute<{ user_id: string; n: number }[]>(
      `select user_id, count(*)::int as n from notifications
        where user_id = any(?::uuid[]) and read_at is null and archived_at is null
        group by user_id`,
      [sqlArray(userIds)],
    );
    return new Map(rows.map((r) => [r.user_id, r.n]));
  }
}
