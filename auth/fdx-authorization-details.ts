// The FDX `fdx_v1.0` authorization-details type (RAR): the ConsentRequest a recipient pushes at
// PAR. Checked strictly here; the consent it describes is lodged when the PAR succeeds.
import { errors } from 'oidc-provider';
import type { FdxConsentTerms } from '../workflows/consent.js';

export const FDX_RAR_TYPE = 'fdx_v1.0';

const DURATION_TYPES = ['ONE_TIME', 'PERSISTENT', 'TIME_BOUND'];
const RESOURCE_TYPES = ['ACCOUNT', 'CUSTOMER', 'DOCUMENT'];
export const DATA_CLUSTERS = [
  'ACCOUNT_BASIC',
  'ACCOUNT_DETAILED',
  'ACCOUNT_PAYMENTS',
  'BILLS',
  'CUSTOMER_CONTACT',
  'CUSTOMER_PERSONAL',
  'IMAGES',
  'INVESTMENTS',
  'NOTIFICATIONS',
  'PAYMENT_SUPPORT',
  'REWARDS',
  'STATEMENTS',
  'TAX',
  'TRANSACTIONS',
];

const isDays = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3650;

/** The consent terms of a detail, or InvalidAuthorizationDetails saying what is wrong. */
export function fdxTerms(detail: Record<string, unknown>): FdxConsentTerms {
  const bad = (why: string) => new errors.InvalidAuthorizationDetails(`fdx_v1.0 consentRequest: ${why}`);
  const req = detail.consentRequest as Record<string, unknown> | undefined;
  if (!req || typeof req !== 'object') throw bad('is required');
  if (!DURATION_TYPES.includes(String(req.durationType)))
    throw bad('durationType must be ONE_TIME, PERSISTENT or TIME_BOUND');
  if (
    req.durationType === 'TIME_BOUND' &&
    !(isDays(req.durationPeriod) && (req.durationPeriod as number) > 0)
  ) {
    throw bad('TIME_BOUND needs durationPeriod, a number of days');
  }
  if (req.lookbackPeriod !== undefined && !isDays(req.lookbackPeriod))
    throw bad('lookbackPeriod must be a number of days');
  const resources = req.resources as { resourceType?: unknown; dataClusters?: unknown }[] | undefined;
  if (!Array.isArray(resources) || resources.length === 0)
    throw bad('resources must list at least one resource');
  for (const r of resources) {
    if (!RESOURCE_TYPES.includes(String(r?.resourceType)))
      throw bad('resourceType must be ACCOUNT, CUSTOMER or DOCUMENT');
    if (
      !Array.isArray(r.dataClusters) ||
      r.dataClusters.length === 0 ||
      r.dataClusters.some((c) => !DATA_CLUSTERS.includes(String(c)))
    ) {
      throw bad(`dataClusters must be a non-empty list of ${DATA_CLUSTERS.join(', ')}`);
    }
  }
  return {
    durationType: req.durationType as FdxConsentTerms['durationType'],
    ...(req.durationPeriod !== undefined ? { durationPeriod: req.durationPeriod as number } : {}),
    ...(req.lookbackPeriod !== undefined ? { lookbackPeriod: req.lookbackPeriod as number } : {}),
    resources: resources.map((r) => ({
      resourceType: String(r.resourceType),
      dataClusters: (r.dataClusters as string[]).map(String),
    })),
  };
}

/** The fdx_v1.0 detail of a request's authorization_details parameter, if any. */
export function fdxDetailIn(authorizationDetails: unknown): Record<string, unknown> | undefined {
  if (typeof authorizationDetails !== 'string') return undefined;
  try {
    const list = JSON.parse(authorizationDetails) as Record<string, unknown>[];
    return Array.isArray(list) ? list.find((d) => d?.type === FDX_RAR_TYPE) : undefined;
  } catch {
    return undefined;
  }
}
