// The `consent` workflows' contract, shared by the workflows, their activities and their callers:
// the inputs, the state, the updates, signal and query, and the workflow types by name. Callers
// start and drive the workflows through consent-client.ts; nothing here runs workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExtensionErrorCode, FdxConsentTerms } from './consent-rules.js';

/** One workflow per consent, id = consent id, the single writer of the consent record. */
export const CONSENT_WORKFLOW = 'consent';
export type ConsentWorkflow = (input: ConsentInput) => Promise<ConsentState>;

/** The bank revokes every authorised consent of one customer. */
export const REVOKE_CUSTOMER_CONSENTS_WORKFLOW = 'revokeCustomerConsents';
export type RevokeCustomerConsentsWorkflow = (
  input: RevokeCustomerConsentsInput,
) => Promise<{ revoked: string[] }>;

export type ConsentStatusValue = 'AWAITING_AUTHORISATION' | 'AUTHORISED' | 'REJECTED';
export type RejectedBy = 'USER' | 'ASPSP' | 'TPP';
export type RejectionCode =
  | 'CONSENT_EXPIRED'
  | 'CUSTOMER_MANUALLY_REJECTED'
  | 'CUSTOMER_MANUALLY_REVOKED'
  | 'CONSENT_MAX_DATE_REACHED'
  | 'CONSENT_TECHNICAL_ISSUE'
  | 'INTERNAL_SECURITY_REASON';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  from?: ConsentStatusValue;
  to: ConsentStatusValue;
  reason?: string;
}

export type { ExtensionErrorCode, FdxConsentTerms };

/** OFB `POST /consents/{consentId}/extends`: a renewal without redirection, as the extensions list shows it. */
export interface Extension {
  /** Absent: the consent no longer expires. */
  expirationDateTime?: string;
  previousExpirationDateTime?: string;
  loggedUserDocument: string;
  businessEntityDocument?: string;
  requestDateTime: string;
  xFapiCustomerIpAddress: string;
  xCustomerUserAgent: string;
}

/** FDX `PUT /consents/{consentId}/revocation` terms, kept for `GET …/revocation`. */
export interface FdxRevocation {
  reason: 'USER_ACTION' | 'BUSINESS_RULE';
  initiator: string;
  updatedTime: string;
}

export interface ConsentState {
  consentId: string;
  standard: 'OFB' | 'FDX';
  clientId: string;
  status: ConsentStatusValue;
  permissions: string[];
  /** OFB: the CPF of the user who may authorise. FDX consents name no user before authorisation. */
  loggedUserDocument?: string;
  businessEntityDocument?: string;
  customerId?: string;
  accountIds?: string[];
  creationDateTime: string;
  statusUpdateDateTime: string;
  expirationDateTime?: string;
  rejection?: { rejectedBy: RejectedBy; code: RejectionCode; additionalInformation?: string };
  audit: AuditEntry[];
  /** FDX ConsentRequest terms (fdx_v1.0 authorization details). */
  fdx?: FdxConsentTerms;
  /** Increases with every change; the projection keeps the highest. */
  revision: number;
  /** Bank-side hold: the consent stays AUTHORISED, but no data flows while it is held. */
  onHold?: boolean;
  /** OFB renewals, oldest first. */
  extensions?: Extension[];
  /** FDX: who revoked it and why. */
  fdxRevocation?: FdxRevocation;
}

export interface ConsentInput {
  /** A fresh consent, or the state carried over by continue-as-new. */
  state: ConsentState;
  /** How long the customer has to authorise (OFB: 60 minutes). An input so tests run in seconds. */
  authorisationWindowMs: number;
  /** FDX ONE_TIME consents: how long the single access lasts after authorisation (default 1 hour). */
  oneTimeAccessMs?: number;
  /** The length of a day of FDX durationPeriod (default 24 h); tests shorten it. */
  dayMs?: number;
}

export interface Authorisation {
  customerId: string;
  accountIds: string[];
  actor: string;
}

export interface Revocation {
  rejectedBy: RejectedBy;
  code?: RejectionCode;
  actor: string;
  additionalInformation?: string;
  /** FDX revocation terms, as the recipient or the bank gave them. */
  fdx?: Omit<FdxRevocation, 'updatedTime'>;
}

export type ExtensionRequest = Omit<Extension, 'previousExpirationDateTime'> & { actor: string };

export const authoriseUpdate = defineUpdate<ConsentState, [Authorisation]>('authorise');
/** Reject while awaiting authorisation, or revoke once authorised. */
export const revokeUpdate = defineUpdate<ConsentState, [Revocation]>('revoke');

export interface Hold {
  onHold: boolean;
  actor: string;
  reason: string;
}
/** The same as `revoke`, for senders that cannot wait for an answer (other workflows, the Temporal UI). */
export const revokeSignal = defineSignal<[Revocation]>('revokeSignal');

/** Bank staff put an authorised consent on hold, or release it. */
export const holdUpdate = defineUpdate<ConsentState, [Hold]>('hold');
export const stateQuery = defineQuery<ConsentState>('state');
/** OFB renewal of an authorised consent; refusals are ApplicationFailures typed with the OFB 422 code. */
export const extendUpdate = defineUpdate<ConsentState, [ExtensionRequest]>('extend');
/** Resolves once the lodged consent is on record: update-with-start answers the API with it. */
export const lodgedUpdate = defineUpdate<ConsentState>('lodged');

export interface RevokeCustomerConsentsInput {
  customerId: string;
  actor: string;
  code: Extract<RejectionCode, 'INTERNAL_SECURITY_REASON' | 'CUSTOMER_MANUALLY_REVOKED'>;
  reason: string;
}
