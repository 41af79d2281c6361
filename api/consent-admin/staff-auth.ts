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
  if (!staff) {
    await verifyPassword(password, DUMMY_HASH); // same work as a real check
    return { ok: false, reason: 'invalid' };
  }
  if (staff.lockedUntil && staff.lockedUntil > now) return { ok: false, reason: 'locked' };
  if (await verifyPassword(password, staff.passwordHash)) {
    if (staff.failedAttempts > 0 || staff.lockedUntil)
      await models.StaffUser.updateOne(
        { _id: staff._id },
        { $set: { failedAttempts: 0 }, $unset: { lockedUntil: 1 } },
      );
    return { ok: true, staff };
  }
  const failures = staff.failedAttempts + 1;
  const locked = failures >= LOCKOUT.maxFailures;
  await models.StaffUser.updateOne(
    { _id: staff._id },
    locked
      ? { $set: { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.durationMs) } }
      : { $set: { failedAttempts: failures } },
  );
  return { ok: false, reason: locked ? 'locked' : 'invalid' };
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
