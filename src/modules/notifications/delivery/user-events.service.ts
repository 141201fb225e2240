import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AnyTx, executeOn } from '@/database/lean-sql';
import { rooms, ServerToClientEvents } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import type {
  StoredUserEvent,
  UserEventInput,
  UserEventName,
} from '@/modules/notifications/delivery/delivery.events';
import { sqlArray } from '@/modules/notifications/delivery/sql-array';

export const REPLAY_PAGE_SIZE = 500;

/**
 * The statement text of `append`, for a statement that builds its events itself (chat stores a
 * batch of messages and their events in one): common table expressions that follow a CTE
 * `events` with at least (ord, user_id, name, payload). `alloc` takes each recipient's next seqs
 * from `user_seq`, locking the rows in user id order, so two transactions that share recipients
 * lock them in the same order (the row stays locked until commit, so one user's seqs commit in
 * order and a rollback leaves no gap); `numbered` is `events` with each event's seq, numbered in
 * `ord` order per user; `stored` inserts them with the seq at the top of the payload.
 */
export const APPEND_EVENTS = `alloc as (
         insert into user_seq (user_id, last_seq)
           select user_id, count(*)::int from events group by user_id order by user_id
         on conflict (user_id) do update set last_seq = user_seq.last_seq + excluded.last_seq
         returning user_id, last_seq
       ), numbered as (
         select e.*,
                a.last_seq - count(*) over mine + row_number() over (mine order by e.ord) as seq
           from events e
           join alloc a on a.user_id = e.user_id
         window mine as (partition by e.user_id)
       ), stored as (
         insert into user_events (user_id, seq, name, payload)
           select user_id, seq, name, jsonb_build_object('seq', seq) || payload from numbered
       )`;

interface EventRow {
  seq: string | number;
  name: string;
  payload: StoredUserEvent['payload'];
}

export interface ReplayResult {
  /** The highest seq sent by the replay, or `since` when it sent none. */
  through: number;
  lastSeq: number;
  replayed: number;
  truncated: boolean;
}

/**
 * The delivery contract shared by every feature that persists socket events for a person.
 *
 * `append` runs inside the caller's transaction: it takes the next seq of each recipient from
 * `user_seq` (the row stays locked until commit, so one user's seqs commit in order and a
 * rollback leaves no gap) and stores the event with the seq at the top of its payload. After the
 * commit the caller hands the result to `publish`, which pushes it to `user:<id>`. A client that
 * was away asks for `replay` from its last seq; live events racing the replay may arrive twice
 * or early, and the client sorts that out by seq (see delivery-contract.md beside this file).
 */
@Injectable()
export class UserEventsService {
  constructor(
    private readonly em: EntityManager,
    private readonly publisher: RealtimePublisher,
  ) {}

  async append(tx: AnyTx, events: UserEventInput[]): Promise<StoredUserEvent[]> {
    if (events.length === 0) return [];
    // One round trip: allocate, number each user's events in the order given, store them.
    const rows = await executeOn<{ seq: string }[]>(
      tx,
      `with events as (
         select * from jsonb_to_recordset(?::jsonb) as e(ord int, user_id uuid, name text, payload jsonb)
       ), ${APPEND_EVENTS}
       select seq from numbered order by ord`,
      [
        JSON.stringify(
          events.map((e, ord) => ({ ord, user_id: e.userId, name: e.name, payload: e.payload })),
        ),
      ],
    );
    const stored = events.map((e, i): StoredUserEvent => {
      const seq = Number(rows[i].seq);
      return { userId: e.userId, seq, name: e.name, payload: { seq, ...e.payload } };
    });
    return stored;
  }

  /** Call only after the transaction that appended the events has committed. */
  publish(events: StoredUserEvent[]): void {
    for (const e of events) this.emitTo(rooms.user(e.userId), e);
  }

  /**
   * Pushes events that were stored earlier (a retried job re-announces what it had written);
   * `matching` narrows them to payloads containing these fields (one reminder round, say).
   */
  async republish(
    userIds: string[],
    name: UserEventName,
    payloadIds: string[],
    matching: Record<string, unknown> = {},
  ): Promise<void> {
    if (userIds.length === 0 || payloadIds.length === 0) return;
    const rows = await this.em.fork().execute<(EventRow & { user_id: string })[]>(
      `select user_id, seq, name, payload from user_events
        where user_id = any(?::uuid[]) and name = ? and payload->>'id' = any(?::text[])
          and payload @> ?::jsonb
        order by user_id, seq`,
      [sqlArray(userIds), name, sqlArray(payloadIds), JSON.stringify(matching)],
    );
    this.publish(rows.map((r) => this.toStored(r.user_id, r)));
  }

  /**
   * Hands `emit` every event of the user after `since`, in seq order, a page at a time, until a
   * short page: that last read started after the caller joined the user's room, so anything
   * committed later reaches the socket live. It also reads on while `readThrough` (the highest
   * seq of a live event held back meanwhile, already committed) is above what was sent.
   *
   * Each page is read in one statement together with the user's `last_seq`, so both come from
   * one snapshot: `truncated` (events after `since` are gone) is decided only from what that
   * snapshot holds, never from a seq committed after the page was read (that event comes live).
   */
  async replay(
    userId: string,
    since: number,
    emit: (event: StoredUserEvent) => void,
    stillWanted: () => boolean = () => true,
    readThrough: () => number = () => 0,
  ): Promise<ReplayResult> {
    const em = this.em.fork();
    let cursor = since;
    let replayed = 0;
    let lastSeq = 0;
    let truncated = false;
    for (let page = 0; ; page++) {
      // No user_seq row: nothing was ever stored for the user (no rows at all).
      const rows = await em.execute<(Partial<EventRow> & { last_seq: string })[]>(
        `select s.last_seq, e.seq, e.name, e.payload
           from user_seq s
           left join lateral (
             select seq, name, payload from user_events
              where user_id = s.user_id and seq > ? order by seq limit ?
           ) e on true
          where s.user_id = ?
          order by e.seq`,
        [cursor, REPLAY_PAGE_SIZE, userId],
      );
      const events = rows.filter((r): r is EventRow & { last_seq: string } => r.seq != null);
      if (rows.length > 0) lastSeq = Math.max(lastSeq, Number(rows[0].last_seq));
      if (page === 0) {
        // Seqs are consecutive: the first one stored after `since` is `since + 1` unless the
        // retention purge took it (or everything after `since`).
        const first = events.length > 0 ? Number(events[0].seq) : lastSeq + 1;
        truncated = lastSeq > since && first > since + 1;
        // A client ahead of the server (its database restored from an earlier backup, say)
        // would drop every new event up to its `since`: it reloads and goes on from `lastSeq`.
        if (since > lastSeq) return { through: lastSeq, lastSeq, replayed: 0, truncated: true };
      }
      if (!stillWanted()) break;
      for (const row of events) {
        const event = this.toStored(userId, row);
        emit(event);
        cursor = event.seq;
      }
      replayed += events.length;
      if (events.length === 0 || (events.length < REPLAY_PAGE_SIZE && cursor >= readThrough())) {
        break;
      }
    }
    return { through: cursor, lastSeq: Math.max(cursor, lastSeq), replayed, truncated };
  }

  async lastSeq(userId: string): Promise<number> {
    const rows = await this.em
      .fork()
      .execute<{ last_seq: string }[]>('select last_seq from user_seq where user_id = ?', [userId]);
    return rows.length > 0 ? Number(rows[0].last_seq) : 0;
  }

  /** Retention: a client away longer than this gets `truncated` and reloads over REST. */
  async purgeOlderThan(days: number): Promise<number> {
    const rows = await this.em.fork().execute<{ n: number }[]>(
      `with gone as (delete from user_events where created_at < now() - make_interval(days => ?) returning 1)
         select count(*)::int as n from gone`,
      [days],
    );
    return rows[0]?.n ?? 0;
  }

  private toStored(userId: string, row: EventRow): StoredUserEvent {
    return { userId, seq: Number(row.seq), name: row.name as UserEventName, payload: row.payload };
  }

  private emitTo(room: string, e: StoredUserEvent): void {
    // The name and payload were typed together when appended; the map cannot see that here.
    const emit = this.publisher.toRooms.bind(this.publisher) as (
      room: string,
      event: keyof ServerToClientEvents,
      payload: unknown,
    ) => void;
    emit(room, e.name, e.payload);
  }
}
