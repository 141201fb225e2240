import { Injectable } from '@nestjs/common';
import type { UserRole } from '@/common/auth/roles';
import { LeanSql } from '@/database/lean-sql';
import { AccessInvalidationBus } from '@/modules/auth/access-invalidation';

/** What every authenticated request and socket event is checked against. */
export interface AccountState {
  id: string;
  username: string;
  roles: UserRole[];
  active: boolean;
  tokenVersion: number;
}

/**
 * Every request and socket event reads this, so it is kept per process for a few seconds; a
 * change is announced over Redis at once, so the lifetime only matters when that message is lost.
 */
export const ACCOUNT_STATE_CACHE_MS = 5_000;
const ACCOUNT_STATE_CACHE_MAX = 10_000;

interface Entry {
  state: AccountState | null;
  until: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AccountStateCache {
  private readonly entries = new Map<string, Entry>();
  /** One database read per user at a time, shared by the requests that wait for it. */
  private readonly loading = new Map<string, Promise<AccountState | null>>();
  /**
   * Bumped by every invalidation: a read that started before one must not store what it read,
   * which may be the state from before the change.
   */
  private generation = 0;

  constructor(
    private readonly lean: LeanSql,
    bus: AccessInvalidationBus,
  ) {
    bus.onInvalidate((message) => {
      if (message.type === 'user') this.forget(message.userId);
      else if (message.type === 'all') this.forgetAll();
    });
  }

  /** The account as it is now (at most a few seconds old), or null if there is none. */
  get(userId: string): Promise<AccountState | null> {
    const entry = this.entries.get(userId);
    if (entry && entry.until > Date.now()) return Promise.resolve(entry.state);
    const pending = this.loading.get(userId);
    if (pending) return pending;
    const generation = this.generation;
    const load = this.load(userId)
      .then((state) => {
        if (this.generation === generation) {
          if (this.entries.size >= ACCOUNT_STATE_CACHE_MAX) this.entries.clear();
          this.entries.set(userId, { state, until: Date.now() + ACCOUNT_STATE_CACHE_MS });
        }
        return state;
      })
      .finally(() => {
        if (this.loading.get(userId) === load) this.loading.delete(userId);
      });
    this.loading.set(userId, load);
    return load;
  }

  /** The account if the cache holds it and it is fresh, without waiting; undefined otherwise. */
  peek(userId: string): AccountState | null | undefined {
    const entry = this.entries.get(userId);
    return entry && entry.until > Date.now() ? entry.state : undefined;
  }

  private forget(userId: string): void {
    this.generation++;
    this.entries.delete(userId);
    this.loading.delete(userId);
  }

  private forgetAll(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  private async load(userId: string): Promise<AccountState | null> {
    if (!UUID.test(userId)) return null;
    // Each connected user's entry expires every few seconds, so with hundreds connected this runs
    // many times a second: the lean executor's prepared statement, not an ORM findOne.
    const rows = await this.lean.execute<
      { id: string; username: string; roles: UserRole[]; active: boolean; token_version: number }[]
    >('select id, username, roles, active, token_version from users where id = ?', [userId]);
    if (rows.length === 0) return null;
    const user = rows[0];
    return {
      id: user.id,
      username: user.username,
      roles: [...user.roles],
      active: user.active,
      tokenVersion: user.token_version,
    };
  }
}
