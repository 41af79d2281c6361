// `npm run test:chaos`: the chaos tests (test/chaos/), which start the cluster profile themselves
// and break it on purpose. Apart from `npm test`: they need PostgreSQL, Redis and nginx, take about
// fifteen minutes, and restart this machine's PostgreSQL. No shared test servers (no global setup).
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/chaos/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  // Idle keep-alive sockets to the stopped platform (the recipients' mTLS agents) need not hold jest open.
  forceExit: true,
  testTimeout: 600_000,
};
