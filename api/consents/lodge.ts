// Lodging a consent: start its `consent` workflow and answer once the record exists
// (update-with-start), so the recipient can read it back at once.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { consent, lodgedUpdate, type ConsentState } from '../../workflows/consent.js';
import { ClientId, ConsentExpiresAt, ConsentStatus, Standard } from '../../workflows/search-attributes.js';

export interface OfbConsentRequest {
  clientId: string;
  permissions: string[];
  loggedUserDocument: string;
  businessEntityDocument?: string;
  expirationDateTime?: Date;
}

export interface LodgeOptions {
  client: Client;
  taskQueue: string;
  /** The bank's id in consent URNs, `urn:<bankId>:<uuid>`. */
  bankId: string;
  authorisationWindowMs: number;
}

export async function lodgeOfbConsent(
  o: LodgeOptions,
  req: OfbConsentRequest,
  now = new Date(),
): Promise<ConsentState> {
  const consentId = `urn:${o.bankId}:${randomUUID()}`;
  const state: ConsentState = {
    consentId,
    standard: 'OFB',
    clientId: req.clientId,
    status: 'AWAITING_AUTHORISATION',
    permissions: req.permissions,
    loggedUserDocument: req.loggedUserDocument,
    ...(req.businessEntityDocument ? { businessEntityDocument: req.businessEntityDocument } : {}),
    creationDateTime: now.toISOString(),
    statusUpdateDateTime: now.toISOString(),
    ...(req.expirationDateTime ? { expirationDateTime: req.expirationDateTime.toISOString() } : {}),
    audit: [],
    revision: 0,
  };
  const start = new WithStartWorkflowOperation(consent, {
    workflowId: consentId,
    taskQueue: o.taskQueue,
    args: [{ state, authorisationWindowMs: o.authorisationWindowMs }],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: [
      { key: ConsentStatus, value: 'AWAITING_AUTHORISATION' },
      { key: ClientId, value: req.clientId },
      { key: Standard, value: ['OFB'] },
      ...(req.expirationDateTime ? [{ key: ConsentExpiresAt, value: req.expirationDateTime }] : []),
    ],
  });
  return o.client.workflow.executeUpdateWithStart(lodgedUpdate, { startWorkflowOperation: start });
}
