// Developer accounts: sign-up with an email address proved by a link, log-in with the throttling
// of guesses of the bank's other log-ins. The link's token is random; only its SHA-256 is stored.
// Mail goes to the notifications outbox, which the development mailbox page shows.
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { checkWithThrottle } from '../../../auth/idp/password-check.js';
import { hashPassword } from '../../../auth/idp/passwords.js';
import type { Models } from '../../../db/models/index.js';
import { randomToken } from '../../../lib/http/forms.js';
import { fieldErrors } from '../../../lib/http/problem.js';
import { normaliseEmail } from '../../../lib/web/email.js';
import { MarketplaceError } from '../errors.js';

export const MIN_DEVELOPER_PASSWORD = 12;
const VERIFICATION_TTL_MS = 24 * 3600_000;
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

const signUpSchema = z
  .object({
    name: z.string().trim().min(1, { error: 'is required' }).max(200),
    email: z.email({ error: 'must be an email address' }).max(254),
    password: z
      .string()
      .min(MIN_DEVELOPER_PASSWORD, { error: `must have at least ${MIN_DEVELOPER_PASSWORD} characters` })
      .max(200),
  })
  .strict();

type AccountModels = Pick<Models, 'Developer' | 'Notification'>;

export function developerAccounts(deps: { models: AccountModels; marketplaceUrl: string }) {
  const { Developer, Notification } = deps.models;

  async function sendVerification(developer: { _id: string; email: string; name: string }) {
    const token = randomToken();
    await Developer.updateOne(
      { _id: developer._id },
      {
        $set: {
          verification: { tokenHash: digest(token), expiresAt: new Date(Date.now() + VERIFICATION_TTL_MS) },
        },
      },
    );
    const link = `${deps.marketplaceUrl}/verify?token=${token}`;
    await Notification.create({
      _id: `verify/${developer._id}/${digest(token).slice(0, 16)}`,
      to: developer.email,
      audience: 'organization',
      template: 'developer-verification',
      subject: 'Confirm your email address',
      body: `Hello ${developer.name}, confirm your email address for the developer marketplace: ${link} (the link works for 24 hours).`,
      sentAt: new Date(),
    });
    return link;
  }

  return {
    async signUp(body: unknown) {
      const parsed = signUpSchema.safeParse(body);
      if (!parsed.success)
        throw new MarketplaceError(400, 'Invalid sign-up', undefined, fieldErrors(parsed.error));
      const email = normaliseEmail(parsed.data.email);
      const existing = await Developer.findOne({ email }).lean();
      if (existing) {
        // Verified: the same answer, so sign-up does not reveal accounts. Not verified: whoever
        // proves the address owns the account, so its name and password become this sign-up's
        // (else someone could sign up first with another's address and keep the password).
        if (!existing.emailVerifiedAt) {
          await Developer.updateOne(
            { _id: existing._id },
            { $set: { name: parsed.data.name, passwordHash: await hashPassword(parsed.data.password) } },
          );
          await sendVerification(existing);
        }
        return { email };
      }
      const developer = {
        _id: randomUUID(),
        email,
        name: parsed.data.name,
        passwordHash: await hashPassword(parsed.data.password),
      };
      try {
        await Developer.create(developer);
      } catch (err) {
        // Two sign-ups with one address at once: the unique index keeps one; both get this answer.
        if ((err as { code?: number }).code === 11000) return { email };
        throw err;
      }
      await sendVerification(developer);
      return { email };
    },

    async verify(token: unknown): Promise<{ _id: string; email: string } | undefined> {
      if (typeof token !== 'string' || !/^[\w-]{43}$/.test(token)) return undefined;
      const developer = await Developer.findOne({ 'verification.tokenHash': digest(token) }).lean();
      if (!developer?.verification?.expiresAt || developer.verification.expiresAt < new Date())
        return undefined;
      await Developer.updateOne(
        { _id: developer._id },
        { $set: { emailVerifiedAt: new Date() }, $unset: { verification: 1 } },
      );
      return { _id: developer._id, email: developer.email };
    },

    async logIn(email: string, password: string) {
      const developer = await Developer.findOne({ email: normaliseEmail(email) }).lean();
      const result = await checkWithThrottle(Developer, developer, password);
      if (!result.ok) return result;
      if (!developer!.emailVerifiedAt) return { ok: false as const, reason: 'unverified' as const };
      return { ok: true as const, developer: developer! };
    },
  };
}

export type DeveloperAccounts = ReturnType<typeof developerAccounts>;
