import { configSchema, RawConfig } from '@/config/config.schema';

/** The one typed view of the environment. Nothing else in the code base reads process.env. */
export class AppConfig {
  readonly env: RawConfig['NODE_ENV'];
  readonly http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    telephonyBodyLimitBytes: number;
  };
  readonly database: {
    url: string;
    poolMax: number;
    /** Longest wait for a pooled connection (or a new one), then 503 SERVICE_UNAVAILABLE. */
    acquireTimeoutMs: number;
    migrateOnStart: boolean;
    create: boolean;
  };
  readonly redis: { url: string; prefix: string };
  readonly auth: {
    jwtSecret: string;
    jwtTtlSeconds: number;
    loginAttemptsPerMinute: number;
    bootstrapAdmin: { username: string; password: string } | null;
  };
  readonly realtime: { corsOrigins: string[]; maxMessageBytes: number };
  readonly logLevel: RawConfig['LOG_LEVEL'];
  readonly defaultTimeZone: string;
  /** Region assumed for numbers dialled without a country code. */
  readonly defaultPhoneRegion: string;
  readonly shutdownTimeoutMs: number;
  /** How long start-up waits for PostgreSQL and Redis to come up before it gives up. */
  readonly startupWaitMs: number;
  readonly worker: { concurrency: number };
  readonly notifications: { broadcastRenotifySeconds: number; userEventsRetentionDays: number };
  readonly planner: {
    reminderLeadSeconds: number;
    overdueGraceSeconds: number;
    callbackTargetMinutes: number;
  };
  readonly stats: {
    liveIntervalMs: number;
    recomputeDebounceMs: number;
    recomputeEveryMs: number;
    alerts: { queueWaiting: number; queueLongestWaitSeconds: number; lineOccupancy: number };
  };
  /** The Asterisk connector; null when AMI_HOST is not set. */
  readonly ami: {
    host: string;
    port: number;
    username: string;
    secret: string;
    mode: 'observe' | 'control';
    inboundContexts: string[];
    holdContext: string;
    agentContext: string;
    defaultLine: string;
  } | null;
  readonly routing: {
    presenceGraceSeconds: number;
    offerTimeoutCallSeconds: number;
    offerTimeoutRequestSeconds: number;
    noAnswerBreakAfter: number;
    declineCooldownSeconds: number;
    maxOpenRequests: number;
  };

  constructor(raw: RawConfig) {
    this.env = raw.NODE_ENV;
    this.http = {
      host: raw.HOST,
      port: raw.PORT,
      bodyLimitBytes: raw.BODY_LIMIT_BYTES,
      telephonyBodyLimitBytes: raw.TELEPHONY_BODY_LIMIT_BYTES,
    };
    this.database = {
      url: raw.DATABASE_URL,
      poolMax: raw.DATABASE_POOL_MAX,
      acquireTimeoutMs: raw.DATABASE_ACQUIRE_TIMEOUT_MS,
      migrateOnStart: raw.MIGRATE_ON_START,
      create: raw.DATABASE_CREATE,
    };
    this.redis = { url: raw.REDIS_URL, prefix: raw.REDIS_PREFIX };
    this.auth = {
      jwtSecret: raw.JWT_SECRET,
      jwtTtlSeconds: raw.JWT_TTL_SECONDS,
      loginAttemptsPerMinute: raw.LOGIN_ATTEMPTS_PER_MINUTE,
      bootstrapAdmin:
        raw.ADMIN_USERNAME && raw.ADMIN_PASSWORD
          ? { username: raw.ADMIN_USERNAME, password: raw.ADMIN_PASSWORD }
          : null,
    };
    this.realtime = {
      corsOrigins: raw.CORS_ORIGINS,
      maxMessageBytes: raw.SOCKET_MAX_MESSAGE_BYTES,
    };
    this.logLevel = raw.LOG_LEVEL;
    this.defaultTimeZone = raw.DEFAULT_TIME_ZONE;
    this.defaultPhoneRegion = raw.DEFAULT_PHONE_REGION;
    this.shutdownTimeoutMs = raw.SHUTDOWN_TIMEOUT_MS;
    this.startupWaitMs = raw.STARTUP_WAIT_SECONDS * 1000;
    this.worker = { concurrency: raw.WORKER_CONCURRENCY };
    this.notifications = {
      broadcastRenotifySeconds: raw.BROADCAST_RENOTIFY_SECONDS,
      userEventsRetentionDays: raw.USER_EVENTS_RETENTION_DAYS,
    };
    this.planner = {
      reminderLeadSeconds: raw.PLANNER_REMINDER_LEAD_SECONDS,
      overdueGraceSeconds: raw.PLANNER_OVERDUE_GRACE_SECONDS,
      callbackTargetMinutes: raw.PLANNER_CALLBACK_TARGET_MINUTES,
    };
    this.stats = {
      liveIntervalMs: raw.STATS_LIVE_INTERVAL_MS,
      recomputeDebounceMs: raw.STATS_RECOMPUTE_DEBOUNCE_MS,
      recomputeEveryMs: raw.STATS_RECOMPUTE_EVERY_MS,
      alerts: {
        queueWaiting: raw.STATS_ALERT_QUEUE_WAITING,
        queueLongestWaitSeconds: raw.STATS_ALERT_QUEUE_LONGEST_WAIT_SECONDS,
        lineOccupancy: raw.STATS_ALERT_LINE_OCCUPANCY,
      },
    };
    this.ami =
      raw.AMI_HOST !== undefined && raw.AMI_USERNAME !== undefined && raw.AMI_SECRET !== undefined
        ? {
            host: raw.AMI_HOST,
            port: raw.AMI_PORT,
            username: raw.AMI_USERNAME,
            secret: raw.AMI_SECRET,
            mode: raw.AMI_MODE,
            inboundContexts: raw.AMI_INBOUND_CONTEXTS,
            holdContext: raw.AMI_HOLD_CONTEXT,
            agentContext: raw.AMI_AGENT_CONTEXT,
            defaultLine: raw.AMI_DEFAULT_LINE,
          }
        : null;
    this.routing = {
      presenceGraceSeconds: raw.PRESENCE_GRACE_SECONDS,
      offerTimeoutCallSeconds: raw.OFFER_TIMEOUT_CALL_SECONDS,
      offerTimeoutRequestSeconds: raw.OFFER_TIMEOUT_REQUEST_SECONDS,
      noAnswerBreakAfter: raw.NO_ANSWER_BREAK_AFTER,
      declineCooldownSeconds: raw.DECLINE_COOLDOWN_SECONDS,
      maxOpenRequests: raw.MAX_OPEN_REQUESTS,
    };
  }

  /** Redis-safe location for logs: the URL without its password. */
  get redisLocation(): string {
    return redactUrl(this.redis.url);
  }

  get databaseLocation(): string {
    return redactUrl(this.database.url);
  }
}

export class ConfigError extends Error {}

/** Parses an environment; every problem is listed in one message, one variable per line. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return new AppConfig(parsed.data);
}

export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}
