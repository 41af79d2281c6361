// Subscriptions: an organization asks for a product and plan; products that approve automatically
// are active at once, the others wait for the bank. The bank approves, rejects, suspends and
// resumes; the organization may withdraw a request or end an active subscription. Each change that alters what is active re-registers the scopes of the organization's
// clients through their provisioning workflows.
import type { Client } from '@temporalio/client';
import type { Models } from '../../../db/models/index.js';
import { subscriptionId, type SubscriptionStatus } from '../../../db/models/subscription.js';
import type { Logger } from '../../../lib/logger.js';
import { syncClientScopes } from '../../../workflows/provisioning-client.js';
import { findProduct } from '../../../lib/products.js';
import { MarketplaceError } from '../errors.js';
import { approvedOrganization } from '../organization-guard.js';

export type BankDecision = 'APPROVE' | 'REJECT' | 'SUSPEND' | 'RESUME';

/** The bank's decisions, by the status they apply to and the status they lead to. */
const DECISIONS: Record<BankDecision, { from: SubscriptionStatus[]; to: SubscriptionStatus }> = {
  APPROVE: { from: ['PENDING_APPROVAL'], to: 'ACTIVE' },
  REJECT: { from: ['PENDING_APPROVAL'], to: 'REJECTED' },
  SUSPEND: { from: ['ACTIVE'], to: 'SUSPENDED' },
  RESUME: { from: ['SUSPENDED'], to: 'ACTIVE' },
};

export interface SubscriptionDeps {
  client: Client;
  models: Pick<Models, 'Subscription' | 'Organization' | 'Application'>;
  logger?: Logger;
}

export function subscriptionService(deps: SubscriptionDeps) {
  const { Subscription, Organization, Application } = deps.models;

  /** Ask every live client of the organization to register the scopes its subscriptions now allow. */
  async function syncScopes(organizationId: string, by: string): Promise<void> {
    const apps = await Application.find({
      organizationId,
      'client.status': { $in: ['ACTIVE', 'SUSPENDED'] },
    }).lean();
    await Promise.all(
      apps.map(async (app) => {
        try {
          await syncClientScopes(deps.client, app.workflowId, { by });
        } catch (err) {
          // The workflow records and reports a failed step itself; a refused update (client not
          // live any more) needs nothing.
          deps.logger?.warn({ err, applicationId: app._id }, 'scope sync not applied');
        }
      }),
    );
  }

  return {
    syncScopes,

    async request(input: { organizationId: string; productId: string; planId: string; by: string }) {
      const product = findProduct(input.productId);
      if (!product)
        throw new MarketplaceError(404, 'Product not found', `There is no product ${input.productId}.`);
      if (!product.plans.some((p) => p.id === input.planId))
        throw new MarketplaceError(400, 'Invalid subscription', undefined, [
          { field: 'planId', message: `must be one of ${product.plans.map((p) => p.id).join(', ')}` },
        ]);
      await approvedOrganization(Organization, input.organizationId, product.standard);
      const id = subscriptionId(input.organizationId, input.productId);
      const existing = await Subscription.findById(id).lean();
      if (existing && existing.status !== 'REJECTED')
        throw new MarketplaceError(
          409,
          'Already subscribed',
          `The subscription to ${product.name} is ${existing.status}.`,
        );
      const status: SubscriptionStatus = product.approval === 'automatic' ? 'ACTIVE' : 'PENDING_APPROVAL';
      const now = new Date();
      const record = {
        organizationId: input.organizationId,
        productId: input.productId,
        planId: input.planId,
        status,
        requestedBy: input.by,
        requestedAt: now,
        ...(status === 'ACTIVE' ? { decision: { by: 'automatic', at: now } } : {}),
      };
      // A rejected request may be made again; the record is replaced whole.
      await Subscription.replaceOne({ _id: id }, record, { upsert: true });
      if (status === 'ACTIVE') await syncScopes(input.organizationId, input.by);
      return { _id: id, ...record };
    },

    async decide(input: { subscriptionId: string; decision: BankDecision; by: string; reason?: string }) {
      const rule = DECISIONS[input.decision];
      if (!rule)
        throw new MarketplaceError(
          400,
          'Invalid decision',
          'decision must be APPROVE, REJECT, SUSPEND or RESUME',
        );
      if ((input.decision === 'REJECT' || input.decision === 'SUSPEND') && !input.reason?.trim())
        throw new MarketplaceError(
          400,
          'Reason required',
          `A ${input.decision.toLowerCase()} needs a reason.`,
          [{ field: 'reason', message: 'is required' }],
        );
      const sub = await Subscription.findById(input.subscriptionId).lean();
      if (!sub) throw new MarketplaceError(404, 'Subscription not found');
      if (!rule.from.includes(sub.status as SubscriptionStatus))
        throw new MarketplaceError(
          409,
          'Not possible now',
          `Cannot ${input.decision.toLowerCase()} a subscription that is ${sub.status}.`,
        );
      const decision = {
        by: input.by,
        at: new Date(),
        ...(input.reason?.trim() ? { reason: input.reason.trim() } : {}),
      };
      await Subscription.updateOne(
        { _id: sub._id, status: sub.status },
        { $set: { status: rule.to, decision } },
      );
      if (sub.status === 'ACTIVE' || rule.to === 'ACTIVE') await syncScopes(sub.organizationId, input.by);
      return { ...sub, status: rule.to, decision };
    },

    /**
     * The organization ends its subscription (ACTIVE) or withdraws its request (PENDING_APPROVAL):
     * the record goes, so the product may be requested again. A suspended one stays: the bank's
     * suspension is not the organization's to lift by subscribing afresh.
     */
    async cancel(input: { organizationId: string; productId: string; by: string }) {
      const id = subscriptionId(input.organizationId, input.productId);
      const sub = await Subscription.findById(id).lean();
      const name = findProduct(input.productId)?.name ?? input.productId;
      if (!sub)
        throw new MarketplaceError(404, 'Subscription not found', `There is no subscription to ${name}.`);
      if (sub.status !== 'ACTIVE' && sub.status !== 'PENDING_APPROVAL')
        throw new MarketplaceError(409, 'Not possible now', `The subscription to ${name} is ${sub.status}.`);
      const { deletedCount } = await Subscription.deleteOne({ _id: id, status: sub.status });
      if (deletedCount === 0)
        throw new MarketplaceError(409, 'Not possible now', `The subscription to ${name} changed meanwhile.`);
      if (sub.status === 'ACTIVE') await syncScopes(input.organizationId, input.by);
      return sub;
    },
  };
}

export type SubscriptionService = ReturnType<typeof subscriptionService>;
