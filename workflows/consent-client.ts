// How the APIs and the authorization server drive the consent workflows: lodging a consent
// (update-with-start, answered once the record exists, so the recipient can read it back at once),
// its transitions as updates, and the revocation of every consent of a customer. The workflows'
// validators have the last word: a refusal comes back as `ConsentRefused`, with the OFB code when
// it names one. Runs outside workflows (it uses @temporalio/client): workflow code never imports it.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { fdxPermissions } from './consent-rules.js';
import {
  authoriseUpdate,
  CONSENT_WORKFLOW,
  extendUpdate,
  holdUpdate,
  lodgedUpdate,
  REVOKE_CUSTOMER_CONSENTS_WORKFLOW,
  revokeUpdate,
  type Authorisation,
  type ConsentState,
  type ConsentWorkflow,
  type ExtensionRequest,
  type FdxConsentTerms,
  type Hold,
  type Revocation,
  type RevokeCustomerConsentsInput,
  type RevokeCustomerConsentsWorkflow,
} from './consent-types.js';
import {
  ClientId,
  ConsentExpiresAt,
  ConsentLifecycle,
  ConsentStatus,
  Standard,
} from '../lib/temporal-search-attributes.js';

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
  const operation = new WithStartWorkflowOperation<ConsentWorkflow>(CONSENT_WORKFLOW, {
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

export class ConsentRefused extends Error {
  override name = 'ConsentRefused';
  constructor(
    message: string,
    /** The validator's failure type, e.g. `DATA_EXPIRACAO_INVALIDA`, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

async function refusing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      const code =
        cause instanceof ApplicationFailure && cause.type !== 'Error' ? (cause.type ?? undefined) : undefined;
      throw new ConsentRefused(cause?.message ?? err.message, code);
    }
    // The workflow has ended (a completed consent accepts no update): nothing to transition.
    if (err instanceof WorkflowNotFoundError) throw new ConsentRefused('the consent has ended');
    throw err;
  }
}

export interface ConsentTransitions {
  authorise(consentId: string, a: Authorisation): Promise<ConsentState>;
  revoke(consentId: string, r: Revocation): Promise<ConsentState>;
  extend(consentId: string, e: ExtensionRequest): Promise<ConsentState>;
  hold(consentId: string, h: Hold): Promise<ConsentState>;
}

export function consentTransitions(client: Client): ConsentTransitions {
  const handle = (id: string) => client.workflow.getHandle(id);
  return {
    authorise: (id, a) => refusing(handle(id).executeUpdate(authoriseUpdate, { args: [a] })),
    revoke: (id, r) => refusing(handle(id).executeUpdate(revokeUpdate, { args: [r] })),
    extend: (id, e) => refusing(handle(id).executeUpdate(extendUpdate, { args: [e] })),
    hold: (id, h) => refusing(handle(id).executeUpdate(holdUpdate, { args: [h] })),
  };
}

export const revokeCustomerConsentsWorkflowId = (customerId: string) =>
  `revoke-customer-consents-${customerId}`;

/**
 * Starts the revocation of every authorised consent of a customer, one run at a time per customer:
 * null when one is already running.
 */
export async function startCustomerConsentsRevocation(
  client: Client,
  taskQueue: string,
  input: RevokeCustomerConsentsInput,
): Promise<{ workflowId: string; runId: string } | null> {
  const workflowId = revokeCustomerConsentsWorkflowId(input.customerId);
  try {
    const handle = await client.workflow.start<RevokeCustomerConsentsWorkflow>(
      REVOKE_CUSTOMER_CONSENTS_WORKFLOW,
      {
        taskQueue,
        workflowId,
        args: [input],
        // A double click or a second admin finds the run going, not a second run.
        workflowIdConflictPolicy: 'FAIL',
      },
    );
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
    throw err;
  }
}
