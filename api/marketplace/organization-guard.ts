// What subscriptions and applications both require of an organization: the bank approved it, and
// it enrolled for the product's or the application's standard.
import type { Models } from '../../db/models/index.js';
import { MarketplaceError } from './errors.js';

/** The organization, when it may act for `standard`; otherwise the MarketplaceError saying why not. */
export async function approvedOrganization(
  Organization: Models['Organization'],
  organizationId: string,
  standard: 'OFB' | 'FDX',
) {
  const org = await Organization.findById(organizationId).lean();
  if (!org) throw new MarketplaceError(404, 'Organization not found');
  if (org.status !== 'APPROVED')
    throw new MarketplaceError(
      409,
      'Organization not approved',
      `The organization is ${org.status}: the bank approves it first.`,
    );
  if (!org.standards.includes(standard))
    throw new MarketplaceError(
      409,
      'Standard not enrolled',
      `The organization did not enrol for ${standard}.`,
    );
  return org;
}
