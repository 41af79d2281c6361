// Server-side log-in sessions of the marketplace server's pages: the bank console, the developer
// portal and self-service.
// The cookie carries a random 256-bit token; the database keeps only its SHA-256, the subject, the
// CSRF token of the session's forms and the expiry. Log-out and a change of role or password take
// effect at once, every replica sees the same sessions, and there is no signing key to manage.
// A session also carries what the next page shows once: a notice after a redirect (never taken
// from the URL, which anyone can write), and secrets for a single view.
import { createHash, hkdfSync } from 'node:crypto';
import type { Request, Response } from 'express';
import type { WebSessionModel } from '../../db/models/web-sessions.js';
import { open, seal } from '../crypto/secret-box.js';
import { clearCookie, randomToken, readCookie, setCookie, type CookieScope } from '../http/forms.js';

/** However active, a session ends this long after log-in. */
const MAX_SESSION_MS = 12 * 3600_000;
/** The sliding expiry is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

interface SessionOptions {
  model: WebSessionModel;
  cookie: CookieScope;
  /** Idle time after which the session ends. */
  idleTtlMs: number;
}

interface Session {
  subject: string;
  csrf: string;
}

/** Secrets kept for one view and not seen within this time are not shown any more. */
const SECRET_VIEW_MS = 10 * 60_000;

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');
/** The key of a session's one-view secrets: from the cookie's token, which only the browser keeps. */
const secretKey = (token: string) =>
  Buffer.from(hkdfSync('sha256', token, 'obp-session', 'one-view secrets', 32));

export function sessionStore(o: SessionOptions) {
  const idOf = (req: Request) => {
    const token = readCookie(req, o.cookie.name);
    return token ? digest(token) : undefined;
  };

  return {
    /** Log in: a new token every time, so a token planted before log-in is worthless. */
    async create(req: Request, res: Response, subject: string): Promise<Session> {
      const now = new Date();
      const previous = idOf(req);
      if (previous) await o.model.deleteOne({ _id: previous });
      // No TTL index: expired sessions are removed here, at each log-in.
      await o.model.deleteMany({ expiresAt: { $lte: now } });
      const token = randomToken();
      const csrf = randomToken();
      await o.model.create({
        _id: digest(token),
        subject,
        csrf,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + o.idleTtlMs),
      });
      setCookie(req, res, o.cookie, token);
      return { subject, csrf };
    },

    /** The live session of this request; an expired one is removed and its cookie cleared. */
    async read(req: Request, res: Response): Promise<Session | undefined> {
      const id = idOf(req);
      if (!id) return undefined;
      const session = await o.model.findById(id).lean();
      const now = Date.now();
      if (!session || session.expiresAt.getTime() <= now) {
        if (session) await o.model.deleteOne({ _id: id });
        clearCookie(req, res, o.cookie);
        return undefined;
      }
      if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        const expiresAt = Math.min(now + o.idleTtlMs, session.createdAt.getTime() + MAX_SESSION_MS);
        await o.model.updateOne(
          { _id: id },
          { $set: { lastSeenAt: new Date(now), expiresAt: new Date(expiresAt) } },
        );
      }
      return { subject: session.subject, csrf: session.csrf };
    },

    /** The notice the next page of this session shows, once. */
    async flash(req: Request, notice: string): Promise<void> {
      const id = idOf(req);
      if (id) await o.model.updateOne({ _id: id }, { $set: { notice } });
    },

    /** This session's pending notice, removed as it is read. */
    async takeNotice(req: Request): Promise<string | undefined> {
      const id = idOf(req);
      if (!id) return undefined;
      const before = await o.model
        .findOneAndUpdate({ _id: id, notice: { $exists: true } }, { $unset: { notice: 1 } })
        .lean();
      return before?.notice ?? undefined;
    },

    /** Keeps `plain` for one view by the page of `forId` (replacing any secret not yet seen). */
    async keepSecret(req: Request, forId: string, plain: string): Promise<void> {
      const token = readCookie(req, o.cookie.name);
      if (!token) return;
      await o.model.updateOne(
        { _id: digest(token) },
        { $set: { secret: { for: forId, sealed: seal(secretKey(token), plain), at: new Date() } } },
      );
    },

    /** The secret kept for the page of `forId`, removed as it is read: a reload shows nothing. */
    async takeSecret(req: Request, forId: string): Promise<string | undefined> {
      const token = readCookie(req, o.cookie.name);
      if (!token) return undefined;
      const before = await o.model
        .findOneAndUpdate({ _id: digest(token), 'secret.for': forId }, { $unset: { secret: 1 } })
        .lean();
      const kept = before?.secret;
      if (!kept?.sealed || !kept.at || Date.now() - kept.at.getTime() > SECRET_VIEW_MS) return undefined;
      return open(secretKey(token), kept.sealed);
    },

    async destroy(req: Request, res: Response): Promise<void> {
      const id = idOf(req);
      if (id) await o.model.deleteOne({ _id: id });
      clearCookie(req, res, o.cookie);
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;
