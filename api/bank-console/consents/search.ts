// One page of consents for a query, newest first, with the total for pagination.
import type { Consent } from '../../../db/models/consent.js';
import type { Models } from '../../../db/models/index.js';
import { displayStatus } from './display-status.js';
import { CONSENT_SORT, consentFilter, type ConsentQuery } from './query.js';

export type ConsentRecord = Consent & { _id: string };

export async function searchConsents(models: Pick<Models, 'Consent'>, q: ConsentQuery) {
  const filter = consentFilter(q);
  const [rows, total] = await Promise.all([
    models.Consent.find(filter)
      .sort(CONSENT_SORT)
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .lean<ConsentRecord[]>(),
    models.Consent.countDocuments(filter),
  ]);
  return { rows, total, pages: Math.max(1, Math.ceil(total / q.pageSize)) };
}

/** Every consent of the query, for the export, read as a stream. */
export function streamConsents(models: Pick<Models, 'Consent'>, q: ConsentQuery) {
  return models.Consent.find(consentFilter(q)).sort(CONSENT_SORT).lean<ConsentRecord[]>().cursor();
}

/** The JSON the API answers for a consent; the audit trail only in the detail. */
export function consentView(c: ConsentRecord, options: { audit?: boolean } = {}) {
  return {
    consentId: c._id,
    standard: c.standard,
    status: c.status,
    displayStatus: displayStatus(c),
    onHold: Boolean(c.onHold),
    clientId: c.clientId,
    customerId: c.customerId ?? null,
    permissions: c.permissions,
    accountIds: c.accountIds ?? [],
    creationDateTime: c.creationDateTime,
    statusUpdateDateTime: c.statusUpdateDateTime,
    expirationDateTime: c.expirationDateTime ?? null,
    rejection: c.rejection ?? null,
    ...(c.fdx ? { fdx: c.fdx } : {}),
    ...(options.audit ? { audit: c.audit } : {}),
  };
}
