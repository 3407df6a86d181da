/**
 * Tests are TypeScript transpiled file by file by ts-jest (isolatedModules: no typecheck here, `npm run
 * typecheck` covers types). Pure-JS tooling on purpose: native transformers ship per-platform binaries that
 * a lockfile made on one platform cannot always list, and `npm ci` then refuses the lockfile.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testTimeout: 60000,
  // Every suite's temporary files under one directory per run, removed at the end (test/support/global-setup.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Jest's default is cores - 1, one worker on a 2-core CI machine; the suites are CPU-bound and independent.
  maxWorkers: 2,
};
