// The bank identity provider's checks: password, then a one-time code sent to the customer, with
// guesses of either throttled per customer (./throttle.ts). Answers never say whether a username
// exists or is throttled.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Models } from '../../db/models/index.js';
import type { Customer } from '../../db/models/customer.js';
import { oneAtATime } from '../../lib/one-at-a-time.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { admitAttempt, clearAttempts, countFailure, type ThrottleWindow } from './throttle.js';

export const ONE_TIME_CODE = { ttlMs: 5 * 60_000, maxAttempts: 5 } as const;

type IdpModels = Pick<Models, 'Customer' | 'LoginChallenge' | 'Notification'>;
type CustomerRecord = Customer & { _id: string };

/**
 * `throttled`: refused unchecked, the customer is in a throttling window; callers answer it as
 * `invalid`. `window`: this attempt opened or lengthened one (for the bank's audit).
 */
type PasswordCheck =
  | { ok: true; customer: CustomerRecord }
  | { ok: false; reason: 'invalid' | 'throttled'; window?: ThrottleWindow };

/**
 * The customer's password. Every attempt counts until the one-time code completes the log-in, so a
 * right password without its code does not start the count again.
 */
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
  // The count alongside the hash, so a known account takes the time of an unknown one (the hash);
  // a refused attempt's result is thrown away.
  const [{ admitted, window }, right] = await Promise.all([
    admitAttempt(models.Customer, customer._id, now),
    verifyPassword(password, customer.passwordHash),
  ]);
  const audit = window ? { window } : {};
  if (!admitted) return { ok: false, reason: 'throttled', ...audit };
  return right ? { ok: true, customer } : { ok: false, reason: 'invalid', ...audit };
}

const oneChallengeAtATime = oneAtATime('one-time-code');

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

/** A new code on the customer's request: not sooner than 30 s after the last, at most 3 in a login. */
const RESEND = { minIntervalMs: 30_000, maxCodes: 3 } as const;

type Resend =
  | { ok: true }
  | { ok: false; reason: 'too_soon'; retryAfterSeconds: number }
  | { ok: false; reason: 'no_more' | 'expired' };

/**
 * Send the customer of this login a new code, replacing the last, within RESEND's limits. The
 * codes sent are the login's `otp/<uid>/…` notifications. One at a time with the code checks, so
 * a burst of requests sends one code.
 */
export function resendOneTimeCode(models: IdpModels, uid: string, now = new Date()): Promise<Resend> {
  return oneChallengeAtATime(uid, async () => {
    const challenge = await models.LoginChallenge.findById(uid).lean();
    if (!challenge || challenge.expiresAt <= now) return { ok: false, reason: 'expired' };
    const wait = challenge.expiresAt.getTime() - ONE_TIME_CODE.ttlMs + RESEND.minIntervalMs - now.getTime();
    if (wait > 0) return { ok: false, reason: 'too_soon', retryAfterSeconds: Math.ceil(wait / 1000) };
    const prefix = `otp/${uid}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const sent = await models.Notification.countDocuments({ _id: { $regex: `^${prefix}` } });
    if (sent >= RESEND.maxCodes) return { ok: false, reason: 'no_more' };
    const customer = await models.Customer.findById(challenge.customerId).lean<CustomerRecord>();
    if (!customer) return { ok: false, reason: 'expired' };
    await sendOneTimeCode(models, uid, customer, now);
    return { ok: true };
  });
}

type CodeCheck =
  { ok: true; customerId: string } | { ok: false; reason: 'invalid' | 'expired'; window?: ThrottleWindow };

/**
 * The one-time code of this login interaction. Each attempt takes one of the challenge's five
 * with `$inc` before the code is compared, so codes sent in parallel get five comparisons in all;
 * a wrong code also counts against the customer's throttling. The checks of one challenge run one
 * at a time too, across replicas when REDIS_URL is set: FerretDB v1's `$inc` and
 * `findOneAndDelete` are not atomic.
 */
export function checkOneTimeCode(
  models: IdpModels,
  uid: string,
  code: string,
  now = new Date(),
): Promise<CodeCheck> {
  return oneChallengeAtATime(uid, () => checkCode(models, uid, code, now));
}

async function checkCode(models: IdpModels, uid: string, code: string, now: Date): Promise<CodeCheck> {
  const challenge = await models.LoginChallenge.findOneAndUpdate(
    { _id: uid },
    { $inc: { attempts: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!challenge || challenge.expiresAt <= now || challenge.attempts > ONE_TIME_CODE.maxAttempts) {
    if (challenge) await models.LoginChallenge.deleteOne({ _id: uid });
    return { ok: false, reason: 'expired' };
  }
  const expected = Buffer.from(challenge.codeHash, 'base64');
  if (/^\d{6}$/.test(code) && timingSafeEqual(Buffer.from(hashCode(uid, code), 'base64'), expected)) {
    // Whoever deletes the challenge uses the code: the same code sent twice logs in once.
    if (!(await models.LoginChallenge.findOneAndDelete({ _id: uid }).lean()))
      return { ok: false, reason: 'expired' };
    await clearAttempts(models.Customer, challenge.customerId);
    return { ok: true, customerId: challenge.customerId };
  }
  const window = await countFailure(models.Customer, challenge.customerId, now);
  if (challenge.attempts >= ONE_TIME_CODE.maxAttempts) {
    await models.LoginChallenge.deleteOne({ _id: uid });
    return { ok: false, reason: 'expired', ...(window ? { window } : {}) };
  }
  return { ok: false, reason: 'invalid', ...(window ? { window } : {}) };
}
