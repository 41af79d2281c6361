// What bank staff and customers do to a consent, through its workflow: hold, release, revoke, and
// revoke every consent of one customer. A refusal comes back as an outcome carrying the workflow's
// own reason (its update validators), for a 409 or an error banner.
import type { Client } from '@temporalio/client';
import {
  ConsentRefused,
  consentTransitions,
  startCustomerConsentsRevocation,
} from '../../../workflows/consent-client.js';
import type {
  ConsentState,
  Revocation,
  RevokeCustomerConsentsInput,
} from '../../../workflows/consent-types.js';

const STAFF_ACTIONS = ['hold', 'resume', 'revoke'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];
export const isStaffAction = (a: unknown): a is StaffAction => STAFF_ACTIONS.includes(a as StaffAction);

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: 409; message: string };

async function refusalOf<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof ConsentRefused) return { ok: false, status: 409, message: err.message };
    throw err;
  }
}

function holdConsent(
  client: Client,
  consentId: string,
  hold: { onHold: boolean; actor: string; reason: string },
): Promise<Outcome<ConsentState>> {
  return refusalOf(() => consentTransitions(client).hold(consentId, hold));
}

export function revokeConsent(
  client: Client,
  consentId: string,
  revocation: Revocation,
): Promise<Outcome<ConsentState>> {
  return refusalOf(() => consentTransitions(client).revoke(consentId, revocation));
}

/** A staff action on one consent: hold and resume keep it authorised, revoke ends it. */
export function staffAction(
  client: Client,
  action: StaffAction,
  consentId: string,
  actor: string,
  reason: string,
): Promise<Outcome<ConsentState>> {
  if (action === 'revoke')
    return revokeConsent(client, consentId, {
      rejectedBy: 'ASPSP',
      code: 'INTERNAL_SECURITY_REASON',
      actor,
      additionalInformation: reason,
    });
  return holdConsent(client, consentId, { onHold: action === 'hold', actor, reason });
}

/** The reason staff give: required, kept in the audit trail. */
export function reasonError(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim() === '') return 'a reason is required';
  if (reason.trim().length > 500) return 'the reason must have at most 500 characters';
  return undefined;
}

/** The bank revokes every authorised consent of a customer; one run at a time per customer. */
export async function revokeAllConsentsOf(
  client: Client,
  taskQueue: string,
  input: RevokeCustomerConsentsInput,
): Promise<Outcome<{ workflowId: string; runId: string }>> {
  const started = await startCustomerConsentsRevocation(client, taskQueue, input);
  if (started) return { ok: true, value: started };
  // A double click or a second admin gets a 409, not a second run.
  return { ok: false, status: 409, message: "a revocation of this customer's consents is already running" };
}
