// What the login and consent pages share: their form parser, CSRF tokens bound to the
// interaction (both from lib/http/forms.ts), and the answers for an expired interaction or a
// refused form, in the customer's language.
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import type { Branding } from '../../lib/config.js';
import { pageContext } from './frame.js';
import { messagePage } from './views.js';

// The generic parts live in lib/http/forms.ts (the marketplace consoles use them too).
export { csrfTokens, formBody } from '../../lib/http/forms.js';

/** The interaction behind this request, or undefined once an "expired" page has been sent. */
export async function interactionOrExpired(
  provider: Provider,
  req: Request,
  res: Response,
  branding: Branding,
) {
  try {
    return await provider.interactionDetails(req, res);
  } catch {
    const c = pageContext(req, res, { branding });
    res
      .status(400)
      .type('html')
      .send(messagePage(c.t('message.expiredTitle'), c.t('message.expired'), c));
    return undefined;
  }
}

export function refuseForm(req: Request, res: Response, branding: Branding): void {
  const c = pageContext(req, res, { branding });
  res
    .status(403)
    .type('html')
    .send(messagePage(c.t('message.refusedTitle'), c.t('message.refused'), c));
}
