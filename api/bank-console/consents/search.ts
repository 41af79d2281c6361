// One page of consents for a query, newest first, with the total for pagination.
import { clientIdFor } from '../../../db/models/application.js';
import type { Models } from '../../../db/models/index.js';
import { displayStatus } from './display-status.js';
import type { Parties } from './parties.js';
import { CONSENT_SORT, consentFilter, type ConsentQuery } from './query.js';
import type { ConsentRecord } from './record.js';

export type { ConsentRecord };
type SearchModels = Pick<Models, 'Consent' | 'Application'>;

/** The client ids of an organization's applications: the one the Discovery Agent gives, and any recorded. */
async function organizationClientIds(models: SearchModels, q: ConsentQuery) {
  if (!q.organizationId) return [];
  const apps = await models.Application.find(
    { organizationId: q.organizationId },
    { 'client.clientId': 1 },
  ).lean<{ _id: string; client?: { clientId?: string } }[]>();
  return [
    ...new Set(apps.flatMap((a) => [clientIdFor(a._id), ...(a.client?.clientId ? [a.client.clientId] : [])])),
  ];
}

export async function searchConsents(models: SearchModels, q: ConsentQuery) {
  const filter = consentFilter(q, await organizationClientIds(models, q));
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
export async function streamConsents(models: SearchModels, q: ConsentQuery) {
  const filter = consentFilter(q, await organizationClientIds(models, q));
  return models.Consent.find(filter).sort(CONSENT_SORT).lean<ConsentRecord[]>().cursor();
}

/** The JSON the API answers for a consent, its parties named; the audit trail only in the detail. */
export function consentView(c: ConsentRecord, parties: Parties, options: { audit?: boolean } = {}) {
  const { recipient, customer } = parties;
  return {
    consentId: c._id,
    standard: c.standard,
    status: c.status,
    displayStatus: displayStatus(c),
    onHold: Boolean(c.onHold),
    clientId: c.clientId,
    recipient: {
      name: recipient.name,
      organizationId: recipient.organization?.id ?? null,
      organizationName: recipient.organization?.legalName ?? null,
      applicationId: recipient.application?.id ?? null,
      applicationName: recipient.application?.name ?? null,
    },
    customerId: c.customerId ?? null,
    customer: { name: customer.name ?? null, documents: customer.documents },
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
