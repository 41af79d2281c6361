// What a customer may choose to share on the consent page: their accounts and credit cards, read
// from the bank's core through the guarded connector (as every read of bank data is), and narrowed
// to the kinds of data the consent asks for.
import { customerResources, type CustomerResource } from '../connectors/customer-resources.js';
import type { DataFetcher } from '../connectors/reads.js';
import type { Consent } from '../db/models/consent.js';

export type ShareableResource = Omit<CustomerResource, 'open'>;

export type ListShareable = (
  consent: Consent & { _id: string },
  customerId: string,
) => Promise<ShareableResource[]>;

/** Deposit accounts for OFB ACCOUNTS_* and FDX ACCOUNT resources; cards for OFB CREDIT_CARDS_*. */
export function wantedKinds(
  consent: Pick<Consent, 'standard' | 'permissions' | 'fdx'>,
): Set<ShareableResource['kind']> {
  if (consent.standard === 'FDX') {
    const resources =
      (consent.fdx as { resources?: { resourceType: string }[] } | undefined)?.resources ?? [];
    return new Set(resources.some((r) => r.resourceType === 'ACCOUNT') ? ['ACCOUNT'] : []);
  }
  return new Set([
    ...(consent.permissions.some((p) => p.startsWith('ACCOUNTS_')) ? (['ACCOUNT'] as const) : []),
    ...(consent.permissions.some((p) => p.startsWith('CREDIT_CARDS_')) ? (['CREDIT_CARD'] as const) : []),
  ]);
}

export function fetchedShareable(fetchData: DataFetcher): ListShareable {
  return async (consent, customerId) => {
    const kinds = wantedKinds(consent);
    if (kinds.size === 0) return [];
    const held = await customerResources(fetchData, {
      consentId: consent._id,
      clientId: consent.clientId,
      customerId,
    });
    // Only what can still be shared: cards, and deposit accounts that are open.
    return held
      .filter((r) => kinds.has(r.kind) && r.open)
      .map(({ accountId, label, kind }) => ({ accountId, label, kind }));
  };
}
