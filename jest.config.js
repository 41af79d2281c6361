// Jest in ESM mode (oidc-provider 9 and openid-client 6 are ESM-only), TypeScript through ts-jest
// in isolated-modules mode (transpile only). Type checking is `npm run typecheck`.
/** @type {import('jest').Config} */
export default {
  // Node's, and it stops what test helpers started and a failed beforeAll never handed over.
  testEnvironment: '<rootDir>/test/setup/environment.mjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The chaos tests run on their own (jest.chaos.config.js, `npm run test:chaos`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/'],
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  // Generous for a loaded machine (CI runners, a busy laptop): a passing test never waits for it.
  testTimeout: 180_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/reporters/summary.cjs'],
};
