// A destructive action's confirmation: a page that says what will happen, whose form does it (a POST
// with the CSRF token and `confirm=yes`). A POST without that comes back to this page, so no single
// click — nor a form posted from elsewhere — ends anything.
import type { Response } from 'express';
import { html, type Html } from '../../../../lib/http/html.js';
import type { DeveloperIdentity } from '../access.js';
import { csrfField, formProblems, sendPage } from '../frame-pages.js';

/** The action was confirmed on its confirmation page. */
export const confirmed = (body: unknown) => (body as Record<string, unknown> | undefined)?.confirm === 'yes';

export interface Confirmation {
  title: string;
  /** What happens, and what cannot be undone. */
  message: Html | string;
  /** Where the confirming form posts. */
  action: string;
  button: string;
  cancel: { href: string; text: string };
  error?: string;
}

export const sendConfirmation = (
  res: Response,
  status: number,
  developer: DeveloperIdentity,
  c: Confirmation,
) =>
  sendPage(
    res,
    status,
    c.title,
    html`<h1>${c.title}</h1>
      ${formProblems({ error: c.error })}
      <p>${c.message}</p>
      <form method="post" action="${c.action}">
        ${csrfField(developer)}<input type="hidden" name="confirm" value="yes" />
        <button type="submit">${c.button}</button>
      </form>
      <p><a href="${c.cancel.href}">${c.cancel.text}</a></p>`,
    developer,
  );
