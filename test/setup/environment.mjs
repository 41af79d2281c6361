// Node's test environment, plus one duty once a test file has ended (after its last afterAll): stop
// what the test helpers started and nothing stopped (test/helpers/teardown.ts), so a failed or
// timed-out beforeAll leaves no server, worker or database connection running in the jest worker.
import { TestEnvironment } from 'jest-environment-node';

const KEY = Symbol.for('open-banking-platform.test-teardown');

export default class PlatformTestEnvironment extends TestEnvironment {
  async teardown() {
    const registry = this.global[KEY];
    if (registry) await registry.runAll();
    await super.teardown();
  }
}
