// Server-rendered pages of the bank's identity provider, in the customer's language (../i18n.ts)
// and the bank's frame (./frame.ts). Plain HTML with labels and a logical focus order; nothing is
// loaded from outside the server but the recipient's and the bank's logos.
import { html, type Html } from '../../lib/http/html.js';
import { customerPage, plainContext, type PageContext } from './frame.js';

export { html } from '../../lib/http/html.js';

const alert = (error: string | undefined) =>
  error ? html`<p class="error" role="alert" id="error">${error}</p>` : '';

export function loginPage(
  o: { action: string; csrf: string; client: string; error?: string; username?: string },
  c: PageContext = plainContext(),
): string {
  return customerPage(
    c,
    c.t('login.title'),
    html`<h1>${c.t('login.heading')}</h1>
      <p><strong>${o.client}</strong> ${c.t('login.asks')}</p>
      ${alert(o.error)}
      <form method="post" action="${o.action}" autocomplete="off" novalidate>
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <label for="username">${c.t('login.cpf')}</label>
        <input
          id="username"
          name="username"
          inputmode="numeric"
          autocomplete="username"
          required
          value="${o.username ?? ''}"
          ${o.error ? '' : html`autofocus`}${o.error ? html` aria-describedby="error"` : ''}
        />
        <label for="password">${c.t('login.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          ${o.error ? html`autofocus` : ''}
        />
        <button type="submit">${c.t('login.continue')}</button>
      </form>`,
  );
}

/** The one-time-code form, as the login pages and self-service (in English) both ask for it. */
export function oneTimeCodeForm(
  o: { action: string; csrf: string; error?: string },
  c: Pick<PageContext, 't'> = plainContext(),
): Html {
  return html`<form method="post" action="${o.action}" autocomplete="off" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}" />
    <label for="code">${c.t('code.label')}</label>
    <input
      id="code"
      name="code"
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9]{6}"
      maxlength="6"
      required
      autofocus${o.error ? html` aria-describedby="error"` : ''}
    />
    <p class="hint">${c.t('code.hint')}</p>
    <button type="submit">${c.t('code.submit')}</button>
  </form>`;
}

/** The code page: the form, then asking for a new code or cancelling (each its own small form). */
export function codePage(
  o: { action: string; csrf: string; error?: string; notice?: string },
  c: PageContext = plainContext(),
): string {
  return customerPage(
    c,
    c.t('code.title'),
    html`<h1>${c.t('code.title')}</h1>
      <p>${c.t('code.sent')}</p>
      ${alert(o.error)} ${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
      ${oneTimeCodeForm(o, c)}
      <div class="choices">
        <form method="post" action="${o.action}/resend">
          <input type="hidden" name="csrf" value="${o.csrf}" />
          <button type="submit" class="secondary">${c.t('code.resend')}</button>
        </form>
        <form method="post" action="${o.action.replace(/\/code$/, '/cancel')}">
          <input type="hidden" name="csrf" value="${o.csrf}" />
          <button type="submit" class="secondary">${c.t('code.cancel')}</button>
        </form>
      </div>`,
  );
}

export function messagePage(title: string, message: string, c: PageContext = plainContext()): string {
  return customerPage(
    c,
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>`,
  );
}

/** The page for a request the bank could not answer now: a system away (503) or out of time (504). */
export function unavailablePage(status: 503 | 504, c: PageContext = plainContext()): string {
  return status === 503
    ? messagePage(c.t('message.unavailableTitle'), c.t('message.unavailable'), c)
    : messagePage(c.t('message.tooSlowTitle'), c.t('message.tooSlow'), c);
}

/** The page for an address over its limit of log-in attempts (auth/traffic.ts). */
export function tooManyPage(retryAfterS: number, c: PageContext = plainContext()): string {
  const text =
    retryAfterS >= 120
      ? c.t('message.tooManyMinutes', { count: Math.ceil(retryAfterS / 60) })
      : c.t('message.tooManySeconds', { count: retryAfterS });
  return messagePage(c.t('message.tooManyTitle'), text, c);
}

/** The recipient as the consent page presents it (the marketplace's organization, when known). */
export interface RecipientView {
  /** The application's name, as the customer knows it. */
  client: string;
  legalName: string;
  /** 14 digits; absent when the recipient is not a marketplace organization with a CNPJ. */
  cnpj?: string;
  logoUrl?: string;
}

/** One of the guide's groups of data, with its permissions in plain words. */
export interface DataGroup {
  title: string;
  items: string[];
}

interface ConsentView {
  action: string;
  csrf: string;
  recipient: RecipientView;
  /** OFB: the guide's groups, each expandable; FDX: one list of data clusters (no title). */
  data: DataGroup[];
  /** OFB: what the data is for. */
  purpose?: string;
  /** "For how long", already in words. */
  duration: string;
  accounts: { accountId: string; label: string }[];
  /** Whether the accounts start ticked (FDX); the OFB guide wants none pre-selected. */
  preselect: boolean;
  error?: string;
}

const formatCnpj = (digits: string) =>
  digits.replace(/^(\d{2})(\d{3})(\d{3})(\d{4})(\d{2})$/, '$1.$2.$3/$4-$5');

function dataSection(o: ConsentView, c: PageContext): Html {
  const [only] = o.data;
  if (o.data.length === 1 && only && !only.title)
    return html`<h2>${c.t('consent.whatTheySee')}</h2>
      <ul>
        ${only.items.map((p) => html`<li>${p}</li>`)}
      </ul>`;
  return html`<h2>${c.t('consent.data')}</h2>
    <p class="hint">${c.t('consent.dataHint')}</p>
    ${o.data.map(
      (g) =>
        html`<details class="group">
          <summary>${g.title}</summary>
          <ul>
            ${g.items.map((p) => html`<li>${p}</li>`)}
          </ul>
        </details>`,
    )}`;
}

function recipientSection(r: RecipientView, c: PageContext): Html {
  return html`<dl class="parties">
    <dt>${c.t('consent.recipient')}</dt>
    <dd id="recipient">
      ${
        r.logoUrl
          ? html`<img
              class="logo"
              src="${r.logoUrl}"
              alt="${c.t('consent.logoOf', { name: r.legalName })}"
            />`
          : ''
      }
      <span id="recipient-name">${r.legalName}</span>
      ${
        r.cnpj
          ? html`<br /><span id="recipient-cnpj">${c.t('consent.cnpj')} ${formatCnpj(r.cnpj)}</span>`
          : ''
      }
    </dd>
    <dt>${c.t('consent.provider')}</dt>
    <dd id="provider">${c.branding.name}</dd>
  </dl>`;
}

export function consentPage(o: ConsentView, c: PageContext = plainContext()): string {
  return customerPage(
    c,
    c.t('consent.title'),
    html`<h1>${c.t('consent.heading', { client: o.recipient.client })}</h1>
      ${alert(o.error)} ${recipientSection(o.recipient, c)}
      <form method="post" action="${o.action}">
        <input type="hidden" name="csrf" value="${o.csrf}" />
        ${dataSection(o, c)}
        ${
          o.purpose
            ? html`<h2>${c.t('consent.purpose')}</h2>
                <p id="purpose">${o.purpose}</p>`
            : ''
        }
        <h2>${c.t('consent.deadline')}</h2>
        <p id="deadline">${o.duration}</p>
        <fieldset>
          <legend>${c.t('consent.accounts')}</legend>
          ${o.preselect ? '' : html`<p class="hint">${c.t('consent.accountsHint')}</p>`}
          ${o.accounts.map(
            (a) =>
              html`<div>
                <input
                  type="checkbox"
                  name="accountIds"
                  value="${a.accountId}"
                  id="acc-${a.accountId}"
                  ${o.preselect ? html`checked ` : ''}
                /><label for="acc-${a.accountId}" style="display:inline;font-weight:400"> ${a.label}</label>
              </div>`,
          )}
        </fieldset>
        <div class="choices">
          <button type="submit" name="decision" value="authorise" class="choice">
            ${c.t('consent.share')}
          </button>
          <button type="submit" name="decision" value="reject" class="choice">
            ${c.t('consent.reject')}
          </button>
        </div>
      </form>`,
  );
}

/** After the decision: where the customer is going (./returning.ts sends them on). */
export function returningPage(
  o: { client: string; returnTo: string; outcome?: 'authorised' | 'rejected' | 'cancelled' },
  c: PageContext,
): string {
  return customerPage(
    c,
    c.t('returning.title'),
    html`<h1>${c.t('returning.heading', { client: o.client })}</h1>
      ${o.outcome ? html`<p role="status">${c.t(`returning.${o.outcome}`)}</p>` : ''}
      <p><a id="continue" href="${o.returnTo}">${c.t('returning.continue', { client: o.client })}</a></p>`,
  );
}
