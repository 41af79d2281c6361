// The bank identity provider's checks: password, then a one-time code sent to the customer, with
// a lockout after repeated failures of either. Messages never say whether a username exists.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Models } from '../../db/models/index.js';
import type { Customer } from '../../db/models/customer.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';

export const LOCKOUT = { maxFailures: 5, durationMs: 15 * 60_000 } as const;
export const ONE_TIME_CODE = { ttlMs: 5 * 60_000, maxAttempts: 5 } as const;

type IdpModels = Pick<Models, 'Customer' | 'LoginChallenge' | 'Notification'>;
export type CustomerRecord = Customer & { _id: string };

export type PasswordCheck =
  { ok: true; customer: CustomerRecord } | { ok: false; reason: 'invalid' | 'locked' };

export async function checkPassword(
  models: IdpModels,
  username: string,
  password: string,
  now = new Date(),
): Promise<PasswordCheck> {
  const customer = await models.Customer.findOne({ username }).lean<CustomerRecord>();
  if (!customer) {
    await verifyPassword(password, DUMMY_HASH); // same work as a real check
    return { ok: false, reason: 'invalid' };
  }
  if (customer.lockedUntil && customer.lockedUntil > now) return { ok: false, reason: 'locked' };
  if (await verifyPassword(password, customer.passwordHash)) return { ok: true, customer };
  return { ok: false, reason: (await recordFailure(models, customer, now)) ? 'locked' : 'invalid' };
}

/** Count a failed password or code; true when the customer is now locked out. */
export async function recordFailure(
  models: IdpModels,
  customer: Pick<CustomerRecord, '_id' | 'failedAttempts'>,
  now = new Date(),
): Promise<boolean> {
  const failures = customer.failedAttempts + 1;
  const locked = failures >= LOCKOUT.maxFailures;
  await models.Customer.updateOne(
    { _id: customer._id },
    locked
      ? { $set: { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.durationMs) } }
      : { $set: { failedAttempts: failures } },
  );
  return locked;
}

const hashCode = (uid: string, code: string) =>
  createHash('sha256').update(`${uid}:${code}`).digest('base64');

/** Send a fresh one-time code for this login interaction; it replaces any earlier one. */
export async function sendOneTimeCode(
  models: IdpModels,
  uid: string,
  customer: CustomerRecord,
  now = new Date(),
): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await models.LoginChallenge.replaceOne(
    { _id: uid },
    {
      _id: uid,
      customerId: customer._id,
      codeHash: hashCode(uid, code),
      expiresAt: new Date(now.getTime() + ONE_TIME_CODE.ttlMs),
      attempts: 0,
    },
    { upsert: true },
  );
  await models.Notification.create({
    _id: `otp/${uid}/${now.getTime()}`,
    to: customer.email,
    audience: 'customer',
    template: 'one-time-code',
    subject: 'Your one-time code',
    body: `Your code to log in is ${code}. It expires in 5 minutes. The bank will never ask you for it by phone.`,
    sentAt: now,
  });
}

export type CodeCheck =
  { ok: true; customerId: string } | { ok: false; reason: 'invalid' | 'expired' | 'locked' };

export async function checkOneTimeCode(
  models: IdpModels,
  uid: string,
  code: string,
  now = new Date(),
): Promise<CodeCheck> {
  const challenge = await models.LoginChallenge.findById(uid).lean();
  if (!challenge || challenge.expiresAt <= now) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(challenge.codeHash, 'base64');
  if (/^\d{6}$/.test(code) && timingSafeEqual(Buffer.from(hashCode(uid, code), 'base64'), expected)) {
    await models.LoginChallenge.deleteOne({ _id: uid });
    await models.Customer.updateOne(
      { _id: challenge.customerId },
      { $set: { failedAttempts: 0 }, $unset: { lockedUntil: 1 } },
    );
    return { ok: true, customerId: challenge.customerId };
  }
  const customer = await models.Customer.findById(challenge.customerId).lean<CustomerRecord>();
  const locked = customer ? await recordFailure(models, customer, now) : false;
  if (locked || challenge.attempts + 1 >= ONE_TIME_CODE.maxAttempts) {
    await models.LoginChallenge.deleteOne({ _id: uid });
    return { ok: false, reason: locked ? 'locked' : 'expired' };
  }
  await models.LoginChallenge.updateOne({ _id: uid }, { $set: { attempts: challenge.attempts + 1 } });
  return { ok: false, reason: 'invalid' };
}
