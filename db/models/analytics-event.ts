// Analytics events: what happened, to which consent, client or organization, and when — ids only,
// never personal data. Writers give deterministic ids so a retried write records an event once.
import { Schema, type Connection } from 'mongoose';

const analyticsEventSchema = new Schema(
  {
    /** Deterministic: e.g. `consent:<consentId>:<revision>`. */
    _id: { type: String, required: true },
    /**
     * e.g. `consent.authorise`, `gateway.call`, `auth.token_issued`; workflow transitions are
     * `onboarding.transition` and `provisioning.transition` (activities/transition-events.ts).
     */
    type: { type: String, required: true },
    at: { type: Date, required: true },
    standard: { type: String },
    clientId: { type: String },
    organizationId: { type: String },
    applicationId: { type: String },
    /** Gateway calls: the catalog product of the endpoint. */
    productId: { type: String },
    consentId: { type: String },
    /** For consent ends: the OFB rejection code (CONSENT_EXPIRED, CUSTOMER_MANUALLY_REVOKED, …). */
    code: { type: String },
    actor: { type: String },
    /** Gateway calls: the route template, the outcome, latency (ms), response size and correlation id. */
    method: { type: String },
    endpoint: { type: String },
    status: { type: Number },
    latencyMs: { type: Number },
    bytes: { type: Number },
    interactionId: { type: String },
    /** Workflow transitions: the status entered (an organization's enrolment, an application's client). */
    toStatus: { type: String },
  },
  { collection: 'analytics_events', versionKey: false },
);
analyticsEventSchema.index({ type: 1, at: 1 });
analyticsEventSchema.index({ clientId: 1, at: 1 });

export function analyticsEventModel(connection: Connection) {
  return connection.model('AnalyticsEvent', analyticsEventSchema);
}
