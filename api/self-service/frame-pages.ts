// The customers' pages' frame: the bank's plain layout, a header with log-out once logged in, and
// the message pages.
import { html, logoutForm, page, type Html } from '../../lib/http/html.js';

export interface Me {
  customerId: string;
  name: string;
  csrf: string;
}

export function myPage(title: string, body: Html, me?: Me): string {
  const header = html`<header>
    <p><strong>Your bank — connected apps</strong></p>
    ${
      me
        ? html`<nav aria-label="Self-service"><a href="/my/consents">Your consents</a></nav>
            <p>${me.name}</p>
            ${logoutForm('/my/logout', me.csrf)}`
        : ''
    }
  </header>`;
  return page(title, body, { site: 'Bank', header, wide: true });
}

export function messagePage(title: string, message: string, me?: Me, back?: string): string {
  return myPage(
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>
      ${back ? html`<p><a href="${back}">Back</a></p>` : ''}`,
    me,
  );
}
