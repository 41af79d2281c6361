// The customer's consents in plain language: grouped by the app that receives the data, what it
// sees, from which accounts, since and until when; and one consent with the button to stop it.
import { describePermissions } from '../../auth/interactions/permissions.js';
import { html } from '../../lib/http/html.js';
import { banner, fmt } from '../../lib/web/fragments.js';
import { displayStatus } from '../bank-console/consents/display-status.js';
import type { ConsentRecord } from '../bank-console/consents/search.js';
import { myPage, type Me } from './frame-pages.js';

export interface MyConsent {
  consent: ConsentRecord;
  recipient: string;
  /** Account labels, or ids where the core banking has none. */
  accounts: string[];
}

function inWords(c: ConsentRecord, recipient: string): string {
  if (c.status === 'AUTHORISED')
    return c.onHold ? 'Paused by the bank: no data is shared for now' : 'Sharing';
  if (c.status === 'AWAITING_AUTHORISATION') return 'Waiting for your approval';
  const by = { USER: 'you', ASPSP: 'the bank', TPP: recipient }[c.rejection?.rejectedBy ?? ''] ?? 'the bank';
  return `Ended by ${by}`;
}

const authorisedAt = (c: ConsentRecord) => c.audit.find((a) => a.action === 'authorise')?.at;

export function myConsentsPage(me: Me, consents: MyConsent[]): string {
  const groups = new Map<string, MyConsent[]>();
  for (const item of consents) groups.set(item.recipient, [...(groups.get(item.recipient) ?? []), item]);
  const sorted = [...groups].sort(([a], [b]) => a.localeCompare(b));
  return myPage(
    'Your consents',
    html`<h1>Apps you share data with</h1>
      ${consents.length === 0 ? html`<p>You have not shared data with any app.</p>` : ''}
      ${sorted.map(
        ([recipient, items], i) =>
          html`<section aria-labelledby="recipient-${i}">
            <h2 id="recipient-${i}">${recipient}</h2>
            <table class="stack">
              <caption>
                Your consents for ${recipient}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">What they see</th>
                  <th scope="col">Accounts</th>
                  <th scope="col">Given</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                ${items.map(
                  ({ consent: c, accounts }) =>
                    html`<tr>
                      <td data-label="Status">
                        ${displayStatus(c)}<br /><span class="hint">${inWords(c, recipient)}</span>
                      </td>
                      <td data-label="What they see">
                        <ul>
                          ${describePermissions(c.permissions).map((p) => html`<li>${p}</li>`)}
                        </ul>
                      </td>
                      <td data-label="Accounts">
                        ${
                          accounts.length
                            ? html`<ul>
                                ${accounts.map((a) => html`<li>${a}</li>`)}
                              </ul>`
                            : '—'
                        }
                      </td>
                      <td data-label="Given">${fmt(authorisedAt(c) ?? c.creationDateTime)}</td>
                      <td data-label="Expires">
                        ${c.expirationDateTime ? fmt(c.expirationDateTime) : 'Until you stop it'}
                      </td>
                      <td data-label="Details">
                        <a href="/my/consents/${encodeURIComponent(c._id)}"
                          >${c.status === 'AUTHORISED' ? 'View or stop' : 'View'}<span class="skip">
                            consent ${c._id}</span
                          ></a
                        >
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </section>`,
      )}`,
    me,
  );
}

export function myConsentPage(me: Me, item: MyConsent, o: { notice?: string; error?: string } = {}): string {
  const c = item.consent;
  return myPage(
    `Consent for ${item.recipient}`,
    html`<h1>Your consent for ${item.recipient}</h1>
      ${banner(o)}
      <dl>
        <dt>Status</dt>
        <dd>${displayStatus(c)} — ${inWords(c, item.recipient)}</dd>
        ${
          c.rejection
            ? html`<dt>Reason</dt>
                <dd>${c.rejection.code}</dd>`
            : ''
        }
        <dt>Given</dt>
        <dd>${fmt(authorisedAt(c) ?? c.creationDateTime)}</dd>
        <dt>Expires</dt>
        <dd>${c.expirationDateTime ? fmt(c.expirationDateTime) : 'Until you stop it'}</dd>
        <dt>Consent id</dt>
        <dd><code>${c._id}</code></dd>
      </dl>
      <h2>What ${item.recipient} sees</h2>
      <ul>
        ${describePermissions(c.permissions).map((p) => html`<li>${p}</li>`)}
      </ul>
      <h2>From these accounts</h2>
      ${
        item.accounts.length
          ? html`<ul>
              ${item.accounts.map((a) => html`<li>${a}</li>`)}
            </ul>`
          : html`<p>None.</p>`
      }
      ${
        c.status === 'AUTHORISED'
          ? html`<h2>Stop sharing</h2>
              <form method="post" action="/my/consents/${encodeURIComponent(c._id)}/revoke">
                <input type="hidden" name="csrf" value="${me.csrf}" />
                <p>
                  ${item.recipient} will no longer receive your data. This cannot be undone; the app can ask
                  you again.
                </p>
                <button type="submit">Stop sharing with ${item.recipient}</button>
              </form>`
          : ''
      }
      <p><a href="/my/consents">All your consents</a></p>`,
    me,
  );
}
