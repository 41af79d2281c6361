// What the login and consent pages share: their form parser, CSRF tokens bound to the
// interaction (both from lib/http/forms.ts), and the answers for an expired interaction or a
// refused form.
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { messagePage } from './views.js';

// The generic parts live in lib/http/forms.ts (the marketplace consoles use them too).
export { csrfTokens, formBody } from '../../lib/http/forms.js';

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
