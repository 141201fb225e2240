import { z } from 'zod';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const DEV_JWT_SECRET = 'switchboard-development-secret-change-me-please';

/**
 * Every variable the processes read, with local defaults that work on a developer machine
 * (PostgreSQL and Redis on localhost). Production refuses the development JWT secret.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .url()
      .refine((u) => u.startsWith('postgres://') || u.startsWith('postgresql://'), {
        message: 'must be a postgres:// URL',
      })
      .default('postgres://postgres@127.0.0.1:5432/switchboard'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
    MIGRATE_ON_START: bool.default('true'),
    /** Create the database named in DATABASE_URL when it is missing. */
    DATABASE_CREATE: bool.default('true'),
    /** How long a starting process waits for PostgreSQL and Redis to accept connections. */
    STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    REDIS_URL: z
      .string()
      .url()
      .refine((u) => u.startsWith('redis://') || u.startsWith('rediss://'), {
        message: 'must be a redis:// URL',
      })
      .default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - only')
      .default('sb'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
    JWT_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .default(12 * 3600),
    CORS_ORIGINS: csv.default('http://localhost:3000,http://127.0.0.1:3000'),
    ADMIN_USERNAME: z.string().min(3).max(64).optional(),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    TELEPHONY_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    SOCKET_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    DEFAULT_TIME_ZONE: z
      .string()
      .refine((tz) => isValidTimeZone(tz), { message: 'must be an IANA time zone' })
      .default('UTC'),
    DEFAULT_PHONE_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code such as US or DE')
      .default('US'),
    PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    OFFER_TIMEOUT_CALL_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
    OFFER_TIMEOUT_REQUEST_SECONDS: z.coerce.number().int().min(1).max(86400).default(120),
    NO_ANSWER_BREAK_AFTER: z.coerce.number().int().min(1).max(100).default(2),
    DECLINE_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
    MAX_OPEN_REQUESTS: z.coerce.number().int().min(1).max(1000).default(5),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    /**
     * Jobs in parallel per queue. Jobs wait on PostgreSQL and Redis, not on the CPU (BullMQ's
     * guidance for I/O-bound processors: a high concurrency); the pool still bounds statements
     * in parallel (DATABASE_POOL_MAX), and a job waiting for a connection waits in the pool.
     */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
    BROADCAST_RENOTIFY_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
    USER_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Reminder lead for people who have not chosen their own (seconds; tests use a few). */
    PLANNER_REMINDER_LEAD_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(600),
    /** After a plan's due time the assignee is told; past this grace, the supervisors too. */
    PLANNER_OVERDUE_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(1800),
    /** Callback target for a held or missed call that has no queue (queues have their own). */
    PLANNER_CALLBACK_TARGET_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    /** Live supervisor feed period; one computation per tick, in the worker. */
    STATS_LIVE_INTERVAL_MS: z.coerce.number().int().min(250).max(60_000).default(2000),
    /** Call changes within this window share one rollup recomputation. */
    STATS_RECOMPUTE_DEBOUNCE_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
    /** Safety net: recompute dirty rollups this often even when no change was signalled. */
    STATS_RECOMPUTE_EVERY_MS: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
    STATS_ALERT_QUEUE_WAITING: z.coerce.number().int().min(1).max(100_000).default(10),
    STATS_ALERT_QUEUE_LONGEST_WAIT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
    STATS_ALERT_LINE_OCCUPANCY: z.coerce.number().gt(0).max(10).default(0.9),
    /** The Asterisk connector runs only when AMI_HOST is set. */
    AMI_HOST: z.string().min(1).optional(),
    AMI_PORT: z.coerce.number().int().min(1).max(65535).default(5038),
    AMI_USERNAME: z.string().min(1).max(100).optional(),
    AMI_SECRET: z.string().min(1).max(200).optional(),
    AMI_MODE: z.enum(['observe', 'control']).default('observe'),
    /** Contexts whose new channels are inbound calls (the trunks' contexts). */
    AMI_INBOUND_CONTEXTS: csv.default('from-pstn,from-trunk,from-external,from-did-direct'),
    /** Control mode: where callers wait (extension = queue code), and where agents' phones are. */
    AMI_HOLD_CONTEXT: z.string().min(1).max(80).default('switchboard-hold'),
    AMI_AGENT_CONTEXT: z.string().min(1).max(80).default('from-internal'),
    /** The line of inbound calls whose dialled number maps to no line. */
    AMI_DEFAULT_LINE: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a line code')
      .default('pbx'),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.NODE_ENV === 'production' && cfg.JWT_SECRET === DEV_JWT_SECRET) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['JWT_SECRET'],
        message: 'must be set to a private value in production',
      });
    }
    if (cfg.AMI_HOST !== undefined) {
      for (const key of ['AMI_USERNAME', 'AMI_SECRET'] as const) {
        if (cfg[key] === undefined) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [key],
            message: 'is required when AMI_HOST is set',
          });
        }
      }
    }
    if ((cfg.ADMIN_USERNAME === undefined) !== (cfg.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ADMIN_PASSWORD'],
        message: 'ADMIN_USERNAME and ADMIN_PASSWORD go together',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
