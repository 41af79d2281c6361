// Server-rendered pages of the bank's identity provider. Plain HTML with labels and a logical
// focus order; nothing is loaded from outside the server.
import { html, page, type Html } from '../../lib/http/html.js';

export { html, page, type Html } from '../../lib/http/html.js';

export function loginPage(o: {
  action: string;
  csrf: string;
  client: string;
  error?: string;
  username?: string;
}): string {
  return page(
    'Log in',
    html`<h1>Log in to your bank</h1>
      <p><strong>${o.client}</strong> asks to access your data. Log in to review the request.</p>
      ${o.error ? html`<p class="error" role="alert" id="error">${o.error}</p>` : ''}
      <form method="post" action="${o.action}" autocomplete="off" novalidate>
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <label for="username">CPF</label>
        <input
          id="username"
          name="username"
          inputmode="numeric"
          autocomplete="username"
          required
          value="${o.username ?? ''}"
          ${o.error ? '' : html`autofocus`}${o.error ? html` aria-describedby="error"` : ''}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          ${o.error ? html`autofocus` : ''}
        />
        <button type="submit">Continue</button>
      </form>`,
  );
}

/** The one-time-code form, as the login pages and self-service both ask for it. */
export function oneTimeCodeForm(o: { action: string; csrf: string; error?: string }): Html {
  return html`<form method="post" action="${o.action}" autocomplete="off" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}" />
    <label for="code">One-time code</label>
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
    <p class="hint">The code expires in 5 minutes.</p>
    <button type="submit">Log in</button>
  </form>`;
}

export function codePage(o: { action: string; csrf: string; error?: string }): string {
  return page(
    'Confirm it is you',
    html`<h1>Confirm it is you</h1>
      <p>We sent a six-digit code to your registered email address.</p>
      ${o.error ? html`<p class="error" role="alert" id="error">${o.error}</p>` : ''} ${oneTimeCodeForm(o)}`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
      <p role="alert">${message}</p>`,
  );
}

export interface ConsentView {
  action: string;
  csrf: string;
  client: string;
  permissions: string[];
  /** "For how long", already in words. */
  duration: string;
  accounts: { accountId: string; label: string }[];
  error?: string;
}

export function consentPage(o: ConsentView): string {
  return page(
    'Review the request',
    html`<h1>Share your data with ${o.client}?</h1>
      ${o.error ? html`<p class="error" role="alert" id="error">${o.error}</p>` : ''}
      <form method="post" action="${o.action}">
        <input type="hidden" name="csrf" value="${o.csrf}" />
        <h2>What they will see</h2>
        <ul>
          ${o.permissions.map((p) => html`<li>${p}</li>`)}
        </ul>
        <h2>For how long</h2>
        <p>${o.duration}</p>
        <fieldset>
          <legend>Accounts to share</legend>
          ${o.accounts.map(
            (a) =>
              html`<div>
                <input
                  type="checkbox"
                  name="accountIds"
                  value="${a.accountId}"
                  id="acc-${a.accountId}"
                  checked
                /><label for="acc-${a.accountId}" style="display:inline;font-weight:400"> ${a.label}</label>
              </div>`,
          )}
        </fieldset>
        <button type="submit" name="decision" value="authorise">Share</button>
        <button type="submit" name="decision" value="reject" class="secondary">Do not share</button>
      </form>`,
  );
}
