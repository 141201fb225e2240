/** Three tiers share one config: unit tests need nothing, integration, e2e and browser (web) tests
 * get a fresh PostgreSQL database and Redis key prefix per run from test/setup/global-setup.ts. */
const tsJest = ['ts-jest', { diagnostics: false }];
const shared = {
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@/(.*)$': '<rootDir>/src/$1',
    '^@workers/(.*)$': '<rootDir>/workers/$1',
    '^@test/(.*)$': '<rootDir>/test/$1',
    '^@web/(.*)$': '<rootDir>/web/src/$1',
  },
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts', '<rootDir>/test/e2e/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/timeouts.ts'],
    },
    {
      // Chromium (Debian's package, via playwright-core) against the real API and worker; the
      // same global setup (jest runs it once), so the same per-run database.
      ...shared,
      displayName: 'web',
      testMatch: ['<rootDir>/test/web/**/*.web.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/web-timeouts.ts'],
    },
  ],
};
