// Activities that stand in for a workflow's real ones in the workflow rule tests: each call is
// recorded (name and input, in order) and answered by the test's own implementation.

export interface ActivityCall {
  name: string;
  input: unknown;
}

type Activities = Record<string, (...args: never[]) => Promise<unknown>>;

/** `impl` as activities that record every call in `calls` (emptied by the caller between tests). */
export function recordedActivities<A extends Activities>(impl: A) {
  const calls: ActivityCall[] = [];
  const activities = Object.fromEntries(
    Object.entries(impl).map(([name, fn]) => [
      name,
      (...args: never[]) => {
        calls.push({ name, input: args[0] });
        return fn(...args);
      },
    ]),
  ) as A;
  return { activities, calls };
}

/** The names of the calls, in order: the shape of a run. */
export const callNames = (calls: ActivityCall[]) => calls.map((c) => c.name);
