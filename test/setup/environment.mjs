// Node's test environment, plus two duties. Once a test file has ended (after its last afterAll):
// stop what the test helpers started and nothing stopped (test/helpers/teardown.ts), so a failed
// or timed-out beforeAll leaves no server, worker or database connection running in the jest
// worker. And a jest worker whose jest is gone (killed outright) exits at once, instead of running
// its test file to the end; its managed children go with it (runtime/process.ts).
import { TestEnvironment } from 'jest-environment-node';

const KEY = Symbol.for('open-banking-platform.test-teardown');
const WATCHING = Symbol.for('open-banking-platform.parent-watch');

export default class PlatformTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    // Only in a worker process (its IPC channel to jest); a run in band has no parent to lose. A
    // poll of the parent pid, unref'd: a 'disconnect' listener would keep the worker alive at the end.
    if (process.send && !process[WATCHING]) {
      process[WATCHING] = true;
      const parent = process.ppid;
      setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
    }
  }

  async teardown() {
    const registry = this.global[KEY];
    if (registry) await registry.runAll();
    await super.teardown();
  }
}
