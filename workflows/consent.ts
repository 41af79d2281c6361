// `consent`: one workflow per consent, id = consent id, the single writer of the consent record.
// OFB v3 lifecycle: AWAITING_AUTHORISATION → AUTHORISED | REJECTED, with the 60-minute
// authorisation window and the expiry at expirationDateTime as timers. Transitions arrive as
// updates whose validators refuse illegal ones without touching history. Every end revokes the
// grant's tokens at the authorization server and leaves an audit entry.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConsentActivities } from '../activities/consent.js';
import { authoriseError, extensionError, fdxLifetimeMs, holdError, revokeError } from './consent-rules.js';
import { statusInStandard } from './consent-status.js';
import {
  authoriseUpdate,
  extendUpdate,
  holdUpdate,
  lodgedUpdate,
  revokeSignal,
  revokeUpdate,
  stateQuery,
  type ConsentInput,
  type ConsentState,
  type ConsentStatusValue,
  type RejectedBy,
  type RejectionCode,
  type Revocation,
} from './consent-types.js';
import {
  ConsentExpiresAt,
  ConsentLifecycle,
  ConsentStatus,
  CustomerId,
} from '../lib/temporal-search-attributes.js';

const activities = proxyActivities<ConsentActivities>({
  startToCloseTimeout: '10 seconds',
  // The record and the token revocation must happen: retried until the database is back.
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: Infinity,
  },
});

export async function consent(input: ConsentInput): Promise<ConsentState> {
  const state = input.state;
  const createdAt = Date.parse(state.creationDateTime);
  const windowEndsAt = createdAt + input.authorisationWindowMs;
  let pendingWrite = Promise.resolve();

  /** Apply a transition and persist it; writes are chained so the projection sees them in order. */
  const transition = (to: ConsentStatusValue, actor: string, action: string, reason?: string) => {
    const now = new Date().toISOString();
    const from = action === 'lodge' ? {} : { from: state.status };
    state.audit.push({ at: now, actor, action, ...from, to, ...(reason ? { reason } : {}) });
    state.status = to;
    state.statusUpdateDateTime = now;
    state.revision++;
    // Ops search in the standard's words (FDX: ACTIVE, EXPIRED, REVOKED) or by the lifecycle. Still
    // one upsert per transition: histories of earlier versions, with other values, replay as before.
    upsertSearchAttributes([
      { key: ConsentStatus, value: statusInStandard(state.standard, to, state.rejection?.code) },
      { key: ConsentLifecycle, value: to },
      ...(state.customerId ? [{ key: CustomerId, value: state.customerId }] : []),
    ]);
    const snapshot = JSON.parse(JSON.stringify(state)) as ConsentState;
    pendingWrite = pendingWrite.then(() => activities.recordConsent(snapshot));
    return pendingWrite;
  };

  const reject = async (
    rejectedBy: RejectedBy,
    code: RejectionCode,
    actor: string,
    additionalInformation?: string,
  ) => {
    state.rejection = { rejectedBy, code, ...(additionalInformation ? { additionalInformation } : {}) };
    await transition('REJECTED', actor, 'reject', code);
  };

  const revoke = (r: Revocation) => {
    if (r.fdx) state.fdxRevocation = { ...r.fdx, updatedTime: new Date().toISOString() };
    const code =
      r.code ?? (state.status === 'AUTHORISED' ? 'CUSTOMER_MANUALLY_REVOKED' : 'CUSTOMER_MANUALLY_REJECTED');
    return reject(r.rejectedBy, code, r.actor, r.additionalInformation);
  };

  let lodged = state.revision > 0;
  setHandler(stateQuery, () => state);
  setHandler(
    holdUpdate,
    async (h) => {
      state.onHold = h.onHold;
      await transition(state.status, h.actor, h.onHold ? 'hold' : 'release', h.reason);
      return state;
    },
    { validator: (h) => throwIf(holdError(state, h)) },
  );
  setHandler(lodgedUpdate, async () => {
    await condition(() => lodged);
    return state;
  });
  setHandler(
    authoriseUpdate,
    async (a) => {
      state.customerId = a.customerId;
      state.accountIds = [...a.accountIds];
      // FDX TIME_BOUND: the duration runs from the grant; ONE_TIME: one access session.
      const fdxLife = fdxLifetimeMs(state.fdx, input);
      if (fdxLife !== undefined) {
        state.expirationDateTime = new Date(Date.now() + fdxLife).toISOString();
        upsertSearchAttributes([{ key: ConsentExpiresAt, value: new Date(state.expirationDateTime) }]);
      }
      await transition('AUTHORISED', a.actor, 'authorise');
      return state;
    },
    { validator: (a) => throwIf(authoriseError(state, a, Date.now(), windowEndsAt)) },
  );
  setHandler(
    extendUpdate,
    async (e) => {
      const { actor, ...extension } = e;
      const previous = state.expirationDateTime;
      state.extensions = [
        ...(state.extensions ?? []),
        { ...extension, ...(previous ? { previousExpirationDateTime: previous } : {}) },
      ];
      if (e.expirationDateTime) state.expirationDateTime = e.expirationDateTime;
      else delete state.expirationDateTime;
      upsertSearchAttributes([
        { key: ConsentExpiresAt, value: e.expirationDateTime ? new Date(e.expirationDateTime) : null },
      ]);
      await transition('AUTHORISED', actor, 'extend', e.expirationDateTime ?? 'no expiry');
      return state;
    },
    {
      validator: (e) => {
        const error = extensionError(state, e, Date.now());
        if (error)
          throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
      },
    },
  );
  setHandler(
    revokeUpdate,
    async (r) => {
      await revoke(r);
      return state;
    },
    { validator: (r) => throwIf(revokeError(state, r)) },
  );
  setHandler(revokeSignal, async (r) => {
    const error = revokeError(state, r);
    if (error) log.warn('revoke signal ignored', { error });
    else await revoke(r);
  });

  if (state.revision === 0) await transition('AWAITING_AUTHORISATION', state.clientId, 'lodge');
  lodged = true;

  // Waiting for the customer: the window closing rejects the consent.
  if (state.status === 'AWAITING_AUTHORISATION') {
    const decided = await condition(
      () => state.status !== 'AWAITING_AUTHORISATION',
      Math.max(1, windowEndsAt - Date.now()),
    );
    if (!decided)
      await reject('ASPSP', 'CONSENT_EXPIRED', 'bank', 'not authorised within the authorisation window');
  }

  // Authorised: lives until revoked or expired; long lives continue as new to keep history small.
  while (state.status === 'AUTHORISED') {
    const expiry = state.expirationDateTime;
    const expiresAt = expiry ? Date.parse(expiry) : undefined;
    const woken = () =>
      state.status !== 'AUTHORISED' ||
      state.expirationDateTime !== expiry ||
      workflowInfo().continueAsNewSuggested;
    const ended =
      expiresAt === undefined
        ? (await condition(woken), true)
        : await condition(woken, Math.max(1, expiresAt - Date.now()));
    if (state.status !== 'AUTHORISED') break;
    // Renewed: wait again for the new expiry.
    if (state.expirationDateTime !== expiry) continue;
    if (!ended) {
      await reject('ASPSP', 'CONSENT_MAX_DATE_REACHED', 'bank', 'expirationDateTime reached');
      break;
    }
    await condition(allHandlersFinished);
    await pendingWrite;
    await continueAsNew<typeof consent>({ ...input, state });
  }

  await pendingWrite;
  // Whatever ended it: no token of this consent may work any more.
  await activities.revokeGrantTokens(state.consentId);
  await condition(allHandlersFinished);
  return state;
}

function throwIf(error: string | undefined): void {
  if (error) throw new Error(error);
}
