import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { MessageDto, MessageRow } from '@/modules/chat/dto/message.dto';
import { UserEventsService } from '@/modules/notifications/delivery/user-events.service';
import { WorkerModule } from '@workers/worker.module';
import { EventRecorder, eventually } from '@test/support/event-recorder';
import { startApp, TestApp } from '@test/support/test-app';
import { createUser, TestUser } from '@test/support/users';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; field?: string } };
interface SendAck {
  id: string;
  createdAt: string;
}
interface Room {
  id: string;
  kind: string;
  memberIds: string[];
  unread: number;
}

describe('chat (e2e)', () => {
  let app: TestApp;
  let worker: INestApplicationContext;
  const recorders: EventRecorder[] = [];
  const record = (user: TestUser, extra: Record<string, unknown> = {}, url = app.url) => {
    const r = new EventRecorder(url, { token: user.token, ...extra });
    recorders.push(r);
    return r;
  };
  const auth = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });
  const direct = async (a: TestUser, b: TestUser): Promise<Room> =>
    (
      await app.http
        .post('/api/chat/rooms')
        .set(auth(a))
        .send({ kind: 'direct', memberIds: [b.id] })
        .expect(201)
    ).body as Room;
  const send = (r: EventRecorder, roomId: string, text: string, clientMsgId = randomUUID()) =>
    r.ack<Ack<SendAck>>('chat.send', { roomId, clientMsgId, text });

  beforeAll(async () => {
    app = await startApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
  });
  afterEach(() => recorders.splice(0).forEach((r) => r.close()));
  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('gives a pair one direct room, however often and from whichever side it is asked for', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const rooms = await Promise.all([direct(a, b), direct(b, a), direct(a, b)]);
    expect(new Set(rooms.map((r) => r.id)).size).toBe(1);
    expect(rooms[0]).toMatchObject({ kind: 'direct', unread: 0 });
    expect(rooms[0].memberIds.sort()).toEqual([a.id, b.id].sort());
    await app.http
      .post('/api/chat/rooms')
      .set(auth(a))
      .send({ kind: 'direct', memberIds: [a.id] })
      .expect(400);
    await app.http
      .post('/api/chat/rooms')
      .set(auth(a))
      .send({ kind: 'direct', memberIds: [randomUUID()] })
      .expect(404);
  });

  it('acknowledges a message once stored, delivers it to every member device with a seq, and stores a resend once', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['receptionist'])];
    const room = await direct(a, b);
    const sender = record(a);
    const senderOtherDevice = record(a);
    const recipient = record(b);
    await Promise.all([sender.synced(), senderOtherDevice.synced(), recipient.synced()]);

    const clientMsgId = randomUUID();
    const first = await send(sender, room.id, 'hello there', clientMsgId);
    expect(first).toMatchObject({
      ok: true,
      data: { id: expect.any(String), createdAt: expect.any(String) },
    });
    const again = await send(sender, room.id, 'hello there', clientMsgId);
    expect(again).toEqual(first);

    for (const r of [recipient, senderOtherDevice]) {
      const got = await r.waitFor((e) => e.name === 'chat.message');
      expect(got.payload).toMatchObject({
        seq: expect.any(Number),
        id: first.ok && first.data.id,
        roomId: room.id,
        senderId: a.id,
        clientMsgId,
        text: 'hello there',
        editedAt: null,
        deletedAt: null,
      });
    }
    const history = await app.http
      .get(`/api/chat/rooms/${room.id}/messages`)
      .set(auth(b))
      .expect(200);
    expect(history.body.items).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    // The resend pushes the stored event again (same seq): shown once by a client keeping `last`.
    const seqs = recipient.events
      .filter((e) => e.name === 'chat.message')
      .map((e) => e.payload.seq);
    expect(new Set(seqs).size).toBe(1);
  });

  it('pushes a resent message to the members again: its first attempt may have died between commit and push', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sender = record(a);
    const recipient = record(b);
    const [, { lastSeq }] = await Promise.all([sender.synced(), recipient.synced()]);
    // What a process killed right after its commit leaves: the message and its events stored,
    // nothing pushed, no acknowledgement.
    const clientMsgId = randomUUID();
    const stored = await (worker.get(MikroORM).em.fork() as EntityManager).transactional(
      async (tx) => {
        const [row] = await tx.execute<MessageRow[]>(
          `insert into chat_messages (id, room_id, sender_id, client_msg_id, text, created_at)
           values (gen_random_uuid(), ?, ?, ?, 'sent before a crash', clock_timestamp())
           returning id, room_id, sender_id, client_msg_id, text, reply_to, created_at, edited_at, deleted_at`,
          [room.id, a.id, clientMsgId],
        );
        const message = MessageDto.from(row);
        await worker.get(UserEventsService).append(
          tx,
          [a.id, b.id].map((userId) => ({
            userId,
            name: 'chat.message' as const,
            payload: message,
          })),
        );
        return row;
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(recipient.events.filter((e) => e.name === 'chat.message')).toEqual([]);

    // The sender, unanswered, sends it again (to whichever process is up).
    const again = await send(sender, room.id, 'sent before a crash', clientMsgId);
    expect(again).toMatchObject({ ok: true, data: { id: stored.id } });
    const got = await recipient.waitFor((e) => e.name === 'chat.message');
    expect(got.payload).toMatchObject({ id: stored.id, seq: lastSeq + 1, clientMsgId });
  });

  it('refuses reading, sending and typing in a room one is not in', async () => {
    const [a, b, outsider] = [
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
    ];
    const room = await direct(a, b);
    const socket = record(outsider);
    await socket.synced();
    expect(await send(socket, room.id, 'let me in')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await socket.ack('chat.typing', { roomId: room.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await socket.ack('chat.read', { roomId: room.id, messageId: randomUUID() }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const res = await app.http
      .get(`/api/chat/rooms/${room.id}/messages`)
      .set(auth(outsider))
      .expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await send(socket, randomUUID(), 'nowhere')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('refuses a malformed message through the acknowledgement, naming the field', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const socket = record(a);
    await socket.synced();
    const valid = { roomId: room.id, clientMsgId: randomUUID(), text: 'hi' };
    const refusals: [unknown, string][] = [
      [{ ...valid, roomId: 'room-1' }, 'roomId'],
      [{ ...valid, text: 42 }, 'text'],
      [{ ...valid, clientMsgId: '' }, 'clientMsgId'],
      [{ ...valid, replyTo: 'nope' }, 'replyTo'],
      [{ ...valid, isAdmin: true }, 'isAdmin'],
    ];
    for (const [body, field] of refusals) {
      expect(await socket.ack('chat.send', body)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', field },
      });
    }
    expect(await socket.ack('chat.send', 'hello')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await socket.ack('chat.send', { ...valid, replyTo: null })).toMatchObject({ ok: true });
  });

  it('refuses a message over 4000 characters and accepts one of exactly 4000', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const socket = record(a);
    await socket.synced();
    expect(await send(socket, room.id, 'x'.repeat(4001))).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LONG', field: 'text' },
    });
    expect(await send(socket, room.id, '😀'.repeat(4000))).toMatchObject({ ok: true });
    expect(await send(socket, room.id, 'x'.repeat(4000))).toMatchObject({ ok: true });
    const msg = await socket.waitFor((e) => e.name === 'chat.message');
    await app.http
      .patch(`/api/chat/messages/${msg.payload.id as string}`)
      .set(auth(a))
      .send({ text: 'y'.repeat(4001) })
      .expect(400)
      .expect((res) => expect(res.body.error.code).toBe('MESSAGE_TOO_LONG'));
  });

  it('rate-limits one flooding socket without slowing another', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const flooder = record(a);
    const calm = record(a);
    await Promise.all([flooder.synced(), calm.synced()]);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => send(flooder, room.id, `flood ${i}`)),
    );
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(0);
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(40);
    expect(limited + results.filter((r) => r.ok).length).toBe(60);
    expect(await send(calm, room.id, 'I am fine')).toMatchObject({ ok: true });
  });

  it('edits and deletes one’s own messages live (socket and REST), reflected in history', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sa = record(a);
    const sb = record(b);
    await Promise.all([sa.synced(), sb.synced()]);
    const one = await send(sa, room.id, 'frist');
    const two = await send(sa, room.id, 'oops');
    if (!one.ok || !two.ok) throw new Error('send failed');
    expect(await sb.ack('chat.edit', { messageId: one.data.id, text: 'hijack' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await sa.ack('chat.edit', { messageId: one.data.id, text: 'first' })).toMatchObject({
      ok: true,
      data: { text: 'first', editedAt: expect.any(String) },
    });
    await app.http.delete(`/api/chat/messages/${two.data.id}`).set(auth(b)).expect(403);
    await app.http.delete(`/api/chat/messages/${two.data.id}`).set(auth(a)).expect(200);
    await app.http
      .patch(`/api/chat/messages/${one.data.id}`)
      .set(auth(a))
      .send({ text: 'first!' })
      .expect(200);
    await sb.waitFor((e) => e.name === 'chat.deleted' && e.payload.id === two.data.id);
    await sb.waitFor((e) => e.name === 'chat.edited' && e.payload.text === 'first!');
    const history = await app.http
      .get(`/api/chat/rooms/${room.id}/messages`)
      .set(auth(b))
      .expect(200);
    expect(
      history.body.items.map((m: { text: string; deletedAt: string | null }) => [
        m.text,
        m.deletedAt !== null,
      ]),
    ).toEqual([
      ['', true],
      ['first!', false],
    ]);
    expect(await sa.ack('chat.delete', { messageId: two.data.id })).toMatchObject({ ok: true });
    expect(await sa.ack('chat.edit', { messageId: two.data.id, text: 'back' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('pages history newest first with `before`', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sa = record(a);
    await sa.synced();
    for (let i = 0; i < 5; i++) await send(sa, room.id, `m${i}`);
    const page1 = await app.http
      .get(`/api/chat/rooms/${room.id}/messages?limit=3`)
      .set(auth(a))
      .expect(200);
    expect(page1.body.items.map((m: { text: string }) => m.text)).toEqual(['m4', 'm3', 'm2']);
    const page2 = await app.http
      .get(`/api/chat/rooms/${room.id}/messages?limit=3&before=${page1.body.nextBefore}`)
      .set(auth(a))
      .expect(200);
    expect(page2.body).toMatchObject({ items: [{ text: 'm1' }, { text: 'm0' }], nextBefore: null });
  });

  it('keeps a read position and unread count per member, told to the reader’s other devices', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sa = record(a);
    const reader = record(b);
    const readerPhone = record(b);
    await Promise.all([sa.synced(), reader.synced(), readerPhone.synced()]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await send(sa, room.id, `n${i}`);
      if (r.ok) ids.push(r.data.id);
    }
    const unread = async () =>
      ((await app.http.get('/api/chat/rooms').set(auth(b)).expect(200)).body as Room[]).find(
        (r) => r.id === room.id,
      )!.unread;
    expect(await unread()).toBe(3);
    expect(await reader.ack('chat.read', { roomId: room.id, messageId: ids[1] })).toEqual({
      ok: true,
      data: { roomId: room.id, messageId: ids[1], unread: 1 },
    });
    // Going back is ignored: the position only moves forward.
    expect(await reader.ack('chat.read', { roomId: room.id, messageId: ids[0] })).toMatchObject({
      ok: true,
      data: { messageId: ids[1], unread: 1 },
    });
    const told = await readerPhone.waitFor((e) => e.name === 'chat.read');
    expect(told.payload).toMatchObject({
      seq: expect.any(Number),
      roomId: room.id,
      messageId: ids[1],
      unread: 1,
    });
    expect(await unread()).toBe(1);
    const own = (
      (await app.http.get('/api/chat/rooms').set(auth(a)).expect(200)).body as Room[]
    ).find((r) => r.id === room.id)!;
    expect(own.unread).toBe(0);
  });

  it('relays typing to the other members, throttled and not persisted', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sa = record(a);
    const sb = record(b);
    await Promise.all([sa.synced(), sb.synced()]);
    expect(await sa.ack('chat.typing', { roomId: room.id })).toEqual({
      ok: true,
      data: { sent: true },
    });
    expect(await sa.ack('chat.typing', { roomId: room.id })).toEqual({
      ok: true,
      data: { sent: false },
    });
    const typing = await sb.waitFor((e) => e.name === 'chat.typing');
    expect(typing.payload).toEqual({ roomId: room.id, userId: a.id });
    expect(sa.events.some((e) => e.name === 'chat.typing')).toBe(false);
  });

  it('notifies an @mention of a member', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const group = await app.http
      .post('/api/chat/rooms')
      .set(auth(a))
      .send({ kind: 'group', title: 'Team', memberIds: [b.id] })
      .expect(201);
    const sb = record(b);
    await sb.synced();
    const sa = record(a);
    await sa.synced();
    await send(sa, group.body.id, `@${b.username} can you take this? cc @${a.username}`);
    const mention = await sb.waitFor(
      (e) => e.name === 'notification.created' && e.payload.kind === 'mention',
    );
    expect(mention.payload).toMatchObject({ data: { roomId: group.body.id, senderId: a.id } });
    await new Promise((r) => setTimeout(r, 300));
    expect(sa.events.some((e) => e.name === 'notification.created')).toBe(false);
  });

  it('lets the creator or an admin manage group members, tells the members, and keeps others out', async () => {
    const [owner, member, newcomer, admin] = [
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
      await createUser(app, ['admin']),
    ];
    const group = (
      await app.http
        .post('/api/chat/rooms')
        .set(auth(owner))
        .send({ kind: 'group', title: 'Shift B', memberIds: [member.id] })
        .expect(201)
    ).body as Room;
    const sn = record(newcomer);
    await sn.synced();
    await app.http
      .post(`/api/chat/rooms/${group.id}/members/${newcomer.id}`)
      .set(auth(member))
      .expect(403);
    await app.http
      .post(`/api/chat/rooms/${group.id}/members/${newcomer.id}`)
      .set(auth(owner))
      .expect(200);
    const joined = await sn.waitFor((e) => e.name === 'chat.members');
    expect(joined.payload).toMatchObject({ roomId: group.id, added: [newcomer.id], removed: [] });
    await app.http
      .delete(`/api/chat/rooms/${group.id}/members/${newcomer.id}`)
      .set(auth(admin))
      .expect(204);
    await sn.waitFor(
      (e) => e.name === 'chat.members' && (e.payload.removed as string[]).includes(newcomer.id),
    );
    expect(await send(sn, group.id, 'still here?')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // Anyone may leave.
    await app.http
      .delete(`/api/chat/rooms/${group.id}/members/${member.id}`)
      .set(auth(member))
      .expect(204);

    const callId = randomUUID();
    const ctx1 = await app.http
      .post('/api/chat/rooms')
      .set(auth(owner))
      .send({ kind: 'context', contextType: 'call', contextId: callId, memberIds: [] })
      .expect(201);
    const ctx2 = await app.http
      .post('/api/chat/rooms')
      .set(auth(member))
      .send({ kind: 'context', contextType: 'call', contextId: callId, memberIds: [newcomer.id] })
      .expect(201);
    expect(ctx2.body.id).toBe(ctx1.body.id);
    expect(ctx2.body.memberIds.sort()).toEqual([owner.id, member.id, newcomer.id].sort());
  });

  it('reports presence online / away / offline across several devices', async () => {
    const [watcher, person] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const sw = record(watcher);
    await sw.synced();
    const presence = async () =>
      (await app.http.get(`/api/chat/presence?userIds=${person.id}`).set(auth(watcher)).expect(200))
        .body.presence[person.id] as string;
    expect(await presence()).toBe('offline');
    const laptop = record(person);
    const phone = record(person);
    await Promise.all([laptop.synced(), phone.synced()]);
    await sw.waitFor(
      (e) =>
        e.name === 'presence.changed' &&
        e.payload.userId === person.id &&
        e.payload.status === 'online',
    );
    expect(await laptop.ack('presence.set', { status: 'away' })).toEqual({
      ok: true,
      data: { status: 'online' },
    });
    expect(await phone.ack('presence.set', { status: 'away' })).toEqual({
      ok: true,
      data: { status: 'away' },
    });
    expect(await presence()).toBe('away');
    laptop.close();
    phone.close();
    await eventually(presence, (s) => s === 'offline');
    await sw.waitFor(
      (e) =>
        e.name === 'presence.changed' &&
        e.payload.userId === person.id &&
        e.payload.status === 'offline',
    );
  });

  it('stores a burst from several senders together: gapless seqs in send order, each answered on its own', async () => {
    const [a, b, c, outsider] = [
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
      await createUser(app, ['agent']),
    ];
    const group = (
      await app.http
        .post('/api/chat/rooms')
        .set(auth(a))
        .send({ kind: 'group', title: 'burst', memberIds: [b.id, c.id] })
        .expect(201)
    ).body as Room;
    const elsewhere = await direct(a, outsider);
    const [sa, sb, so, reader] = [record(a), record(b), record(outsider), record(c)];
    const { lastSeq } = await reader.synced();
    await Promise.all([sa.synced(), sb.synced(), so.synced()]);
    const foreign = await send(so, elsewhere.id, 'in another room');
    if (!foreign.ok) throw new Error('send failed');

    const twice = randomUUID();
    const [fromA, fromB, dup1, dup2, forbidden, badReply] = await Promise.all([
      Promise.all([1, 2, 3, 4, 5].map((n) => send(sa, group.id, `a${n}`))),
      Promise.all([1, 2, 3, 4, 5].map((n) => send(sb, group.id, `b${n}`))),
      send(sa, group.id, 'once', twice),
      send(sa, group.id, 'once', twice),
      send(so, group.id, 'let me in'),
      sb.ack<Ack<SendAck>>('chat.send', {
        roomId: group.id,
        clientMsgId: randomUUID(),
        text: 'a reply to another room',
        replyTo: foreign.data.id,
      }),
    ]);
    for (const ack of [...fromA, ...fromB, dup1]) expect(ack.ok).toBe(true);
    expect(dup2).toEqual(dup1);
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(badReply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // Once per seq, as a client keeping `last` shows them (the resend pushes its stored event
    // again, under the same seq).
    const shown = () => [...new Map(reader.persisted().map((e) => [e.seq, e])).values()];
    await reader.waitFor(() => shown().length >= 11);
    await new Promise((r) => setTimeout(r, 200));
    expect(shown()).toHaveLength(11);
    const seqs = shown()
      .map((e) => e.seq)
      .sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 11 }, (_, i) => lastSeq + 1 + i));
    const bySeq = shown().sort((x, y) => x.seq - y.seq);
    const texts = bySeq.map((e) => e.payload.text as string);
    expect(texts.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(texts.filter((t) => t.startsWith('b'))).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(texts.filter((t) => t === 'once')).toHaveLength(1);

    const back = record(c, { since: lastSeq });
    await back.synced();
    expect(back.persisted().map((e) => [e.seq, e.payload])).toEqual(
      bySeq.map((e) => [e.seq, e.payload]),
    );
  });

  it('replays a message event exactly as it was pushed live, and as history shows the message', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sa = record(a);
    const live = record(b);
    const { lastSeq } = await live.synced();
    await sa.synced();
    const first = await send(sa, room.id, 'first');
    if (!first.ok) throw new Error('send failed');
    const reply = await sa.ack<Ack<SendAck>>('chat.send', {
      roomId: room.id,
      clientMsgId: randomUUID(),
      text: 'a reply 👋',
      replyTo: first.data.id,
    });
    if (!reply.ok) throw new Error('send failed');
    await live.waitFor((e) => e.name === 'chat.message' && e.payload.id === reply.data.id);
    const pushed = live.persisted().filter((e) => e.name === 'chat.message');
    expect(pushed.map((e) => e.payload.createdAt)).toEqual([
      first.data.createdAt,
      reply.data.createdAt,
    ]);

    const again = record(b, { since: lastSeq });
    await again.synced();
    const replayed = again.persisted().filter((e) => e.name === 'chat.message');
    expect(replayed.map((e) => e.payload)).toEqual(pushed.map((e) => e.payload));
    const history = await app.http
      .get(`/api/chat/rooms/${room.id}/messages`)
      .set(auth(b))
      .expect(200);
    expect(history.body.items).toEqual(
      pushed.map(({ payload: { seq: _seq, ...message } }) => message).reverse(),
    );
  });

  it('replays exactly the missed chat events after `since`, in order, once', async () => {
    const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
    const room = await direct(a, b);
    const sa = record(a);
    const before = record(b);
    const { lastSeq } = await before.synced();
    await sa.synced();
    before.close();
    await new Promise((r) => setTimeout(r, 100));
    const m1 = await send(sa, room.id, 'while you were away 1');
    await send(sa, room.id, 'while you were away 2');
    if (!m1.ok) throw new Error('send failed');
    await sa.ack('chat.edit', { messageId: m1.data.id, text: 'edited' });
    await sa.ack('chat.delete', { messageId: m1.data.id });

    const back = record(b, { since: lastSeq });
    const done = await back.synced();
    // The room (and its chat.members event) existed before `since`: only what came after.
    expect(back.persisted().map((e) => [e.seq, e.name, e.payload.text ?? null])).toEqual([
      [lastSeq + 1, 'chat.message', 'while you were away 1'],
      [lastSeq + 2, 'chat.message', 'while you were away 2'],
      [lastSeq + 3, 'chat.edited', 'edited'],
      [lastSeq + 4, 'chat.deleted', null],
    ]);
    expect(done).toMatchObject({ lastSeq: lastSeq + 4, replayed: 4, truncated: false });
  });

  it('delivers across two API processes, live and on replay', async () => {
    const other = await startApp();
    try {
      const [a, b] = [await createUser(app, ['agent']), await createUser(app, ['agent'])];
      const room = await direct(a, b);
      const sender = record(a, {}, app.url);
      const recipient = record(b, {}, other.url);
      const [, { lastSeq }] = await Promise.all([sender.synced(), recipient.synced()]);
      const live = await send(sender, room.id, 'across processes');
      const got = await recipient.waitFor((e) => e.name === 'chat.message');
      expect(got.payload).toMatchObject({ id: live.ok && live.data.id, seq: lastSeq + 1 });
      recipient.close();
      await new Promise((r) => setTimeout(r, 100));
      await send(sender, room.id, 'missed 1');
      await send(sender, room.id, 'missed 2');
      const back = record(b, { since: lastSeq + 1 }, other.url);
      await back.synced();
      expect(back.persisted().map((e) => [e.seq, e.payload.text])).toEqual([
        [lastSeq + 2, 'missed 1'],
        [lastSeq + 3, 'missed 2'],
      ]);
      const seqs = await worker
        .get(MikroORM)
        .em.fork()
        .getConnection()
        .execute<{ n: number }[]>('select count(*)::int as n from user_events where user_id = ?', [
          b.id,
        ]);
      expect(seqs[0].n).toBe(lastSeq + 3);
    } finally {
      recorders.splice(0).forEach((r) => r.close());
      await new Promise((r) => setTimeout(r, 300));
      await other.close();
    }
  });
});
