/** Tests are TypeScript transformed by swc (fast, no typecheck); `npm run typecheck` covers types. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  testTimeout: 60000,
  // Jest's default is cores - 1, one worker on a 2-core CI machine; the suites are CPU-bound and independent.
  maxWorkers: 2,
};
