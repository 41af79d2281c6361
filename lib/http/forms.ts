// HTML form basics: the urlencoded body parser, CSRF tokens, and cookies read without a parser
// dependency. Shared by the authorization server's pages and the marketplace consoles.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { urlencoded, type Request, type RequestHandler, type Response } from 'express';

const urlencodedBody = urlencoded({ extended: false, limit: '8kb' });

/**
 * A form's fields; a body of another type (JSON sent to a form, none at all) leaves no fields, so
 * a handler refuses it as an incomplete form rather than failing on an undefined body.
 */
export const formBody: RequestHandler = (req, res, next) =>
  urlencodedBody(req, res, (err?: unknown) => {
    req.body ??= {};
    next(err);
  });

/** A form field as text: a missing one, or one repeated (which parses as a list), reads as ''. */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Constant-time comparison of a submitted token with the expected one. */
export function sameToken(given: unknown, expected: string): boolean {
  const a = Buffer.from(typeof given === 'string' ? given : '');
  const b = Buffer.from(expected);
  return expected !== '' && a.length === b.length && timingSafeEqual(a, b);
}

/** CSRF tokens for one page's forms: an HMAC of a request-bound id under the server's secret. */
export function csrfTokens(secret: string, purpose: string) {
  const token = (uid: string) => createHmac('sha256', secret).update(`${purpose}:${uid}`).digest('base64url');
  return {
    token,
    valid(req: Request, uid: string): boolean {
      return sameToken((req.body as Record<string, unknown>)?.csrf, token(uid));
    },
  };
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** A cookie of the request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieScope {
  name: string;
  path: string;
  /** Send it over https only; also set whenever the request itself came over https. */
  secure: boolean;
}

/**
 * An HttpOnly, SameSite=Strict cookie: never readable by scripts, never sent by other sites.
 * Without maxAgeMs it is a browser-session cookie.
 */
export function setCookie(req: Request, res: Response, scope: CookieScope, value: string, maxAgeMs?: number) {
  res.cookie(scope.name, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure: scope.secure || req.secure,
    path: scope.path,
    ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
  });
}

export function clearCookie(req: Request, res: Response, scope: CookieScope) {
  res.clearCookie(scope.name, {
    httpOnly: true,
    sameSite: 'strict',
    secure: scope.secure || req.secure,
    path: scope.path,
  });
}

/**
 * CSRF for forms shown before there is a session (log-in): a random token in a SameSite=Strict
 * cookie that the form must repeat. Another site can neither read the cookie nor make the
 * browser send it.
 */
export function doubleSubmitCsrf(scope: CookieScope, maxAgeMs = 30 * 60_000) {
  return {
    issue(req: Request, res: Response): string {
      const existing = readCookie(req, scope.name);
      const token = existing && /^[\w-]{43}$/.test(existing) ? existing : randomToken();
      setCookie(req, res, scope, token, maxAgeMs);
      return token;
    },
    valid(req: Request): boolean {
      return sameToken((req.body as Record<string, unknown>)?.csrf, readCookie(req, scope.name) ?? '');
    },
  };
}
