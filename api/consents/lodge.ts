// Lodging a consent: start its `consent` workflow and answer once the record exists
// (update-with-start), so the recipient can read it back at once.
import { randomBytes, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { consent, lodgedUpdate, type ConsentState, type FdxConsentTerms } from '../../workflows/consent.js';
import { fdxPermissions } from '../../workflows/consent-rules.js';
import {
  ClientId,
  ConsentExpiresAt,
  ConsentLifecycle,
  ConsentStatus,
  Standard,
} from '../../lib/temporal-search-attributes.js';

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
  /** FDX: ONE_TIME access length and the day of durationPeriod (tests shorten both). */
  oneTimeAccessMs?: number;
  dayMs?: number;
}

export function lodgeOfbConsent(
  o: LodgeOptions,
  req: OfbConsentRequest,
  now = new Date(),
): Promise<ConsentState> {
  return start(o, {
    consentId: `urn:${o.bankId}:${randomUUID()}`,
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
  });
}

/**
 * An FDX consent, created when the recipient pushes its authorization request (PAR + RAR
 * `fdx_v1.0`). Its id is 24 lowercase hex, as FDX consent ids are; its "permissions" are the
 * requested data clusters.
 */
export function lodgeFdxConsent(
  o: Omit<LodgeOptions, 'bankId'>,
  req: { clientId: string; terms: FdxConsentTerms },
  now = new Date(),
): Promise<ConsentState> {
  return start(o, {
    consentId: randomBytes(12).toString('hex'),
    standard: 'FDX',
    clientId: req.clientId,
    status: 'AWAITING_AUTHORISATION',
    permissions: fdxPermissions(req.terms),
    creationDateTime: now.toISOString(),
    statusUpdateDateTime: now.toISOString(),
    fdx: req.terms,
    audit: [],
    revision: 0,
  });
}

function start(o: Omit<LodgeOptions, 'bankId'>, state: ConsentState): Promise<ConsentState> {
  const expires = state.expirationDateTime ? new Date(state.expirationDateTime) : undefined;
  const operation = new WithStartWorkflowOperation(consent, {
    workflowId: state.consentId,
    taskQueue: o.taskQueue,
    args: [
      {
        state,
        authorisationWindowMs: o.authorisationWindowMs,
        ...(o.oneTimeAccessMs ? { oneTimeAccessMs: o.oneTimeAccessMs } : {}),
        ...(o.dayMs ? { dayMs: o.dayMs } : {}),
      },
    ],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: [
      { key: ConsentStatus, value: 'AWAITING_AUTHORISATION' },
      { key: ConsentLifecycle, value: 'AWAITING_AUTHORISATION' },
      { key: ClientId, value: state.clientId },
      { key: Standard, value: [state.standard] },
      ...(expires ? [{ key: ConsentExpiresAt, value: expires }] : []),
    ],
  });
  return o.client.workflow.executeUpdateWithStart(lodgedUpdate, { startWorkflowOperation: operation });
}
