// Tasks on one key run one after another in this process; tasks on other keys are not held up.
// For read-modify-write updates of one record where the database would not serialise them:
// FerretDB v1 applies `$inc`, `findOneAndUpdate` and conditional updates as an unlocked read then
// write, so 40 increments of one document at once leave it a few higher, not 40.

export type OneAtATime = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function oneAtATime(): OneAtATime {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
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
