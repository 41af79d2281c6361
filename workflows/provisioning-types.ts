// The `provisioning` workflow's contract (the Discovery Agent), shared by the workflow, its
// activities and its callers: the input, the state, the lifecycle updates and the query, and the
// workflow type by name. Callers start and drive the workflow through provisioning-client.ts.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ClientStatus } from '../lib/client-status.js';

/** One workflow per application (see provisioning-client.ts for its id). */
export const PROVISIONING_WORKFLOW = 'provisioning';
export type ProvisioningWorkflow = (input: ProvisioningInput) => Promise<ProvisioningState>;

/** A new key or certificate for the client (public parts only: private keys never reach the platform). */
export interface NewCredential {
  id: string;
  jwk?: string;
  certificate?: string;
  subjectDn?: string;
}

export interface ProvisioningInput {
  applicationId: string;
  organizationId: string;
  /** How long a rotated-out key or certificate keeps working. */
  rotationOverlapMs: number;
  /** The client expires this long after registration; undefined: never. */
  lifetimeMs?: number;
  /** Timeout of one call to the authorization server, and how often a failing one is retried. */
  stepTimeoutMs: number;
  stepAttempts: number;
  /** Carried over by continue-as-new. */
  state?: ProvisioningState;
}

export interface ProvisioningState {
  status: ClientStatus;
  /** A suspension by the bank: only the bank may enable the client again. */
  suspendedByBank?: boolean;
  /** Consecutive failures of a timed step (retire, expire), for its back-off. */
  timerFailures?: number;
  clientId?: string;
  expiresAt?: string;
  /** When the credentials replaced by the last rotation stop working. */
  retireAt?: string;
  history: { at: string; step: string; by: string; outcome: 'done' | 'failed'; detail?: string }[];
}

export interface Actor {
  /** `staff:<email>` for the bank (see api/bank-console/access.ts), the developer's email otherwise. */
  by: string;
  reason?: string;
}

export const stateQuery = defineQuery<ProvisioningState>('state');
/** Resolves once the first registration has succeeded or failed. */
export const registeredUpdate = defineUpdate<ProvisioningState>('registered');
export const suspendUpdate = defineUpdate<ProvisioningState, [Actor]>('suspend');
export const enableUpdate = defineUpdate<ProvisioningState, [Actor]>('enable');
export const rotateUpdate = defineUpdate<ProvisioningState, [Actor & { credential: NewCredential }]>(
  'rotate',
);
/** The organization's subscriptions changed: register the scopes they now allow. */
export const syncScopesUpdate = defineUpdate<ProvisioningState, [Actor]>('syncScopes');
export const deprovisionUpdate = defineUpdate<ProvisioningState, [Actor]>('deprovision');
/** After a failed registration: try again. */
export const retryUpdate = defineUpdate<ProvisioningState, [Actor]>('retry');
