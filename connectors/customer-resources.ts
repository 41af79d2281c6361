// Everything a customer holds at the bank, labelled as the customer knows it: their deposit accounts
// and credit cards read through the guarded reader (reads.ts), as every read of bank data is. The
// AS's consent page offers them to share; the self-service pages name the consented ones by them.
import type { DataFetcher, FetchRequest } from './reads.js';

export interface CustomerResource {
  /** The deposit account's accountId, or the card's creditCardAccountId (as consents keep them). */
  accountId: string;
  /** What the customer recognises: the account's label, the card's name and last four digits. */
  label: string;
  kind: 'ACCOUNT' | 'CREDIT_CARD';
  /** False for a closed deposit account (cards are listed only while held). */
  open: boolean;
}

/** `consentId` and `clientId` say on whose behalf the core is read (the reader logs them). */
type CustomerResourcesRequest = Pick<FetchRequest, 'consentId' | 'clientId' | 'customerId'>;

export async function customerResources(
  fetchData: DataFetcher,
  request: CustomerResourcesRequest,
): Promise<CustomerResource[]> {
  const result = await fetchData({ ...request, accountIds: [], operation: { kind: 'customerResources' } });
  if (result.kind !== 'customerResources') return [];
  return [
    ...result.accounts.map((a) => ({
      accountId: a.accountId,
      label: a.label,
      kind: 'ACCOUNT' as const,
      open: a.status === 'OPEN',
    })),
    ...result.creditCards.map((c) => ({
      accountId: c.creditCardAccountId,
      label: `${c.name} ****-${c.last4}`,
      kind: 'CREDIT_CARD' as const,
      open: true,
    })),
  ];
}
