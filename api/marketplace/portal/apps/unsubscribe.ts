// Ending a subscription (or withdrawing a request): GET /subscriptions/:productId/unsubscribe asks
// for confirmation, its form POSTs there, then back to the subscriptions (POST/redirect/GET). The
// organization's clients lose the product's scopes.
import type { Request, RequestHandler, Response } from 'express';
import { sameToken } from '../../../../lib/http/forms.js';
import { findProduct } from '../../../../lib/products.js';
import { subscriptionId } from '../../../../db/models/subscription.js';
import { developerOf, requireOrgAdmin } from '../access.js';
import { refusal, sendMessage } from '../frame-pages.js';
import { needsApprovedOrg } from './approved-organization.js';
import { confirmed, sendConfirmation, type Confirmation } from './confirm.js';
import type { AppRouteDeps } from './deps.js';

const path = (productId: string) => `/subscriptions/${encodeURIComponent(productId)}/unsubscribe`;

const confirmation = (product: { id: string; name: string }, status: string): Confirmation => ({
  title: `Unsubscribe from ${product.name}?`,
  message:
    status === 'PENDING_APPROVAL'
      ? 'Your request is withdrawn; you may request the product again later.'
      : "Your applications' clients lose its scopes, and their calls to its APIs are refused.",
  action: path(product.id),
  button: status === 'PENDING_APPROVAL' ? 'Withdraw the request' : 'Unsubscribe',
  cancel: { href: '/subscriptions', text: 'No, keep it' },
});

/** The product and the organization's subscription to it, or undefined after answering. */
async function subscriptionOf(deps: AppRouteDeps, req: Request, res: Response) {
  const developer = developerOf(res);
  const org = await needsApprovedOrg(deps.models, res, developer);
  if (!org) return undefined;
  const product = findProduct(String(req.params.productId));
  const sub = product
    ? await deps.models.Subscription.findById(subscriptionId(org._id, product.id)).lean()
    : null;
  if (!product || !sub) {
    const link = { href: '/subscriptions', text: 'Subscriptions' };
    sendMessage(
      res,
      404,
      { title: 'Not found', message: 'Your organization has no such subscription.', link },
      developer,
    );
    return undefined;
  }
  return { product, organizationId: org._id, status: sub.status };
}

/** GET /subscriptions/:productId/unsubscribe */
export const confirmUnsubscribe =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const found = await subscriptionOf(deps, req, res);
    if (found) sendConfirmation(res, 200, developerOf(res), confirmation(found.product, found.status));
  };

/** POST /subscriptions/:productId/unsubscribe, confirmed. */
export const unsubscribe =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    const found = await subscriptionOf(deps, req, res);
    if (!found) return;
    const again = (status: number, error: string) =>
      sendConfirmation(res, status, developer, { ...confirmation(found.product, found.status), error });
    if (!sameToken(req.body?.csrf, developer.csrf)) return again(403, 'This form is no longer valid.');
    if (!confirmed(req.body)) return res.redirect(303, path(found.product.id));
    try {
      requireOrgAdmin(developer, 'unsubscribe from products');
      await deps.subscriptions.cancel({
        organizationId: found.organizationId,
        productId: found.product.id,
        by: developer.email,
      });
      await deps.access.flash(req, `${found.product.name}: unsubscribed.`);
      res.redirect(303, '/subscriptions');
    } catch (err) {
      const { status, error } = refusal(err);
      again(status, error ?? 'Not possible now.');
    }
  };
