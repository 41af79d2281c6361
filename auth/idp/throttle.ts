// Throttling of password guesses per account, instead of a lockout that anyone knowing a username
// could trigger. The first five attempts since the last success are free; after them the account
// takes one attempt per window — 1 s after the sixth, doubling with each attempt, at most 15
// minutes — and refuses the others unchecked. A refusal is answered exactly like a wrong password
// (same status, page and work), so nothing tells a throttled account from an unknown one.
//
// The bank's audit: a structured log line for each window an account enters, naming the account by
// a digest of its id (staff ids are email addresses), never by what was typed.
//
// Every attempt is counted before it is checked, with `$inc` on the account read back: guesses
// sent in parallel each count, and past the free ones only the attempt that opens a window is
// checked. MongoDB applies these operators atomically; FerretDB v1 does not (40 increments at
// once leave a count of a few), so one account's updates also run one at a time — in this process,
// and across replicas through a lock in Redis when REDIS_URL is set (lib/replica-lock.ts): exact
// with any number of replicas on MongoDB, or on FerretDB with Redis. Filters are by `_id`, which
// FerretDB looks up directly.
import { createHash } from 'node:crypto';
import { oneAtATime } from '../../lib/one-at-a-time.js';

export const THROTTLE = { freeAttempts: 5, firstWindowMs: 1_000, maxWindowMs: 15 * 60_000 } as const;

/** How long an account refuses attempts after its nth attempt since the last success. */
export function throttleWindowMs(attempts: number): number {
  if (attempts <= THROTTLE.freeAttempts) return 0;
  return Math.min(THROTTLE.firstWindowMs * 2 ** (attempts - THROTTLE.freeAttempts - 1), THROTTLE.maxWindowMs);
}

/** A collection of accounts with `failedAttempts` and `lockedUntil` (customers, staff, developers). */
export interface ThrottledAccounts {
  modelName: string;
  findOneAndUpdate(
    filter: { _id: string },
    update: { $inc: { failedAttempts: 1 } },
    options: { returnDocument: 'after' },
  ): { lean(): PromiseLike<unknown> };
  updateOne(filter: object, update: object): PromiseLike<{ modifiedCount?: number }>;
}

/** A window an account entered: when it ends, after how many attempts (for the bank's audit). */
export interface ThrottleWindow {
  accountId: string;
  attempts: number;
  until: Date;
}

/** `window`: the account's window was opened or made longer by this attempt. */
type Admission = { admitted: boolean; window?: ThrottleWindow };

const oneAccountAtATime = oneAtATime('throttle');
const serially = <T>(accounts: ThrottledAccounts, accountId: string, task: () => Promise<T>) =>
  oneAccountAtATime(`${accounts.modelName}:${accountId}`, task);

// Outside any window: never throttled, or its window is over.
const open = (_id: string, now: Date) => ({
  _id,
  $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }],
});

/** The account after one more attempt is counted: its count, and the window it is in. */
async function countAttempt(accounts: ThrottledAccounts, _id: string) {
  return (
    (await accounts
      // The whole document: FerretDB's findAndModify takes no projection.
      .findOneAndUpdate({ _id }, { $inc: { failedAttempts: 1 } }, { returnDocument: 'after' })
      .lean()) as { failedAttempts?: number; lockedUntil?: Date | null } | null
  );
}

/** Make the account's window end no earlier than `until`; the window when that changed it. */
async function lengthen(accounts: ThrottledAccounts, accountId: string, attempts: number, until: Date) {
  const longer = await accounts.updateOne(
    { _id: accountId, $or: [{ lockedUntil: null }, { lockedUntil: { $lt: until } }] },
    { $set: { lockedUntil: until } },
  );
  return longer.modifiedCount ? { accountId, attempts, until } : undefined;
}

/**
 * Count an attempt on this account and say whether it may be checked. It may within the free
 * attempts, or past them when it is the one that opens the next window; any other attempt past
 * them is refused and makes the window last as its count says (so a burst of guesses at once
 * throttles the account as long as the same guesses in a row would).
 */
export function admitAttempt(
  accounts: ThrottledAccounts,
  accountId: string,
  now = new Date(),
): Promise<Admission> {
  return serially(accounts, accountId, () => admit(accounts, accountId, now));
}

async function admit(accounts: ThrottledAccounts, accountId: string, now: Date): Promise<Admission> {
  const counted = await countAttempt(accounts, accountId);
  if (!counted) return { admitted: false };
  const attempts = counted.failedAttempts ?? 1;
  const windowMs = throttleWindowMs(attempts);
  if (!windowMs) return { admitted: true };
  const until = new Date(now.getTime() + windowMs);
  // Outside a window, this attempt may open the next one; inside, it only makes it longer.
  if (!counted.lockedUntil || counted.lockedUntil <= now) {
    const opened = await accounts.updateOne(open(accountId, now), { $set: { lockedUntil: until } });
    if (opened.modifiedCount) return { admitted: true, window: { accountId, attempts, until } };
  }
  const window = await lengthen(accounts, accountId, attempts, until);
  return { admitted: false, ...(window ? { window } : {}) };
}

/**
 * A failure found after the attempt was admitted (a wrong one-time code): it counts as one more
 * attempt, and past the free ones the account's window lasts as its count says. The window, when
 * this made it longer.
 */
export function countFailure(
  accounts: ThrottledAccounts,
  accountId: string,
  now = new Date(),
): Promise<ThrottleWindow | undefined> {
  return serially(accounts, accountId, async () => {
    const attempts = (await countAttempt(accounts, accountId))?.failedAttempts ?? 0;
    const windowMs = throttleWindowMs(attempts);
    if (!windowMs) return undefined;
    return lengthen(accounts, accountId, attempts, new Date(now.getTime() + windowMs));
  });
}

/** A successful log-in: the count starts again. */
export function clearAttempts(accounts: ThrottledAccounts, accountId: string): Promise<unknown> {
  return serially(accounts, accountId, async () =>
    accounts.updateOne({ _id: accountId }, { $set: { failedAttempts: 0 }, $unset: { lockedUntil: 1 } }),
  );
}

/** One audit line for a window an account entered; `account` says which kind of account. */
export function auditWindow(
  log: { warn(fields: object, message: string): void },
  account: 'customer' | 'staff' | 'developer',
  window: ThrottleWindow,
): void {
  log.warn(
    {
      audit: 'login.throttled',
      account,
      accountRef: createHash('sha256').update(window.accountId).digest('hex').slice(0, 16),
      attempts: window.attempts,
      until: window.until.toISOString(),
    },
    'log-in attempts throttled',
  );
}
