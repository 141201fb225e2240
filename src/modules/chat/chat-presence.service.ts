import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { USER_ROLES } from '@/common/auth/roles';
import { AppConfig } from '@/config/app-config';
import { rooms } from '@/realtime/realtime.events';
import { RealtimePublisher } from '@/realtime/realtime.publisher';
import { REDIS } from '@/redis/redis.module';
import type { PresenceStatus } from '@/modules/chat/chat.events';

/**
 * Change one socket's entry and report the person's status before and after, atomically, so
 * two processes changing two devices of one person at once cannot both miss (or both announce)
 * the transition. Status: online if any socket is online, away if all are away, else offline.
 */
const CHANGE_SCRIPT = `
local function status(key)
  local values = redis.call('HVALS', key)
  if #values == 0 then return 'offline' end
  for _, v in ipairs(values) do if v == 'online' then return 'online' end end
  return 'away'
end
local before = status(KEYS[1])
if ARGV[1] == 'gone' then redis.call('HDEL', KEYS[1], ARGV[2])
else redis.call('HSET', KEYS[1], ARGV[2], ARGV[1]) end
return {before, status(KEYS[1])}
`;

/**
 * Chat presence (online / away / offline) per person across devices and API processes: one
 * Redis hash per person, socket id → its state; nothing in process memory. Separate from the
 * staff work status (available / break), which says whether someone takes calls.
 */
@Injectable()
export class ChatPresenceService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly publisher: RealtimePublisher,
  ) {}

  /**
   * Records one socket's state; announces the person's new status unless `announce()` says no
   * (an API process shutting down records its sockets leaving but can no longer publish).
   */
  async socketState(
    userId: string,
    socketId: string,
    state: 'online' | 'away' | 'gone',
    announce: () => boolean = () => true,
  ): Promise<PresenceStatus> {
    const [before, after] = (await this.redis.eval(
      CHANGE_SCRIPT,
      1,
      this.key(userId),
      state,
      socketId,
    )) as [PresenceStatus, PresenceStatus];
    if (before !== after && announce()) {
      // Every staff socket is in its role room; one emit reaches each socket once.
      this.publisher.toRooms(
        USER_ROLES.map((role) => rooms.role(role)),
        'presence.changed',
        { userId, status: after },
      );
    }
    return after;
  }

  async statusOf(userIds: string[]): Promise<Record<string, PresenceStatus>> {
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.hvals(this.key(id));
    const results = (await pipeline.exec()) ?? [];
    const out: Record<string, PresenceStatus> = {};
    userIds.forEach((id, i) => {
      const values = (results[i]?.[1] as string[] | undefined) ?? [];
      out[id] = values.length === 0 ? 'offline' : values.includes('online') ? 'online' : 'away';
    });
    return out;
  }

  private key(userId: string): string {
    return `${this.config.redis.prefix}:chat:presence:${userId}`;
  }
}
