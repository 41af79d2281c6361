// A customer's consent to share data with a recipient: the projection of its `consent` workflow,
// which is its only writer. The gateway, the authorization server and the dashboards read it.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { journalsStateChanges } from './state-change.js';

const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    from: { type: String },
    to: { type: String, required: true },
    reason: { type: String },
  },
  { _id: false },
);

const consentSchema = new Schema(
  {
    /** OFB `urn:<bank>:<uuid>`; FDX 24 lowercase hex. Also the workflow id and the OAuth grant id. */
    _id: { type: String, required: true },
    standard: { type: String, enum: ['OFB', 'FDX'], required: true },
    clientId: { type: String, required: true },
    status: { type: String, required: true },
    permissions: { type: [String], required: true },
    /** OFB loggedUser CPF and optional businessEntity CNPJ, as lodged. */
    loggedUserDocument: { type: String },
    businessEntityDocument: { type: String },
    customerId: { type: String },
    accountIds: { type: [String], default: undefined },
    creationDateTime: { type: Date, required: true },
    statusUpdateDateTime: { type: Date, required: true },
    expirationDateTime: { type: Date },
    rejection: {
      type: new Schema(
        {
          rejectedBy: { type: String, required: true },
          code: { type: String, required: true },
          additionalInformation: { type: String },
        },
        { _id: false },
      ),
    },
    audit: { type: [auditSchema], required: true },
    /** FDX ConsentRequest terms: durationType, durationPeriod, lookbackPeriod, requested resources. */
    fdx: { type: Schema.Types.Mixed },
    revision: { type: Number, required: true },
    onHold: { type: Boolean },
    /** OFB renewals (`POST …/extends`), oldest first; they carry the user's IP address and user agent. */
    extensions: {
      type: [
        new Schema(
          {
            expirationDateTime: { type: String },
            previousExpirationDateTime: { type: String },
            loggedUserDocument: { type: String, required: true },
            businessEntityDocument: { type: String },
            requestDateTime: { type: String, required: true },
            xFapiCustomerIpAddress: { type: String, required: true },
            xCustomerUserAgent: { type: String, required: true },
          },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    /** FDX revocation terms: reason, initiator, updatedTime. */
    fdxRevocation: {
      type: new Schema(
        {
          reason: { type: String, required: true },
          initiator: { type: String, required: true },
          updatedTime: { type: String, required: true },
        },
        { _id: false },
      ),
    },
  },
  { collection: 'consents', versionKey: false },
);
consentSchema.index({ clientId: 1, status: 1 });
consentSchema.index({ customerId: 1, status: 1 });

export type Consent = InferSchemaType<typeof consentSchema>;

// Every write is journaled, so gateway replicas drop this record's cached state (state-change.ts).
consentSchema.plugin(journalsStateChanges('Consent'));

export function consentModel(connection: Connection) {
  return connection.model('Consent', consentSchema);
}
