// Tasks on one key run one after another in this process; tasks on other keys are not held up.
// For read-modify-write updates of one record where the database would not serialise them:
// FerretDB v1 applies `$inc`, `findOneAndUpdate` and conditional updates as an unlocked read then
// write, so 40 increments of one document at once leave it a few higher, not 40. Named, and with
// a lock set by lockAcrossReplicas (replica-lock.ts), the tasks on one key run one at a time across
// every replica, not only in this process.
import { replicaLock } from './replica-lock.js';

type OneAtATime = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function oneAtATime(name?: string): OneAtATime {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const lock = name === undefined ? undefined : replicaLock();
    const held = lock ? () => lock.hold(`${name}:${key}`, task) : task;
    const run = (tails.get(key) ?? Promise.resolve()).then(held);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
