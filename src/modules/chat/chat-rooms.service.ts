import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { hasAnyRole, Principal } from '@/common/auth/roles';
import { AppError } from '@/common/errors/app-error';
import type { StoredUserEvent } from '@/modules/notifications/delivery/delivery.events';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';
import type { ChatContextType, ChatRoomKind } from '@/modules/chat/chat.events';
import { CreateRoomDto, RoomDto } from '@/modules/chat/dto/room.dto';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

interface RoomRow {
  id: string;
  kind: ChatRoomKind;
  title: string | null;
  context_type: ChatContextType | null;
  context_id: string | null;
  created_by: string;
  created_at: string;
  member_ids: string[];
  unread: number;
  last_message_at: string | null;
}

const ROOM_SELECT = `select r.id, r.kind, r.title, r.context_type, r.context_id, r.created_by,
    r.created_at,
    (select array_agg(m2.user_id::text order by m2.joined_at, m2.user_id)
       from chat_members m2 where m2.room_id = r.id) as member_ids,
    (select count(*)::int from chat_messages msg
      where msg.room_id = r.id and msg.deleted_at is null and msg.sender_id <> me.user_id
        and (me.last_read_at is null
             or (msg.created_at, msg.id) > (me.last_read_at, me.last_read_message_id))) as unread,
    (select max(msg.created_at) from chat_messages msg where msg.room_id = r.id) as last_message_at
  from chat_members me join chat_rooms r on r.id = me.room_id`;

/** Rooms and who is in them. Membership is the one permission of the chat: checked here. */
@Injectable()
export class ChatRoomsService {
  constructor(
    private readonly em: EntityManager,
    private readonly userEvents: UserEventsService,
  ) {}

  async create(who: Principal, input: CreateRoomDto): Promise<RoomDto> {
    const others = input.memberIds.filter((id) => id !== who.id);
    if (input.kind === 'direct' && (input.memberIds.length !== 1 || others.length !== 1)) {
      throw new AppError('INVALID_ARGUMENT', 'A direct room takes exactly one other person', {
        field: 'memberIds',
      });
    }
    await this.assertActiveUsers(others);
    const em = this.em.fork();
    const { roomId, events } = await em.transactional(async (tx) => {
      const id = await this.insertRoom(tx, who.id, input, others);
      const members = [who.id, ...others].map((userId) => ({
        user_id: userId,
        role: userId === who.id && input.kind !== 'direct' ? 'owner' : 'member',
      }));
      const added = await tx.execute<{ user_id: string }[]>(
        `insert into chat_members (room_id, user_id, role, joined_at)
           select ?, user_id, role, clock_timestamp()
             from jsonb_to_recordset(?::jsonb) as t(user_id uuid, role text) order by user_id
         on conflict do nothing returning user_id`,
        [id, JSON.stringify(members)],
      );
      return {
        roomId: id,
        events: await this.membersChanged(
          tx,
          id,
          added.map((r) => r.user_id),
          [],
        ),
      };
    });
    this.userEvents.publish(events);
    return this.get(roomId, who.id);
  }

  async list(userId: string): Promise<RoomDto[]> {
    const rows = await this.em.execute<RoomRow[]>(
      `${ROOM_SELECT} where me.user_id = ?
        order by last_message_at desc nulls last, r.created_at desc`,
      [userId],
    );
    return rows.map((row) => this.view(row));
  }

  async get(roomId: string, userId: string): Promise<RoomDto> {
    const rows = await this.em
      .fork()
      .execute<RoomRow[]>(`${ROOM_SELECT} where me.user_id = ? and r.id = ?`, [userId, roomId]);
    if (rows.length === 0) throw AppError.notFound('Room', roomId);
    return this.view(rows[0]);
  }

  async addMember(who: Principal, roomId: string, userId: string): Promise<RoomDto> {
    await this.assertManager(who, roomId);
    await this.assertActiveUsers([userId]);
    const em = this.em.fork();
    const events = await em.transactional(async (tx) => {
      const added = await tx.execute<{ user_id: string }[]>(
        `insert into chat_members (room_id, user_id, role, joined_at)
           values (?, ?, 'member', clock_timestamp()) on conflict do nothing returning user_id`,
        [roomId, userId],
      );
      return this.membersChanged(
        tx,
        roomId,
        added.map((r) => r.user_id),
        [],
      );
    });
    this.userEvents.publish(events);
    return this.get(roomId, userId);
  }

  /** The creator or an admin removes anyone; anyone may leave a group or context room. */
  async removeMember(who: Principal, roomId: string, userId: string): Promise<void> {
    await this.assertManager(who, roomId, userId === who.id);
    const em = this.em.fork();
    const events = await em.transactional(async (tx) => {
      const removed = await tx.execute<{ user_id: string }[]>(
        'delete from chat_members where room_id = ? and user_id = ? returning user_id',
        [roomId, userId],
      );
      if (removed.length === 0) throw AppError.notFound('Member', userId);
      return this.membersChanged(tx, roomId, [], [userId]);
    });
    this.userEvents.publish(events);
  }

  /**
   * The members of a room, checking that `userId` is one of them: FORBIDDEN for a room one is
   * not in, NOT_FOUND for a room that does not exist.
   */
  async membersOf(
    roomId: string,
    userId: string,
    em: EntityManager = this.em.fork(),
  ): Promise<string[]> {
    const rows = await em.execute<{ user_id: string }[]>(
      'select user_id from chat_members where room_id = ?',
      [roomId],
    );
    const members = rows.map((r) => r.user_id);
    if (members.includes(userId)) return members;
    await this.roomOrFail(em, roomId);
    throw new AppError('FORBIDDEN', 'You are not a member of this room');
  }

  private async insertRoom(
    tx: EntityManager,
    creatorId: string,
    input: CreateRoomDto,
    others: string[],
  ): Promise<string> {
    switch (input.kind) {
      case 'direct': {
        const key = [creatorId, others[0]].sort().join(':');
        const created = await tx.execute<{ id: string }[]>(
          `insert into chat_rooms (id, kind, created_by, direct_key, created_at)
             values (gen_random_uuid(), 'direct', ?, ?, clock_timestamp())
           on conflict (direct_key) do nothing returning id`,
          [creatorId, key],
        );
        if (created.length > 0) return created[0].id;
        const existing = await tx.execute<{ id: string }[]>(
          'select id from chat_rooms where direct_key = ?',
          [key],
        );
        return existing[0].id;
      }
      case 'group': {
        const created = await tx.execute<{ id: string }[]>(
          `insert into chat_rooms (id, kind, title, created_by, created_at)
             values (gen_random_uuid(), 'group', ?, ?, clock_timestamp()) returning id`,
          [input.title!, creatorId],
        );
        return created[0].id;
      }
      case 'context': {
        const created = await tx.execute<{ id: string }[]>(
          `insert into chat_rooms (id, kind, title, context_type, context_id, created_by, created_at)
             values (gen_random_uuid(), 'context', ?, ?, ?, ?, clock_timestamp())
           on conflict (context_type, context_id) where kind = 'context' do nothing returning id`,
          [input.title ?? null, input.contextType!, input.contextId!, creatorId],
        );
        if (created.length > 0) return created[0].id;
        const existing = await tx.execute<{ id: string }[]>(
          `select id from chat_rooms where kind = 'context' and context_type = ? and context_id = ?`,
          [input.contextType!, input.contextId!],
        );
        return existing[0].id;
      }
    }
  }

  /** Tells the members (and anyone who just left) who joined or left. */
  private async membersChanged(
    tx: EntityManager,
    roomId: string,
    added: string[],
    removed: string[],
  ): Promise<StoredUserEvent[]> {
    if (added.length === 0 && removed.length === 0) return [];
    const rows = await tx.execute<{ user_id: string }[]>(
      'select user_id from chat_members where room_id = ?',
      [roomId],
    );
    const audience = [...new Set([...rows.map((r) => r.user_id), ...removed])];
    return this.userEvents.append(
      tx,
      audience.map((userId) => ({
        userId,
        name: 'chat.members' as const,
        payload: { roomId, added, removed },
      })),
    );
  }

  private async assertManager(who: Principal, roomId: string, leaving = false): Promise<void> {
    const room = await this.roomOrFail(this.em.fork(), roomId);
    if (room.kind === 'direct') {
      throw new AppError('INVALID_ARGUMENT', 'The members of a direct room are fixed');
    }
    if (!leaving && room.created_by !== who.id && !hasAnyRole(who, ['admin'])) {
      throw new AppError('FORBIDDEN', "Only the room's creator or an admin manages its members");
    }
  }

  private async roomOrFail(
    em: EntityManager,
    roomId: string,
  ): Promise<{ kind: ChatRoomKind; created_by: string }> {
    const rows = await em.execute<{ kind: ChatRoomKind; created_by: string }[]>(
      'select kind, created_by from chat_rooms where id = ?',
      [roomId],
    );
    if (rows.length === 0) throw AppError.notFound('Room', roomId);
    return rows[0];
  }

  private async assertActiveUsers(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const rows = await this.em
      .fork()
      .execute<{ id: string }[]>('select id from users where id = any(?::uuid[]) and active', [
        sqlArray(userIds),
      ]);
    const found = new Set(rows.map((r) => r.id));
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw AppError.notFound('User', missing.join(', '));
  }

  private view(row: RoomRow): RoomDto {
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      contextType: row.context_type,
      contextId: row.context_id,
      createdBy: row.created_by,
      createdAt: new Date(row.created_at).toISOString(),
      memberIds: row.member_ids ?? [],
      unread: row.unread,
      lastMessageAt: row.last_message_at ? new Date(row.last_message_at).toISOString() : null,
    };
  }
}
