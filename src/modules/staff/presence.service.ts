import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { LeanSql } from '@/database/lean-sql';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { JobProducer } from '@/queue/job-producer.service';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { REDIS } from '@/redis/redis.module';
import {
  StaffPresence,
  StaffState,
  StaffStatus,
} from '@/modules/staff/entities/staff-presence.entity';
import { PresenceDto } from '@/modules/staff/dto/presence.dto';
import { StaffEventBus } from '@/modules/staff/staff.events';
import type { PresenceRow } from '@/modules/staff/staff-state.repository';

export const CONSOLE_ROOMS = [rooms.role('receptionist'), rooms.role('supervisor')];

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

export function presenceFromRow(r: PresenceRow): PresenceDto {
  return {
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    status: r.status,
    breakReason: r.break_reason,
    state: r.state,
    stateSince: iso(r.state_since),
    idleSince: r.idle_since === null ? null : iso(r.idle_since),
    currentCallId: r.current_call_id,
  };
}

export interface StatePatch {
  state?: StaffState;
  currentCallId?: string | null;
  status?: StaffStatus;
  breakReason?: string | null;
  consecutiveNoAnswers?: number;
  cooldownUntil?: Date | null;
  lastOfferedAt?: Date | null;
  callsTodayIncrement?: boolean;
}

/**
 * Owns the status (chosen by the person) and the state (derived from work) of every staff
 * member. Every change goes through `mutate`, which locks the row, so concurrent changes from
 * several API processes and workers serialise in PostgreSQL.
 */
@Injectable()
export class PresenceService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: LeanSql,
    private readonly config: AppConfig,
    private readonly events: StaffEventBus,
    private readonly publisher: RealtimePublisher,
    private readonly jobs: JobProducer,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async setStatus(userId: string, status: StaffStatus, reason?: string): Promise<PresenceDto> {
    return this.mutate(userId, (p) => {
      if (status === 'break') p.breakReason = reason ?? 'break';
      else p.breakReason = null;
      if (status === 'available' && p.status !== 'available') p.consecutiveNoAnswers = 0;
      p.status = status;
    });
  }

  /** Applies a state change decided by routing or by a call's lifecycle. */
  async applyPatch(userId: string, patch: StatePatch): Promise<PresenceDto> {
    return this.mutate(userId, (p) => {
      if (patch.state !== undefined && patch.state !== p.state) {
        p.state = patch.state;
        p.stateSince = new Date();
      }
      if (patch.currentCallId !== undefined) p.currentCallId = patch.currentCallId;
      if (patch.status !== undefined) p.status = patch.status;
      if (patch.breakReason !== undefined) p.breakReason = patch.breakReason;
      if (patch.consecutiveNoAnswers !== undefined)
        p.consecutiveNoAnswers = patch.consecutiveNoAnswers;
      if (patch.cooldownUntil !== undefined) p.cooldownUntil = patch.cooldownUntil;
      if (patch.lastOfferedAt !== undefined) p.lastOfferedAt = patch.lastOfferedAt;
      if (patch.callsTodayIncrement) {
        const today = new Date().toISOString().slice(0, 10);
        p.callsToday = p.callsTodayDate === today ? p.callsToday + 1 : 1;
        p.callsTodayDate = today;
      }
    });
  }

  /**
   * Tells the console and the person about a state that routing changed in its own transaction.
   * Routing announces two or three times per call, so this is one plain query, not the ORM.
   */
  async announce(userId: string): Promise<PresenceDto | null> {
    const rows = await this.sql.execute<PresenceRow[]>(
      `select u.id as user_id, u.username, u.display_name, p.status, p.break_reason, p.state,
              p.state_since, p.idle_since, p.current_call_id
         from staff_presence p join users u on u.id = p.user_id
        where p.user_id = ?`,
      [userId],
    );
    return rows.length === 0 ? null : this.publish(rows[0]);
  }

  /** The same for a state the transition's own statement returned: no read-back. */
  publish(row: PresenceRow): PresenceDto {
    const dto = presenceFromRow(row);
    this.publisher.toRooms([...CONSOLE_ROOMS, rooms.user(row.user_id)], 'staff.changed', dto);
    return dto;
  }

  async get(userId: string): Promise<PresenceDto> {
    const em = this.em.fork();
    // The row exists for anyone who has ever been online; create it only when it does not.
    const row = await em.findOne(StaffPresence, { user: userId }, { populate: ['user'] });
    if (row) return PresenceDto.from(row);
    await this.ensureRow(em, userId);
    return PresenceDto.from(
      await em.findOneOrFail(StaffPresence, { user: userId }, { populate: ['user'] }),
    );
  }

  async list(): Promise<PresenceDto[]> {
    const em = this.em.fork();
    const rows = await em.find(
      StaffPresence,
      { user: { active: true } },
      { populate: ['user'], orderBy: { user: { username: 'asc' } } },
    );
    return rows.map((row) => PresenceDto.from(row));
  }

  async socketConnected(userId: string): Promise<void> {
    await this.redis.incr(this.socketKey(userId));
  }

  /** The last socket going away starts the grace period; a durable delayed job ends it. */
  async socketDisconnected(userId: string): Promise<void> {
    const left = await this.redis.decr(this.socketKey(userId));
    if (left > 0) return;
    const disconnectedAt = new Date().toISOString();
    await this.jobs.enqueue(
      'staff.presence-check',
      { userId, disconnectedAt },
      {
        delay: this.config.routing.presenceGraceSeconds * 1000,
        jobId: `presence-check:${userId}:${Date.now()}`,
      },
    );
  }

  /** Offline after the grace period, unless a socket came back or the person is on a call. */
  async presenceCheck(userId: string): Promise<void> {
    const sockets = Number((await this.redis.get(this.socketKey(userId))) ?? '0');
    if (sockets > 0) return;
    await this.mutate(userId, (p) => {
      if (p.status === 'offline' || p.state === 'busy' || p.state === 'wrap_up') return;
      p.status = 'offline';
      p.breakReason = null;
    });
  }

  async connectedSockets(userId: string): Promise<number> {
    return Number((await this.redis.get(this.socketKey(userId))) ?? '0');
  }

  private socketKey(userId: string): string {
    return `${this.config.redis.prefix}:presence:sockets:${userId}`;
  }

  private async ensureRow(em: EntityManager, userId: string): Promise<void> {
    await em.getConnection().execute(
      `insert into staff_presence (user_id, status, state, state_since, updated_at)
         select id, 'offline', 'idle', now(), now() from users where id = ? on conflict do nothing`,
      [userId],
    );
  }

  private async mutate(userId: string, change: (p: StaffPresence) => void): Promise<PresenceDto> {
    const em = this.em.fork();
    await this.ensureRow(em, userId);
    const result = await em.transactional(async (tx) => {
      const p = await tx.findOneOrFail(
        StaffPresence,
        { user: userId },
        { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const before = { status: p.status, state: p.state, breakReason: p.breakReason };
      change(p);
      const eligibleNow = p.status === 'available' && p.state === 'idle';
      const eligibleBefore = before.status === 'available' && before.state === 'idle';
      if (eligibleNow && !eligibleBefore) p.idleSince = new Date();
      const changed =
        before.status !== p.status ||
        before.state !== p.state ||
        before.breakReason !== p.breakReason;
      return { dto: PresenceDto.from(p), changed, eligible: eligibleNow };
    });
    if (result.changed) {
      const dto = result.dto;
      this.publisher.toRooms([...CONSOLE_ROOMS, rooms.user(userId)], 'staff.changed', dto);
      void this.events.publish({
        type: 'staff.changed',
        userId,
        status: dto.status,
        state: dto.state,
        breakReason: dto.breakReason,
        eligible: result.eligible,
      });
    }
    return result.dto;
  }
}
