// Browser sessions in memory (an example: a real app keeps them in its own store). A session holds
// the checks of the authorization request under way and, after the callback, the grant's tokens.
// The cookie carries a random id only; nothing of a session is ever logged.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Standard } from './config.js';

/** What the callback is checked against. */
export interface PendingAuthorization {
  standard: Standard;
  pkceCodeVerifier: string;
  expectedState: string;
  expectedNonce?: string;
  /** OFB: the consent lodged before the redirect. */
  consentId?: string;
}

/** The customer's grant: its consent and the (certificate-bound) access token. */
export interface Grant {
  standard: Standard;
  consentId: string;
  accessToken: string;
  expiresAt: number;
  revoked?: boolean;
}

export interface Session {
  id: string;
  csrf: string;
  lastSeen: number;
  pending?: PendingAuthorization;
  grant?: Grant;
}

const COOKIE = 'recipient_session';
const IDLE_MS = 60 * 60_000;
const MAX_SESSIONS = 10_000;

const random = () => randomBytes(24).toString('base64url');

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export class SessionStore {
  private sessions = new Map<string, Session>();

  /** The request's session, or a new one (with its cookie set on the response). */
  of(req: Request, res: Response): Session {
    const now = Date.now();
    const id = cookieValue(req, COOKIE);
    const found = id ? this.sessions.get(id) : undefined;
    if (found && now - found.lastSeen < IDLE_MS) {
      found.lastSeen = now;
      return found;
    }
    this.prune(now);
    const session: Session = { id: random(), csrf: random(), lastSeen: now };
    this.sessions.set(session.id, session);
    res.cookie(COOKIE, session.id, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
    return session;
  }

  private prune(now: number) {
    for (const [id, s] of this.sessions) if (now - s.lastSeen >= IDLE_MS) this.sessions.delete(id);
    // Oldest first: Map keeps insertion order.
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
  }
}
