// Bank staff log-in: email and password, with the customers' lockout rules (5 failures lock the
// account for 15 minutes). Messages never say whether an email is known.
import { LOCKOUT } from '../../auth/idp/authenticate.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../auth/idp/passwords.js';
import type { Models } from '../../db/models/index.js';
import type { StaffRole, StaffUser } from '../../db/models/staff-user.js';

type StaffModels = Pick<Models, 'StaffUser'>;
export type StaffRecord = StaffUser & { _id: string };

export const MIN_STAFF_PASSWORD = 12;
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export type StaffCheck = { ok: true; staff: StaffRecord } | { ok: false; reason: 'invalid' | 'locked' };

export async function checkStaffPassword(
  models: StaffModels,
  email: string,
  password: string,
  now = new Date(),
): Promise<StaffCheck> {
  const staff = await models.StaffUser.findById(normaliseEmail(email)).lean<StaffRecord>();
  const result = await checkWithLockout(models.StaffUser, staff, password, now);
  return result === 'ok' ? { ok: true, staff: staff! } : { ok: false, reason: result };
}

interface LockableAccount {
  _id: string;
  passwordHash: string;
  failedAttempts: number;
  lockedUntil?: Date | null;
}

/**
 * A password check with the customers' lockout rules, for any account collection (staff,
 * marketplace developers). An unknown account costs the same work as a known one.
 */
export async function checkWithLockout(
  model: { updateOne(filter: object, update: object): PromiseLike<{ modifiedCount?: number }> },
  account: LockableAccount | null | undefined,
  password: string,
  now = new Date(),
): Promise<'ok' | 'invalid' | 'locked'> {
  if (!account) {
    await verifyPassword(password, DUMMY_HASH);
    return 'invalid';
  }
  if (account.lockedUntil && account.lockedUntil > now) return 'locked';
  if (await verifyPassword(password, account.passwordHash)) {
    if (account.failedAttempts > 0 || account.lockedUntil)
      await model.updateOne(
        { _id: account._id },
        { $set: { failedAttempts: 0 }, $unset: { lockedUntil: 1 } },
      );
    return 'ok';
  }
  // $inc, not read-and-set: guesses sent in parallel each count.
  await model.updateOne({ _id: account._id }, { $inc: { failedAttempts: 1 } });
  const lock = await model.updateOne(
    { _id: account._id, failedAttempts: { $gte: LOCKOUT.maxFailures } },
    { $set: { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.durationMs) } },
  );
  return lock.modifiedCount ? 'locked' : 'invalid';
}

export interface NewStaffUser {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

/** Create a staff user, or with `replace` reset an existing one (role, name, password, lockout). */
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
