// A password check with the customers' throttling of guesses (./throttle.ts), for any other
// account collection: the bank's staff, the marketplace's developers.
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { admitAttempt, clearAttempts, type ThrottledAccounts, type ThrottleWindow } from './throttle.js';

interface ThrottledAccount {
  _id: string;
  passwordHash: string;
  failedAttempts: number;
  lockedUntil?: Date | null;
}

/**
 * `throttled`: refused unchecked, the account is in a throttling window; callers answer it as
 * `invalid`. `window`: this attempt opened or lengthened one (for the bank's audit).
 */
type AccountCheck = { ok: true } | { ok: false; reason: 'invalid' | 'throttled'; window?: ThrottleWindow };

/**
 * A password check with the customers' throttling (auth/idp/throttle.ts), for any account
 * collection (staff, marketplace developers). An unknown account costs the same work as a known
 * one.
 */
export async function checkWithThrottle(
  model: ThrottledAccounts,
  account: ThrottledAccount | null | undefined,
  password: string,
  now = new Date(),
): Promise<AccountCheck> {
  if (!account) {
    await verifyPassword(password, DUMMY_HASH);
    return { ok: false, reason: 'invalid' };
  }
  // The count alongside the hash, so a known account takes the time of an unknown one (the hash);
  // a refused attempt's result is thrown away.
  const [{ admitted, window }, right] = await Promise.all([
    admitAttempt(model, account._id, now),
    verifyPassword(password, account.passwordHash),
  ]);
  const audit = window ? { window } : {};
  if (!admitted) return { ok: false, reason: 'throttled', ...audit };
  if (!right) return { ok: false, reason: 'invalid', ...audit };
  await clearAttempts(model, account._id);
  return { ok: true };
}
