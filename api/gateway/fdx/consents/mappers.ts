// The consent record as an FDX ConsentGrant. FDX knows ACTIVE, EXPIRED and REVOKED only: a consent
// still awaiting the customer, or refused by them, is no grant at all.
import type { Consent } from '../../../../db/models/consent.js';

type ConsentRecord = Consent & { _id: string };

type FdxGrantStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

/** Undefined when the consent never became a grant. */
export function grantStatus(
  c: Pick<ConsentRecord, 'status' | 'rejection' | 'customerId'>,
): FdxGrantStatus | undefined {
  if (c.status === 'AUTHORISED') return 'ACTIVE';
  if (c.status !== 'REJECTED' || !c.customerId) return undefined;
  return c.rejection?.code === 'CONSENT_MAX_DATE_REACHED' ? 'EXPIRED' : 'REVOKED';
}

/** FDX timestamps without milliseconds, as Axway and the FDX examples' consumers expect. */
const fdxTime = (d: Date | string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface PartyInfo {
  recipient: { name: string; homeUri: string; clientId: string };
  provider: { name: string; homeUri: string; id: string };
}

export function consentGrant(c: ConsentRecord, status: FdxGrantStatus, parties: PartyInfo) {
  const terms = (c.fdx ?? {}) as {
    durationType?: string;
    durationPeriod?: number;
    lookbackPeriod?: number;
    resources?: { resourceType: string; dataClusters: string[] }[];
  };
  const requested = terms.resources ?? [];
  const clustersOf = (type: string) => requested.find((r) => r.resourceType === type)?.dataClusters ?? [];
  const accountClusters = clustersOf('ACCOUNT');
  const customerClusters = clustersOf('CUSTOMER');
  return {
    id: c._id,
    status,
    parties: [
      {
        name: parties.recipient.name,
        type: 'DATA_RECIPIENT',
        homeUri: parties.recipient.homeUri,
        registry: 'PRIVATE',
        registeredEntityName: parties.recipient.name,
        registeredEntityId: parties.recipient.clientId,
      },
      {
        name: parties.provider.name,
        type: 'DATA_PROVIDER',
        homeUri: parties.provider.homeUri,
        registry: 'PRIVATE',
        registeredEntityName: parties.provider.name,
        registeredEntityId: parties.provider.id,
      },
    ],
    createdTime: fdxTime(c.creationDateTime),
    updatedTime: fdxTime(c.statusUpdateDateTime),
    ...(c.expirationDateTime ? { expirationTime: fdxTime(c.expirationDateTime) } : {}),
    ...(terms.durationType ? { durationType: terms.durationType } : {}),
    ...(terms.durationPeriod !== undefined ? { durationPeriod: terms.durationPeriod } : {}),
    ...(terms.lookbackPeriod !== undefined ? { lookbackPeriod: terms.lookbackPeriod } : {}),
    resources: [
      ...(accountClusters.length
        ? (c.accountIds ?? []).map((id) => ({
            resourceType: 'ACCOUNT',
            resourceId: id,
            dataClusters: accountClusters,
          }))
        : []),
      ...(customerClusters.length && c.customerId
        ? [{ resourceType: 'CUSTOMER', resourceId: c.customerId, dataClusters: customerClusters }]
        : []),
    ],
  };
}

const INITIATOR_OF = { USER: 'INDIVIDUAL', ASPSP: 'DATA_PROVIDER', TPP: 'DATA_RECIPIENT' } as const;

/** The revocation history: the terms given at `PUT …/revocation`, or those of the bank or customer's revocation. */
export function revocationList(c: ConsentRecord) {
  if (grantStatus(c) !== 'REVOKED') return { revocations: [] };
  const r = c.fdxRevocation ?? {
    reason: c.rejection?.rejectedBy === 'USER' ? 'USER_ACTION' : 'BUSINESS_RULE',
    initiator: INITIATOR_OF[c.rejection?.rejectedBy as keyof typeof INITIATOR_OF] ?? 'DATA_PROVIDER',
    updatedTime: new Date(c.statusUpdateDateTime).toISOString(),
  };
  return {
    revocations: [
      { status: 'REVOKED', reason: r.reason, initiator: r.initiator, updatedTime: fdxTime(r.updatedTime) },
    ],
  };
}
