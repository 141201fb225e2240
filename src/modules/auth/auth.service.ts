import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { Principal } from '@/common/auth/roles';
import { JobProducer } from '@/queue/job-producer.service';
import { AccessInvalidationBus } from '@/modules/auth/access-invalidation';
import { ApiKey } from '@/modules/auth/entities/api-key.entity';
import { LoginThrottle } from '@/modules/auth/login-throttle';
import { passwordHasher } from '@/modules/auth/password-hasher';
import { TokenService } from '@/modules/auth/token.service';
import { User } from '@/modules/staff/entities/user.entity';

const KEY_PREFIX = 'sbk_';

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * A connector posts events many times a second with the same key: its look-up is kept this long
 * per process. Revoking a key clears the caches of every process at once over Redis; this
 * lifetime only matters when that message is lost (Redis away at the time).
 */
const API_KEY_CACHE_MS = 5_000;
const API_KEY_CACHE_MAX = 1_000;

interface CachedKey {
  principal: Principal;
  until: number;
}

// Verifying against this keeps a failed log-in for an unknown user as slow as for a known one.
const DUMMY_HASH = passwordHasher.hash('timing-equaliser');

@Injectable()
export class AuthService {
  private readonly keyCache = new Map<string, CachedKey>();
  /** Bumped on every invalidation: a look-up that started before one does not store its answer. */
  private keyCacheGeneration = 0;
  /** The minute each key's use was last recorded, so the job is enqueued once a minute. */
  private readonly keyUsedMinute = new Map<string, number>();

  constructor(
    private readonly em: EntityManager,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly jobs: JobProducer,
    private readonly invalidations: AccessInvalidationBus,
  ) {
    invalidations.onInvalidate((message) => {
      if (message.type === 'user') return;
      this.keyCacheGeneration++;
      this.keyCache.clear();
    });
  }

  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ accessToken: string; expiresAt: Date }> {
    const normalised = username.trim().toLowerCase();
    const slot = await this.throttle.hit(normalised, address);
    const user = await this.em.findOne(
      User,
      { username: normalised },
      { populate: ['passwordHash'] },
    );
    const ok = user
      ? await passwordHasher.verify(user.passwordHash, password)
      : await passwordHasher.verify(await DUMMY_HASH, password).then(() => false);
    if (!user || !ok || !user.active) {
      throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password');
    }
    await this.throttle.forgive(slot);
    return this.tokens.issue(user);
  }

  async createApiKey(name: string, createdBy: Principal): Promise<{ key: string; record: ApiKey }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const record = this.em.create(ApiKey, {
      name,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      keyDigest: digest(key),
      createdBy: createdBy.kind === 'user' ? createdBy.id : null,
    });
    await this.em.flush();
    return { key, record };
  }

  listApiKeys(): Promise<ApiKey[]> {
    return this.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
  }

  async revokeApiKey(id: string): Promise<void> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw AppError.notFound('API key', id);
    key.revokedAt ??= new Date();
    await this.em.flush();
    await this.invalidations.publish({ type: 'api-keys' });
  }

  async authenticateApiKey(key: string): Promise<Principal> {
    if (!key.startsWith(KEY_PREFIX)) throw new AppError('INVALID_API_KEY', 'API key is not valid');
    const keyDigest = digest(key);
    const now = Date.now();
    let cached = this.keyCache.get(keyDigest);
    if (!cached || cached.until <= now) {
      const generation = this.keyCacheGeneration;
      const record = await this.em.findOne(ApiKey, { keyDigest, revokedAt: null });
      if (!record) {
        this.keyCache.delete(keyDigest);
        throw new AppError('INVALID_API_KEY', 'API key is not valid or has been revoked');
      }
      if (this.keyCache.size >= API_KEY_CACHE_MAX) this.keyCache.clear();
      cached = {
        principal: { kind: 'api-key', id: record.id, name: record.name, roles: ['connector'] },
        until: now + API_KEY_CACHE_MS,
      };
      if (generation === this.keyCacheGeneration) this.keyCache.set(keyDigest, cached);
    }
    await this.recordUse(cached.principal.id, now);
    return cached.principal;
  }

  /** Recording use is not worth a write on every ingest request; one job per key and minute. */
  private async recordUse(apiKeyId: string, now: number): Promise<void> {
    const minute = Math.floor(now / 60_000);
    if (this.keyUsedMinute.get(apiKeyId) === minute) return;
    await this.jobs.enqueue(
      'auth.api-key-used',
      { apiKeyId, at: new Date(now).toISOString() },
      { jobId: `api-key-used:${apiKeyId}:${minute}` },
    );
    if (this.keyUsedMinute.size >= API_KEY_CACHE_MAX) this.keyUsedMinute.clear();
    this.keyUsedMinute.set(apiKeyId, minute);
  }
}
