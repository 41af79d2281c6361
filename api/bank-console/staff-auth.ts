// Bank staff log-in: email and password, with the customers' throttling of guesses (after five
// failures, one attempt per growing window; auth/idp/password-check.ts). Answers never say whether
// an email is known.
import { checkWithThrottle } from '../../auth/idp/password-check.js';
import { hashPassword } from '../../auth/idp/passwords.js';
import type { ThrottleWindow } from '../../auth/idp/throttle.js';
import type { Models } from '../../db/models/index.js';
import type { StaffRole, StaffUser } from '../../db/models/staff-user.js';
import { normaliseEmail } from '../../lib/web/email.js';

type StaffModels = Pick<Models, 'StaffUser'>;
export type StaffRecord = StaffUser & { _id: string };

export const MIN_STAFF_PASSWORD = 12;

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
