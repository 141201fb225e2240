import type { LeanTx } from '@/database/lean-sql';
import type { StaffState, StaffStatus } from '@/modules/staff/entities/staff-presence.entity';
import { Injectable } from '@nestjs/common';
import { pgArray } from '@/database/pg-array';

/** A transaction (or the executor itself, outside one) whose statements a transition joins. */
export type Tx = LeanTx;

/** A person's presence as the console shows it, as a transition's statement returns it. */
export interface PresenceRow {
  user_id: string;
  username: string;
  display_name: string;
  status: StaffStatus;
  break_reason: string | null;
  state: StaffState;
  /** Text in JSON, a Date or text from a row, depending on the driver's type parser. */
  state_since: Date | string;
  idle_since: Date | string | null;
  current_call_id: string | null;
}

/**
 * The `staff_presence` state machine (idle → offered → busy → wrap_up → idle, and the no-answer
 * break), owned here and nowhere else. Every method is one statement on the caller's
 * transaction, so routing composes them inside its claims and they commit or roll back with the
 * offer they belong to. Where routing needs a transition inside one of its own statements (one
 * round trip on the hot path), it takes the statement part from `staffStateSql`.
 */
export const staffStateSql = {
  /** Whether the presence row `p` may be offered a call now / a request now. */
  claimable(p: string, item: 'call' | 'request'): string {
    const base = `${p}.status = 'available' and ${p}.state = 'idle'
        and (${p}.cooldown_until is null or ${p}.cooldown_until <= now())`;
    return item === 'call' ? `${base} and ${p}.current_call_id is null` : base;
  },

  /**
   * SELECT list of a PresenceRow from `p`, a `staff_presence` row (a table alias, or a CTE of
   * an UPDATE … RETURNING p.*): what a transition returns so its caller can announce the new
   * state without reading back what it just wrote.
   */
  presenceColumns(p: string): string {
    return `${p}.user_id, (select u.username from users u where u.id = ${p}.user_id) as username,
            (select u.display_name from users u where u.id = ${p}.user_id) as display_name,
            ${p}.status, ${p}.break_reason, ${p}.state, ${p}.state_since, ${p}.idle_since,
            ${p}.current_call_id`;
  },

  /** SET list: claimed for a call offer. */
  toOffered: `state = 'offered', state_since = now(), last_offered_at = now(), updated_at = now()`,

  /**
   * UPDATE … RETURNING the rows: everyone of `usersSql` (a subquery of user ids) still offered
   * goes back to idle.
   */
  releaseOffered(usersSql: string): string {
    return `update staff_presence set state = 'idle', state_since = now(), updated_at = now()
             where user_id in (${usersSql}) and state = 'offered' returning staff_presence.*`;
  },

  /**
   * UPDATE … FROM … RETURNING the row: the person `userCol` of `fromSql` took the call
   * `callCol` (an accepted offer): busy with it, the no-answer streak over, one more call today.
   */
  toBusyFrom(fromSql: string, userCol: string, callCol: string): string {
    return `update staff_presence p set state = 'busy', state_since = now(), current_call_id = ${callCol},
                   consecutive_no_answers = 0, updated_at = now(),
                   calls_today = case when p.calls_today_date = (now() at time zone 'utc')::date
                                      then p.calls_today + 1 else 1 end,
                   calls_today_date = (now() at time zone 'utc')::date
              from ${fromSql}
             where p.user_id = ${userCol}
            returning p.*`;
  },

  /**
   * UPDATE … FROM, RETURNING the row and the username: whoever is on the call `callSql` goes to
   * wrap-up when `wrapUpSql` > 0, else straight to idle (idle since now: the longest-idle clock).
   */
  releaseHolders(callSql: string, wrapUpSql: string, fromSql = ''): string {
    return `update staff_presence p
               set state = case when ${wrapUpSql} > 0 then 'wrap_up'::staff_state else 'idle'::staff_state end,
                   idle_since = case when ${wrapUpSql} > 0 then p.idle_since else now() end,
                   current_call_id = null, state_since = now(), updated_at = now()
              ${fromSql ? `from ${fromSql}` : ''}
             where p.current_call_id = ${callSql}
            returning p.*, (select u.username from users u where u.id = p.user_id) as username`;
  },
} as const;

/** Why a person cannot be offered a call, for a refusal a receptionist can act on. */
export interface StaffStanding {
  username: string | null;
  status: string;
  state: string;
  cooling: boolean;
}

@Injectable()
export class StaffStateRepository {
  /** Idle → offered, only if the person can take a call right now. */
  async claimForCall(tx: Tx, userId: string): Promise<boolean> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `update staff_presence p set ${staffStateSql.toOffered}
        where p.user_id = ? and ${staffStateSql.claimable('p', 'call')} returning p.user_id`,
      [userId],
    );
    return rows.length > 0;
  }

  /** Offered → idle for each of them (offers withdrawn); `cooldownSeconds` after a decline. */
  async releaseOffered(tx: Tx, userIds: readonly string[], cooldownSeconds = 0): Promise<void> {
    if (userIds.length === 0) return;
    await tx.execute(
      `update staff_presence set state = 'idle', state_since = now(), updated_at = now(),
              cooldown_until = case when ? > 0 then now() + make_interval(secs => ?) else cooldown_until end
        where user_id = any(?::uuid[]) and state = 'offered'`,
      [cooldownSeconds, cooldownSeconds, pgArray(userIds)],
    );
  }

  /**
   * Offered → idle after an offer rang out; `breakAfter` consecutive no-answers put the person
   * on break (reason `no-answer`): they are probably away from the desk.
   */
  async noAnswer(tx: Tx, userId: string, breakAfter: number): Promise<void> {
    await tx.execute(
      `update staff_presence
          set state = 'idle', state_since = now(), updated_at = now(),
              consecutive_no_answers = consecutive_no_answers + 1,
              status = case when consecutive_no_answers + 1 >= ? then 'break'::staff_status else status end,
              break_reason = case when consecutive_no_answers + 1 >= ? then 'no-answer' else break_reason end
        where user_id = ? and state = 'offered'`,
      [breakAfter, breakAfter, userId],
    );
  }

  /** Busy with a call answered outside routing (telephony); false when already on it. */
  async answeredElsewhere(tx: Tx, userId: string, callId: string): Promise<boolean> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `update staff_presence set state = 'busy', current_call_id = ?, state_since = now(), updated_at = now()
        where user_id = ? and (current_call_id is distinct from ?) returning user_id`,
      [callId, userId, callId],
    );
    return rows.length > 0;
  }

  /** Busy → wrap-up or idle for whoever is on the call; returns who was released. */
  async releaseHolders(
    tx: Tx,
    callId: string,
    wrapUpSeconds: number,
  ): Promise<{ userId: string; username: string }[]> {
    const rows = await tx.execute<{ user_id: string; username: string }[]>(
      staffStateSql.releaseHolders('?', '?::int'),
      [wrapUpSeconds, wrapUpSeconds, callId],
    );
    return rows.map((r) => ({ userId: r.user_id, username: r.username }));
  }

  /** Wrap-up → idle; false when the person is no longer wrapping up. */
  async wrapUpDone(tx: Tx, userId: string): Promise<boolean> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `update staff_presence set state = 'idle', state_since = now(), idle_since = now(), updated_at = now()
        where user_id = ? and state = 'wrap_up' and current_call_id is null returning user_id`,
      [userId],
    );
    return rows.length > 0;
  }

  /** Who is on the call, as presence records it (accepted or answered by them). */
  async holdersOf(tx: Tx, callId: string): Promise<string[]> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `select user_id from staff_presence where current_call_id = ?`,
      [callId],
    );
    return rows.map((r) => r.user_id);
  }

  async holds(tx: Tx, userId: string, callId: string): Promise<boolean> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `select user_id from staff_presence where user_id = ? and current_call_id = ?`,
      [userId, callId],
    );
    return rows.length > 0;
  }

  async standing(tx: Tx, userId: string): Promise<StaffStanding> {
    const rows = await tx.execute<
      { username: string; status: string | null; state: string | null; cooling: boolean }[]
    >(
      `select u.username, p.status, p.state, coalesce(p.cooldown_until > now(), false) as cooling
         from users u left join staff_presence p on p.user_id = u.id where u.id = ?`,
      [userId],
    );
    const who = rows[0];
    return {
      username: who?.username ?? null,
      status: who?.status ?? 'offline',
      state: who?.state ?? 'idle',
      cooling: who?.cooling ?? false,
    };
  }
}
