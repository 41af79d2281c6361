// What the login and consent pages share: their form parser, CSRF tokens bound to the
// interaction, and the answers for an expired interaction or a refused form.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { urlencoded, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import { messagePage } from './views.js';

export const formBody = urlencoded({ extended: false, limit: '8kb' });

/** CSRF tokens for one page's forms: an HMAC of the interaction uid under the server's secret. */
export function csrfTokens(secret: string, purpose: string) {
  const token = (uid: string) => createHmac('sha256', secret).update(`${purpose}:${uid}`).digest('base64url');
  return {
    token,
    valid(req: Request, uid: string): boolean {
      const given = Buffer.from(String((req.body as Record<string, unknown>)?.csrf ?? ''));
      const expected = Buffer.from(token(uid));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** The interaction behind this request, or undefined once an "expired" page has been sent. */
export async function interactionOrExpired(provider: Provider, req: Request, res: Response) {
  try {
    return await provider.interactionDetails(req, res);
  } catch {
    res
      .status(400)
      .type('html')
      .send(
        messagePage(
          'Session expired',
          'This request has expired. Go back to the application and start again.',
        ),
      );
    return undefined;
  }
}

export function refuseForm(res: Response): void {
  res
    .status(403)
    .type('html')
    .send(messagePage('Request refused', 'This form is no longer valid. Start again from the application.'));
}
