// The organization's subscriptions: the products of its standards, each with its status and, while
// it has none (or was refused), the form to request it; while active or pending, the way to end it.
import type { RequestHandler, Response } from 'express';
import { sameToken } from '../../../../lib/http/forms.js';
import { html } from '../../../../lib/http/html.js';
import { table } from '../../../../lib/http/table.js';
import { PRODUCTS, findProduct } from '../../../../lib/products.js';
import { developerOf, type DeveloperIdentity, requireOrgAdmin } from '../access.js';
import { csrfField, formProblems, refusal, sendPage, type FormProblems } from '../frame-pages.js';
import { needsApprovedOrg } from './approved-organization.js';
import type { AppRouteDeps } from './deps.js';

async function subscriptionsPage(
  deps: AppRouteDeps,
  res: Response,
  status: number,
  developer: DeveloperIdentity,
  o: FormProblems = {},
) {
  const org = await needsApprovedOrg(deps.models, res, developer);
  if (!org) return;
  const subs = await deps.models.Subscription.find({ organizationId: org._id }).lean();
  const byProduct = new Map(subs.map((s) => [s.productId, s]));
  sendPage(
    res,
    status,
    'Subscriptions',
    html`<h1>Subscriptions</h1>
      ${formProblems(o)}
      ${table(
        `Products for ${org.standards.join(' and ')}`,
        ['Product', 'Approval', 'Status', 'Request'],
        PRODUCTS.filter((p) => org.standards.includes(p.standard)).map((p) => {
          const sub = byProduct.get(p.id);
          const open = !sub || sub.status === 'REJECTED';
          return html`<tr>
            <td><a href="/products/${p.id}">${p.name}</a></td>
            <td>${p.approval === 'automatic' ? 'automatic' : 'by the bank'}</td>
            <td data-product="${p.id}">
              ${sub ? sub.status : '—'}${sub?.decision?.reason ? html`<br /><span class="hint">${sub.decision.reason}</span>` : ''}
            </td>
            <td>
              ${
                open
                  ? html`<form method="post" action="/subscriptions">
                      ${csrfField(developer)}
                      <input type="hidden" name="productId" value="${p.id}" />
                      <label for="plan-${p.id}">Plan</label>
                      <select id="plan-${p.id}" name="planId">
                        ${p.plans.map((pl) => html`<option value="${pl.id}">${pl.name} (${pl.callsPerMinute}/min)</option>`)}
                      </select>
                      <button type="submit" aria-label="Subscribe to ${p.name}">Subscribe</button>
                    </form>`
                  : sub.status === 'ACTIVE' || sub.status === 'PENDING_APPROVAL'
                    ? html`<a
                        href="/subscriptions/${p.id}/unsubscribe"
                        aria-label="Unsubscribe from ${p.name}"
                        >${sub.status === 'ACTIVE' ? 'Unsubscribe' : 'Withdraw'}</a
                      >`
                    : ''
              }
            </td>
          </tr>`;
        }),
      )}`,
    developer,
  );
}

/** GET /subscriptions */
export const showSubscriptions =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) =>
    subscriptionsPage(deps, res, 200, developerOf(res), {
      notice: await deps.access.takeNotice(req),
    });

/** POST /subscriptions: request one product; automatic ones are active at once. */
export const subscribe =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    const body = req.body as Record<string, string>;
    if (!sameToken(body.csrf, developer.csrf))
      return subscriptionsPage(deps, res, 403, developer, { error: 'This form is no longer valid.' });
    if (!developer.organizationId) return subscriptionsPage(deps, res, 409, developer);
    try {
      requireOrgAdmin(developer, 'subscribe to products');
      const sub = await deps.subscriptions.request({
        organizationId: developer.organizationId,
        productId: String(body.productId),
        planId: String(body.planId),
        by: developer.email,
      });
      const name = findProduct(sub.productId)?.name ?? sub.productId;
      await deps.access.flash(
        req,
        sub.status === 'ACTIVE' ? `${name}: active.` : `${name}: requested; the bank will decide.`,
      );
      res.redirect(303, '/subscriptions');
    } catch (err) {
      const { status, ...problems } = refusal(err);
      await subscriptionsPage(deps, res, status, developer, problems);
    }
  };
