// Bank staff log-in: email and password, with the customers' throttling of guesses (after five
// failures, one attempt per growing window). Answers never say whether an email is known.
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../auth/idp/passwords.js';
import {
  admitAttempt,
  clearAttempts,
  type ThrottledAccounts,
  type ThrottleWindow,
} from '../../auth/idp/throttle.js';
import type { Models } from '../../db/models/index.js';
import type { StaffRole, StaffUser } from '../../db/models/staff-user.js';

type StaffModels = Pick<Models, 'StaffUser'>;
export type StaffRecord = StaffUser & { _id: string };

export const MIN_STAFF_PASSWORD = 12;
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export type StaffCheck =
  { ok: true; staff: StaffRecord } | { ok: false; reason: 'invalid' | 'throttled'; window?: ThrottleWindow };

export async function checkStaffPassword(
  models: StaffModels,
  email: string,
  password: string,
  now = new Date(),
): Promise<StaffCheck> {
  const staff = await models.StaffUser.findById(normaliseEmail(email)).lean<StaffRecord>();
  const result = await checkWithThrottle(models.StaffUser, staff, password, now);
  return result.ok ? { ok: true, staff: staff! } : result;
}

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
export type AccountCheck =
  { ok: true } | { ok: false; reason: 'invalid' | 'throttled'; window?: ThrottleWindow };

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

export interface NewStaffUser {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

/** Create a staff user, or with `replace` reset an existing one (role, name, password, throttling). */
export async function saveStaffUser(
  models: StaffModels,
  user: NewStaffUser,
  options: { replace?: boolean } = {},
): Promise<'created' | 'replaced' | 'exists'> {
  const _id = normaliseEmail(user.email);
  if (user.password.length < MIN_STAFF_PASSWORD)
    throw new Error(`the password must have at least ${MIN_STAFF_PASSWORD} characters`);
  const exists = await models.StaffUser.exists({ _id });
  if (exists && !options.replace) return 'exists';
  const fields = { name: user.name, role: user.role, passwordHash: await hashPassword(user.password) };
  await models.StaffUser.updateOne(
    { _id },
    { $set: { ...fields, failedAttempts: 0 }, $unset: { lockedUntil: 1 } },
    { upsert: true },
  );
  return exists ? 'replaced' : 'created';
}
