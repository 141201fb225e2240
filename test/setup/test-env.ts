/** Shared between global setup (which creates the database) and each test file (which uses it). */
export const RUN_ENV = 'SWITCHBOARD_TEST_RUN';

export interface TestRun {
  databaseUrl: string;
  redisPrefix: string;
  adminUrl: string;
  databaseName: string;
}
