import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { LeanSql } from '@/database/lean-sql';
import type { StoredUserEvent } from '@/modules/notifications/delivery/delivery.events';
import {
  APPEND_EVENTS,
  UserEventsService,
} from '@/modules/notifications/delivery/user-events.service';
import { NotificationsService } from '@/modules/notifications/notifications.service';
import { ChatSendAck, MAX_MESSAGE_CHARS } from '@/modules/chat/chat.events';
import { ChatRoomsService } from '@/modules/chat/chat-rooms.service';
import {
  HistoryPageDto,
  MessageDto,
  MessageRow,
  SendMessageDto,
} from '@/modules/chat/dto/message.dto';
import { parseMentions } from '@/modules/chat/mentions';
import { SendBatcher } from '@/modules/chat/send-batcher';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

const COLUMNS =
  'id, room_id, sender_id, client_msg_id, text, reply_to, created_at, edited_at, deleted_at';

/** Sends that arrive together are stored together; a batch this big is plenty for one tick. */
export const SEND_BATCH_MAX = 200;

interface QueuedSend {
  senderId: string;
  input: SendMessageDto;
}

/** A stored message with its members and, in the same order, the seq of each one's event. */
type BatchRow = MessageRow & { member_ids: string[]; seqs: (string | number)[] };

/**
 * A timestamptz as `new Date(value).toISOString()` prints what PostgreSQL returns for it (both
 * truncate to the millisecond), so a stored event's createdAt is the one history shows.
 */
const ISO_MS = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The stored message and the members it went to, or null: not stored by the batch. */
type BatchOutcome = { row: MessageRow; members: string[] } | null;

export interface ReadPosition {
  roomId: string;
  messageId: string;
  unread: number;
}

function assertLength(text: string): void {
  // Code points, as people count them: an emoji is one character, not two UTF-16 units.
  if (text.length > MAX_MESSAGE_CHARS && Array.from(text).length > MAX_MESSAGE_CHARS) {
    throw new AppError(
      'MESSAGE_TOO_LONG',
      `A message has at most ${MAX_MESSAGE_CHARS} characters`,
      {
        field: 'text',
      },
    );
  }
}

/**
 * Messages: stored, then acknowledged, then pushed to every member (each member's own seq) via
 * the delivery contract. Every operation checks membership first.
 */
@Injectable()
export class ChatMessagesService {
  private readonly logger = new Logger('Chat');
  private readonly batcher = new SendBatcher<QueuedSend, BatchOutcome>(
    (items) => this.storeBatch(items),
    SEND_BATCH_MAX,
  );

  constructor(
    private readonly em: EntityManager,
    private readonly rooms: ChatRoomsService,
    private readonly userEvents: UserEventsService,
    private readonly notifications: NotificationsService,
    private readonly lean: LeanSql,
  ) {}

  async send(senderId: string, input: SendMessageDto): Promise<ChatSendAck> {
    assertLength(input.text);
    let stored: BatchOutcome;
    try {
      stored = await this.batcher.add({ senderId, input });
    } catch (err) {
      // A batch fails as a whole (a deadlock with another process, a room deleted meanwhile):
      // its messages go one by one, so each gets its own answer.
      this.logger.warn({ err }, 'chat send batch failed; sending its messages one by one');
      stored = null;
    }
    if (!stored) return this.sendOne(senderId, input);
    await this.notifyMentions(stored.row, stored.members);
    return { id: stored.row.id, createdAt: new Date(stored.row.created_at).toISOString() };
  }

  /**
   * Stores the messages of many senders and their events in one statement (so one round trip,
   * committed on its own): membership (and the reply's room) checked by the insert itself, every
   * member's seq allocated and the events stored by the delivery contract's own SQL
   * (APPEND_EVENTS), each event's payload built from the inserted row as MessageDto.from builds
   * it. A message the insert skips (not a member, unknown reply, a resend, the same one twice in
   * the batch) comes back null and takes the one-by-one path, which answers it exactly as before.
   */
  private async storeBatch(items: QueuedSend[]): Promise<BatchOutcome[]> {
    const keyOf = (senderId: string, clientMsgId: string) => `${senderId} ${clientMsgId}`;
    const ordOf = new Map<string, number>();
    const rows: Record<string, unknown>[] = [];
    items.forEach(({ senderId, input }, ord) => {
      const key = keyOf(senderId, input.clientMsgId);
      if (ordOf.has(key)) return;
      ordOf.set(key, ord);
      rows.push({
        ord,
        room_id: input.roomId,
        sender_id: senderId,
        client_msg_id: input.clientMsgId,
        text: input.text,
        reply_to: input.replyTo ?? null,
      });
    });
    // Bound parameters on the lean executor: the ORM would inline the batch's JSON into the SQL.
    const found = await this.lean.execute<BatchRow[]>(
      `with input as (
         select * from jsonb_to_recordset(?::jsonb) as t(ord int, room_id uuid, sender_id uuid,
           client_msg_id text, text text, reply_to uuid)
       ), ins as (
         insert into chat_messages (id, room_id, sender_id, client_msg_id, text, reply_to, created_at)
         select gen_random_uuid(), i.room_id, i.sender_id, i.client_msg_id, i.text, i.reply_to,
                clock_timestamp()
           from input i
          where exists (select 1 from chat_members m
                         where m.room_id = i.room_id and m.user_id = i.sender_id)
            and (i.reply_to is null
                 or exists (select 1 from chat_messages r
                             where r.id = i.reply_to and r.room_id = i.room_id))
          order by i.ord
         on conflict (sender_id, client_msg_id) do nothing returning ${COLUMNS}
       ), msg as (
         select ins.*, i.ord from ins
           join input i on i.sender_id = ins.sender_id and i.client_msg_id = ins.client_msg_id
       ), events as (
         -- In arrival order, so each member's seqs follow the order the messages came in.
         select row_number() over (order by msg.ord, m.user_id)::int as ord, m.user_id,
                'chat.message'::text as name, msg.id as message_id,
                jsonb_build_object(
                  'id', msg.id, 'roomId', msg.room_id, 'senderId', msg.sender_id,
                  'clientMsgId', msg.client_msg_id, 'text', msg.text, 'replyTo', msg.reply_to,
                  'createdAt', ${ISO_MS('msg.created_at')}, 'editedAt', null, 'deletedAt', null
                ) as payload
           from msg join chat_members m on m.room_id = msg.room_id
       ), ${APPEND_EVENTS}
       select msg.id, msg.room_id, msg.sender_id, msg.client_msg_id, msg.text, msg.reply_to,
              msg.created_at, msg.edited_at, msg.deleted_at,
              array(select n.user_id::text from numbered n where n.message_id = msg.id
                     order by n.ord) as member_ids,
              array(select n.seq from numbered n where n.message_id = msg.id
                     order by n.ord) as seqs
         from msg order by msg.ord`,
      [JSON.stringify(rows)],
    );
    this.userEvents.publish(
      found.flatMap((row) => {
        const message = MessageDto.from(row);
        return row.member_ids.map((userId, i): StoredUserEvent => {
          const seq = Number(row.seqs[i]);
          return { userId, seq, name: 'chat.message', payload: { seq, ...message } };
        });
      }),
    );
    const byKey = new Map(found.map((row) => [keyOf(row.sender_id, row.client_msg_id), row]));
    return items.map(({ senderId, input }, ord): BatchOutcome => {
      const key = keyOf(senderId, input.clientMsgId);
      const row = ordOf.get(key) === ord ? byKey.get(key) : undefined;
      return row ? { row, members: row.member_ids } : null;
    });
  }

  /** One message in its own transaction, with the membership and resend answers spelt out. */
  private async sendOne(senderId: string, input: SendMessageDto): Promise<ChatSendAck> {
    const em = this.em.fork();
    const members = await this.rooms.membersOf(input.roomId, senderId, em);
    if (input.replyTo) await this.assertInRoom(em, input.replyTo, input.roomId);
    const { row, events, resent } = await em.transactional(async (tx) => {
      const inserted = await tx.execute<MessageRow[]>(
        `insert into chat_messages (id, room_id, sender_id, client_msg_id, text, reply_to, created_at)
           values (gen_random_uuid(), ?, ?, ?, ?, ?, clock_timestamp())
         on conflict (sender_id, client_msg_id) do nothing returning ${COLUMNS}`,
        [input.roomId, senderId, input.clientMsgId, input.text, input.replyTo ?? null],
      );
      if (inserted.length === 0) {
        // A resend: the first attempt was stored (its acknowledgement may have been lost).
        const existing = await tx.execute<MessageRow[]>(
          `select ${COLUMNS} from chat_messages where sender_id = ? and client_msg_id = ?`,
          [senderId, input.clientMsgId],
        );
        return { row: existing[0], events: [], resent: true };
      }
      const message = MessageDto.from(inserted[0]);
      const stored = await this.userEvents.append(
        tx,
        members.map((userId) => ({ userId, name: 'chat.message' as const, payload: message })),
      );
      return { row: inserted[0], events: stored, resent: false };
    });
    this.userEvents.publish(events);
    // A resend is acknowledged now, so it must reach the members now: the first attempt's
    // process may have died between its commit and its push (the sender got no answer, the
    // members' sockets stayed connected and nothing would tell them). The stored events are
    // pushed again; a member who had them drops the seq.
    if (resent) await this.userEvents.republish(members, 'chat.message', [row.id]);
    // Also on a resend: if the first attempt died before enqueueing, this is its second chance
    // (the notification's idempotency key keeps it to one).
    await this.notifyMentions(row, members);
    return { id: row.id, createdAt: new Date(row.created_at).toISOString() };
  }

  async edit(userId: string, messageId: string, text: string): Promise<MessageDto> {
    assertLength(text);
    const em = this.em.fork();
    const current = await this.ownMessage(em, userId, messageId);
    if (current.deleted_at) throw new AppError('CONFLICT', 'A deleted message cannot be edited');
    const members = await this.rooms.membersOf(current.room_id, userId, em);
    const { row, events } = await em.transactional(async (tx) => {
      const updated = await tx.execute<MessageRow[]>(
        `update chat_messages set text = ?, edited_at = clock_timestamp()
          where id = ? and deleted_at is null returning ${COLUMNS}`,
        [text, messageId],
      );
      if (updated.length === 0) throw new AppError('CONFLICT', 'The message was deleted meanwhile');
      const m = updated[0];
      const payload = {
        id: m.id,
        roomId: m.room_id,
        text: m.text,
        editedAt: new Date(m.edited_at!).toISOString(),
      };
      const stored = await this.userEvents.append(
        tx,
        members.map((member) => ({ userId: member, name: 'chat.edited' as const, payload })),
      );
      return { row: m, events: stored };
    });
    this.userEvents.publish(events);
    return MessageDto.from(row);
  }

  /** Deleting keeps a tombstone (history shows where it was); deleting twice is a no-op. */
  async delete(userId: string, messageId: string): Promise<MessageDto> {
    const em = this.em.fork();
    const current = await this.ownMessage(em, userId, messageId);
    if (current.deleted_at) return MessageDto.from(current);
    const members = await this.rooms.membersOf(current.room_id, userId, em);
    const { row, events } = await em.transactional(async (tx) => {
      const updated = await tx.execute<MessageRow[]>(
        `update chat_messages set text = '', deleted_at = clock_timestamp()
          where id = ? and deleted_at is null returning ${COLUMNS}`,
        [messageId],
      );
      if (updated.length === 0) return { row: current, events: [] };
      const m = updated[0];
      const payload = {
        id: m.id,
        roomId: m.room_id,
        deletedAt: new Date(m.deleted_at!).toISOString(),
      };
      const stored = await this.userEvents.append(
        tx,
        members.map((member) => ({ userId: member, name: 'chat.deleted' as const, payload })),
      );
      return { row: m, events: stored };
    });
    this.userEvents.publish(events);
    return MessageDto.from(row);
  }

  /** Moves the reader's position forward only; an older message leaves it where it is. */
  async markRead(userId: string, roomId: string, messageId: string): Promise<ReadPosition> {
    const em = this.em.fork();
    await this.rooms.membersOf(roomId, userId, em);
    await this.assertInRoom(em, messageId, roomId);
    const { position, events } = await em.transactional(async (tx) => {
      const moved = await tx.execute<{ room_id: string }[]>(
        `update chat_members me set last_read_message_id = m.id, last_read_at = m.created_at
           from chat_messages m
          where m.id = ? and me.room_id = ? and me.user_id = ?
            and (me.last_read_at is null
                 or (m.created_at, m.id) > (me.last_read_at, me.last_read_message_id))
          returning me.room_id`,
        [messageId, roomId, userId],
      );
      const current = await tx.execute<{ last_read_message_id: string }[]>(
        'select last_read_message_id from chat_members where room_id = ? and user_id = ?',
        [roomId, userId],
      );
      const unread = await this.unread(tx, roomId, userId);
      const now: ReadPosition = { roomId, messageId: current[0].last_read_message_id, unread };
      if (moved.length === 0) return { position: now, events: [] };
      const stored = await this.userEvents.append(tx, [
        { userId, name: 'chat.read', payload: now },
      ]);
      return { position: now, events: stored };
    });
    this.userEvents.publish(events);
    return position;
  }

  /** Newest first; pass the last item's id as `before` for the next, older page. */
  async history(
    userId: string,
    roomId: string,
    before: string | undefined,
    limit: number,
  ): Promise<HistoryPageDto> {
    const em = this.em.fork();
    await this.rooms.membersOf(roomId, userId, em);
    if (before) await this.assertInRoom(em, before, roomId);
    const rows = await em.execute<MessageRow[]>(
      `select ${COLUMNS} from chat_messages where room_id = ?
         ${before ? 'and (created_at, id) < (select created_at, id from chat_messages where id = ?)' : ''}
        order by created_at desc, id desc limit ?`,
      before ? [roomId, before, limit + 1] : [roomId, limit + 1],
    );
    const items = rows.slice(0, limit).map((row) => MessageDto.from(row));
    return { items, nextBefore: rows.length > limit ? items[items.length - 1].id : null };
  }

  private async unread(em: EntityManager, roomId: string, userId: string): Promise<number> {
    const rows = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from chat_messages msg
         join chat_members me on me.room_id = msg.room_id and me.user_id = ?
        where msg.room_id = ? and msg.deleted_at is null and msg.sender_id <> me.user_id
          and (me.last_read_at is null
               or (msg.created_at, msg.id) > (me.last_read_at, me.last_read_message_id))`,
      [userId, roomId],
    );
    return rows[0]?.n ?? 0;
  }

  private async notifyMentions(message: MessageRow, members: string[]): Promise<void> {
    const names = parseMentions(message.text);
    if (names.length === 0) return;
    try {
      const mentioned = await this.em
        .fork()
        .execute<{ id: string }[]>(
          'select id from users where username = any(?::text[]) and id = any(?::uuid[]) and id <> ?',
          [sqlArray(names), sqlArray(members), message.sender_id],
        );
      if (mentioned.length === 0) return;
      await this.notifications.notify({
        sourceId: `chat.mention:${message.id}`,
        kind: 'mention',
        userIds: mentioned.map((u) => u.id),
        title: 'You were mentioned in a chat',
        body: message.text.slice(0, 200),
        data: { roomId: message.room_id, messageId: message.id, senderId: message.sender_id },
      });
    } catch (err) {
      // The message is stored and delivered; failing its acknowledgement now would only make
      // the client resend it, which retries this anyway.
      this.logger.error({ err, messageId: message.id }, 'could not enqueue mention notifications');
    }
  }

  private async ownMessage(
    em: EntityManager,
    userId: string,
    messageId: string,
  ): Promise<MessageRow> {
    const rows = await em.execute<MessageRow[]>(
      `select ${COLUMNS} from chat_messages where id = ?`,
      [messageId],
    );
    if (rows.length === 0) throw AppError.notFound('Message', messageId);
    if (rows[0].sender_id !== userId) {
      throw new AppError('FORBIDDEN', 'Only the sender edits or deletes a message');
    }
    return rows[0];
  }

  private async assertInRoom(em: EntityManager, messageId: string, roomId: string): Promise<void> {
    const rows = await em.execute<{ room_id: string }[]>(
      'select room_id from chat_messages where id = ?',
      [messageId],
    );
    if (rows.length === 0 || rows[0].room_id !== roomId) {
      throw AppError.notFound('Message', messageId);
    }
  }
}
