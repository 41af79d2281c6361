// Where the servers of this test run are, and names no other test file uses.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function testServers() {
  const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  const mongoUri = process.env.TEST_MONGODB_URI;
  if (!temporalAddress || !mongoUri)
    throw new Error('test servers are not running: run through jest (global setup)');
  return {
    temporalAddress,
    namespace: process.env.TEST_TEMPORAL_NAMESPACE ?? 'default',
    mongoUri,
    /** The Temporal UI of the dev server the run started; undefined with TEMPORAL_ADDRESS. */
    temporalUiUrl: process.env.TEST_TEMPORAL_UI_URL,
  };
}

/** Task queue, database and id prefix unique to one test file and run. */
export function uniqueNames(testFileUrl: string) {
  const base = path
    .basename(fileURLToPath(testFileUrl))
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9]+/gi, '-');
  const suffix = randomBytes(4).toString('hex');
  return {
    taskQueue: `test-${base}-${suffix}`,
    database: `test_${base.replace(/-/g, '_')}_${suffix}`.slice(0, 63),
    prefix: `${base}-${suffix}`,
  };
}

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
