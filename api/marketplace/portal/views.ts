// The developer portal's page frame: site name, navigation for a logged-in developer, log-out,
// and the pieces its forms share (error list, banner). Plain HTML, no scripts.
import { html, page, type Html } from '../../../lib/http/html.js';
import type { FieldError } from '../../../lib/http/problem.js';
import { banner } from '../../consent-admin/views.js';
import type { DeveloperIdentity } from './access.js';

export const PORTAL = 'Developer marketplace';

export function portalPage(title: string, body: Html, developer?: DeveloperIdentity): string {
  const header = html`<header>
    <p>
      <strong><a href="/">${PORTAL}</a></strong>
    </p>
    <nav aria-label="Marketplace">
      <a href="/products">Products</a>
      ${
        developer
          ? html`<a href="/organization">Organization</a> <a href="/subscriptions">Subscriptions</a>
              <a href="/apps">Applications</a> <a href="/insights">Insights</a>`
          : html`<a href="/login">Log in</a> <a href="/signup">Sign up</a>`
      }
    </nav>
    ${
      developer
        ? html`<p>${developer.name} (${developer.email})</p>
            <form method="post" action="/logout">
              <input type="hidden" name="csrf" value="${developer.csrf}" />
              <button type="submit" class="secondary">Log out</button>
            </form>`
        : ''
    }
  </header>`;
  return page(title, body, { site: PORTAL, header, wide: true });
}

/** A form's problems: the summary first (focusable), each linked to its field. */
export function formProblems(o: { error?: string; notice?: string; errors?: FieldError[] }): Html {
  return html`${banner({ notice: o.notice, error: o.error })}${
    o.errors?.length
      ? html`<ul class="error" aria-label="Problems with the form">
          ${o.errors.map((e) => html`<li>${e.field}: ${e.message}</li>`)}
        </ul>`
      : ''
  }`;
}

export const csrfField = (developer: DeveloperIdentity) =>
  html`<input type="hidden" name="csrf" value="${developer.csrf}" />`;
