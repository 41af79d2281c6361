// The developer portal's page frame: site name, navigation for a logged-in developer, log-out,
// and what its routes share: sending a page, one-message pages, and forms' problems and values.
// Plain HTML, no scripts.
import type { Response } from 'express';
import { html, logoutForm, page, type Html } from '../../../lib/http/html.js';
import type { FieldError } from '../../../lib/http/problem.js';
import { banner } from '../../../lib/web/fragments.js';
import { MarketplaceError } from '../errors.js';
import type { DeveloperIdentity } from './access.js';

const PORTAL = 'Developer marketplace';

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
            ${logoutForm('/logout', developer.csrf)}`
        : ''
    }
  </header>`;
  return page(title, body, { site: PORTAL, header, wide: true });
}

export const sendPage = (
  res: Response,
  status: number,
  title: string,
  body: Html,
  developer?: DeveloperIdentity,
) =>
  res
    .status(status)
    .type('html')
    .send(portalPage(title, body, developer));

/** A page that says one thing: why not (an alert) or, when `ok`, what happened; then where to go. */
export interface Message {
  title: string;
  /** The heading, when not the title. */
  heading?: string;
  message: string | Html;
  ok?: boolean;
  link?: { href: string; text: string };
}

export const sendMessage = (res: Response, status: number, m: Message, developer?: DeveloperIdentity) =>
  sendPage(
    res,
    status,
    m.title,
    html`<h1>${m.heading ?? m.title}</h1>
      <p role="${m.ok ? 'status' : 'alert'}">${m.message}</p>
      ${m.link ? html`<p><a href="${m.link.href}">${m.link.text}</a></p>` : ''}`,
    developer,
  );

/** Another organization's application is not found either. */
export const sendAppNotFound = (res: Response, developer: DeveloperIdentity) =>
  sendPage(res, 404, 'Not found', html`<h1>Application not found</h1>`, developer);

export interface FormProblems {
  error?: string;
  notice?: string;
  errors?: FieldError[];
}

/** A form page's state: its problems and the values to show again. */
export type FormState = FormProblems & { values?: Record<string, string> };

/** A refused action's status and problems, to show the form again; any other error is thrown on. */
export function refusal(err: unknown): FormProblems & { status: number } {
  if (!(err instanceof MarketplaceError)) throw err;
  return { status: err.status, error: err.detail ?? err.title, errors: err.errors };
}

/** A form's problems: the summary first (focusable), each linked to its field. */
export function formProblems(o: FormProblems): Html {
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
