// A data recipient's application and its OAuth client at the authorization server. The marketplace
// writes the application when it is created; from then on its `client` part has one writer, the
// application's `provisioning` workflow (the Discovery Agent), through its activities.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { journalsStateChanges } from './state-change.js';
import { STANDARDS } from './organization.js';
import { CLIENT_STATUSES, type ClientStatus } from '../../lib/client-status.js';

export { CLIENT_STATUSES, type ClientStatus };

const credentialSchema = new Schema(
  {
    /** The key id (JWKS) or certificate thumbprint (x5t#S256). */
    id: { type: String, required: true },
    /** The public JWK, for private_key_jwt and signed requests. */
    jwk: { type: String },
    /** The PEM certificate, for tls_client_auth and certificate-bound tokens. */
    certificate: { type: String },
    subjectDn: { type: String },
    addedAt: { type: Date, required: true },
    /** Set by a rotation: the credential keeps working until then. */
    retiresAt: { type: Date },
  },
  { _id: false },
);

const clientSchema = new Schema(
  {
    status: { type: String, enum: CLIENT_STATUSES, required: true },
    clientId: { type: String },
    registrationClientUri: { type: String },
    /** The RFC 7592 registration access token, AES-256-GCM encrypted (lib/crypto/secret-box.ts). */
    registrationAccessToken: { type: String },
    scopes: { type: [String], default: [] },
    expiresAt: { type: Date },
    /** Suspended by the bank: the developer cannot enable it. */
    suspendedByBank: { type: Boolean },
    lastError: { type: new Schema({ step: String, message: String, at: Date }, { _id: false }) },
    updatedAt: { type: Date },
  },
  { _id: false },
);

const applicationSchema = new Schema(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    name: { type: String, required: true },
    standard: { type: String, enum: STANDARDS, required: true },
    redirectUris: { type: [String], required: true },
    logoUri: { type: String },
    tokenEndpointAuthMethod: { type: String, enum: ['private_key_jwt', 'tls_client_auth'], required: true },
    credentials: { type: [credentialSchema], default: [] },
    createdBy: { type: String, required: true },
    workflowId: { type: String, required: true },
    client: { type: clientSchema, required: true },
  },
  { collection: 'applications', versionKey: false, timestamps: true },
);
applicationSchema.index({ organizationId: 1 });

export type Application = InferSchemaType<typeof applicationSchema>;

// Every write is journaled, so gateway replicas drop this record's cached state (state-change.ts).
applicationSchema.plugin(journalsStateChanges('Application'));

export function applicationModel(connection: Connection) {
  return connection.model('Application', applicationSchema);
}

/** The client id the Discovery Agent registers for an application (see auth/registration-policy.ts). */
export const clientIdFor = (applicationId: string) => `mkt-${applicationId}`;

/** The application of a marketplace client, or undefined for any other client. */
export const applicationIdOfClient = (clientId: string) => /^mkt-([0-9a-f-]{36})$/.exec(clientId)?.[1];
