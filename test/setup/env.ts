import { RUN_ENV, TestRun } from './test-env';

const run = JSON.parse(process.env[RUN_ENV] ?? '{}') as TestRun;
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = run.databaseUrl;
process.env.REDIS_PREFIX = run.redisPrefix;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.MIGRATE_ON_START = 'false';
process.env.LOGIN_ATTEMPTS_PER_MINUTE = '1000';
process.env.ADMIN_USERNAME = 'admin';
process.env.ADMIN_PASSWORD = 'admin-password';
