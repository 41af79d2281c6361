// The customer's consents in plain language: grouped by the app that receives the data, what it
// sees, from which accounts, since and until when (the bank's local time); one consent, with a
// short reference instead of its id; and the confirmation before stopping one.
import { describePermission } from '../../auth/interactions/permissions.js';
import { locale } from '../../auth/i18n.js';
import { html, type Html } from '../../lib/http/html.js';
import { banner } from '../../lib/web/fragments.js';
import type { ConsentRecord } from '../bank-console/consents/search.js';
import { fdxLookback } from '../../workflows/consent-rules.js';
import { myPage, type Me } from './frame-pages.js';
import type { MyContext } from './i18n.js';
import { shortReference, statusInWords, stoppable } from './status-words.js';

export interface MyConsent {
  consent: ConsentRecord;
  recipient: string;
  /** Account labels, or ids where the core banking has none. */
  accounts: string[];
}

const authorisedAt = (c: ConsentRecord) => c.audit.find((a) => a.action === 'authorise')?.at;

const consentPath = (c: ConsentRecord) => `/my/consents/${encodeURIComponent(c._id)}`;

/** The permissions in the words of the consent page (auth's catalogue), in the page's language. */
const whatTheySee = (c: MyContext, consent: ConsentRecord) => {
  const { t } = locale(c.lang);
  return consent.permissions.map((p) => describePermission(p, t));
};

/** An FDX consent's lookback in plain words: how far back the recipient may read. */
const lookback = (c: MyContext, consent: ConsentRecord): string | undefined =>
  consent.standard === 'FDX'
    ? c.t('lookback.days', { count: fdxLookback(consent.fdx as { lookbackPeriod?: number }, 0).days })
    : undefined;

const expires = (c: MyContext, consent: ConsentRecord) =>
  consent.expirationDateTime ? c.time(consent.expirationDateTime) : c.t('list.untilStopped');

export function myConsentsPage(c: MyContext, me: Me, consents: MyConsent[]): string {
  const groups = new Map<string, MyConsent[]>();
  for (const item of consents) groups.set(item.recipient, [...(groups.get(item.recipient) ?? []), item]);
  const sorted = [...groups].sort(([a], [b]) => a.localeCompare(b, c.lang));
  return myPage(
    c,
    c.t('list.title'),
    html`<h1>${c.t('list.heading')}</h1>
      ${consents.length === 0 ? html`<p>${c.t('list.none')}</p>` : ''}
      ${sorted.map(
        ([recipient, items], i) =>
          html`<section aria-labelledby="recipient-${i}">
            <h2 id="recipient-${i}">${recipient}</h2>
            <table class="stack">
              <caption>
                ${c.t('list.caption', { recipient })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${c.t('list.status')}</th>
                  <th scope="col">${c.t('list.sees')}</th>
                  <th scope="col">${c.t('list.accounts')}</th>
                  <th scope="col">${c.t('list.given')}</th>
                  <th scope="col">${c.t('list.expires')}</th>
                  <th scope="col">${c.t('list.details')}</th>
                </tr>
              </thead>
              <tbody>
                ${items.map(({ consent, accounts }) => {
                  const past = lookback(c, consent);
                  return html`<tr>
                    <td data-label="${c.t('list.status')}">${statusInWords(consent, recipient, c)}</td>
                    <td data-label="${c.t('list.sees')}">
                      <ul>
                        ${whatTheySee(c, consent).map((p) => html`<li>${p}</li>`)}
                        ${past ? html`<li>${past}</li>` : ''}
                      </ul>
                    </td>
                    <td data-label="${c.t('list.accounts')}">
                      ${
                        accounts.length
                          ? html`<ul>
                              ${accounts.map((a) => html`<li>${a}</li>`)}
                            </ul>`
                          : '—'
                      }
                    </td>
                    <td data-label="${c.t('list.given')}">
                      ${c.time(authorisedAt(consent) ?? consent.creationDateTime)}
                    </td>
                    <td data-label="${c.t('list.expires')}">${expires(c, consent)}</td>
                    <td data-label="${c.t('list.details')}">
                      <a href="${consentPath(consent)}"
                        >${c.t(stoppable(consent) ? 'list.viewOrStop' : 'list.view')}<span class="skip">
                          ${c.t('list.consentRef', { reference: shortReference(consent._id) })}</span
                        ></a
                      >
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </section>`,
      )}`,
    me,
  );
}

/** The full id and the reason's code, folded away: what customer service asks for. */
const forSupport = (c: MyContext, consent: ConsentRecord): Html =>
  html`<details>
    <summary>${c.t('consent.forSupport')}</summary>
    <dl>
      <dt>${c.t('consent.fullId')}</dt>
      <dd><code>${consent._id}</code></dd>
      ${
        consent.rejection
          ? html`<dt>${c.t('consent.reasonCode')}</dt>
              <dd><code>${consent.rejection.code}</code></dd>`
          : ''
      }
    </dl>
  </details>`;

export function myConsentPage(
  c: MyContext,
  me: Me,
  item: MyConsent,
  o: { notice?: string; error?: string } = {},
): string {
  const consent = item.consent;
  const recipient = item.recipient;
  const past = lookback(c, consent);
  return myPage(
    c,
    c.t('consent.title', { recipient }),
    html`<h1>${c.t('consent.heading', { recipient })}</h1>
      ${banner(o)}
      <dl>
        <dt>${c.t('consent.status')}</dt>
        <dd>${statusInWords(consent, recipient, c)}</dd>
        <dt>${c.t('consent.given')}</dt>
        <dd>${c.time(authorisedAt(consent) ?? consent.creationDateTime)}</dd>
        <dt>${c.t('consent.expires')}</dt>
        <dd>${expires(c, consent)}</dd>
        ${
          past
            ? html`<dt>${c.t('lookback.label')}</dt>
                <dd>${past}</dd>`
            : ''
        }
        <dt>${c.t('consent.reference')}</dt>
        <dd title="${consent._id}">${shortReference(consent._id)}</dd>
      </dl>
      ${forSupport(c, consent)}
      <h2>${c.t('consent.sees', { recipient })}</h2>
      <ul>
        ${whatTheySee(c, consent).map((p) => html`<li>${p}</li>`)}
      </ul>
      <h2>${c.t('consent.accounts')}</h2>
      ${
        item.accounts.length
          ? html`<ul>
              ${item.accounts.map((a) => html`<li>${a}</li>`)}
            </ul>`
          : html`<p>${c.t('consent.none')}</p>`
      }
      ${
        stoppable(consent)
          ? html`<h2>${c.t('consent.stopHeading')}</h2>
              <form method="get" action="${consentPath(consent)}/stop">
                <button type="submit">${c.t('consent.stop', { recipient })}</button>
              </form>`
          : ''
      }
      <p><a href="/my/consents">${c.t('consent.all')}</a></p>`,
    me,
  );
}

/**
 * Are you sure? Stopping is a POST (then a redirect to the consent); keeping it is a plain link
 * back, with the same weight. No script: the confirmation is its own page.
 */
export function stopConsentPage(c: MyContext, me: Me, item: MyConsent): string {
  const { consent, recipient } = item;
  return myPage(
    c,
    c.t('stop.title', { recipient }),
    html`<h1>${c.t('stop.title', { recipient })}</h1>
      <p>${c.t('stop.explain', { recipient })}</p>
      <ul>
        ${whatTheySee(c, consent).map((p) => html`<li>${p}</li>`)}
      </ul>
      <div class="choices">
        <form method="get" action="${consentPath(consent)}">
          <button type="submit" class="choice">${c.t('stop.cancel')}</button>
        </form>
        <form method="post" action="${consentPath(consent)}/revoke">
          <input type="hidden" name="csrf" value="${me.csrf}" />
          <button type="submit">${c.t('stop.confirm')}</button>
        </form>
      </div>`,
    me,
  );
}
