// Side effects of the `consent` workflow: the projection the gateway and dashboards read, and the
// revocation of the grant's tokens at the authorization server. Both are idempotent.
import { revokeGrantRecords } from '../auth/adapter.js';
import { insertOnce } from '../db/insert-once.js';
import type { Models } from '../db/models/index.js';
import type { ConsentState } from '../workflows/consent-types.js';

export function createConsentActivities({
  models,
}: {
  models: Pick<Models, 'Consent' | 'OidcRecord' | 'AnalyticsEvent'>;
}) {
  return {
    async recordConsent(state: ConsentState): Promise<void> {
      const doc = {
        ...state,
        _id: state.consentId,
        creationDateTime: new Date(state.creationDateTime),
        statusUpdateDateTime: new Date(state.statusUpdateDateTime),
        ...(state.expirationDateTime ? { expirationDateTime: new Date(state.expirationDateTime) } : {}),
        audit: state.audit.map((a) => ({ ...a, at: new Date(a.at) })),
      };
      delete (doc as Partial<typeof doc>).consentId;
      await models.Consent.replaceOne({ _id: state.consentId }, doc, { upsert: true });
      // Each transition is an analytics event, once: its id is the consent's revision.
      const last = state.audit.at(-1);
      if (!last) return;
      await insertOnce(models.AnalyticsEvent, {
        _id: `consent:${state.consentId}:${state.revision}`,
        type: `consent.${last.action}`,
        at: new Date(last.at),
        standard: state.standard,
        clientId: state.clientId,
        consentId: state.consentId,
        ...(last.action === 'reject' && state.rejection ? { code: state.rejection.code } : {}),
        // Customer and client ids are ids; staff are named by email, which stays out.
        actor: last.actor.startsWith('staff:') ? 'staff' : last.actor,
      });
    },

    /** Ids of a customer's consents that are authorised now (sorted, so runs are repeatable). */
    async listAuthorisedConsents(customerId: string): Promise<string[]> {
      const rows = await models.Consent.find({ customerId, status: 'AUTHORISED' }, { _id: 1 }).lean();
      return rows.map((r) => String(r._id)).sort();
    },

    async revokeGrantTokens(consentId: string): Promise<number> {
      return revokeGrantRecords(models.OidcRecord, consentId);
    },
  };
}

export type ConsentActivities = ReturnType<typeof createConsentActivities>;
