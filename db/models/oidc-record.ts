// oidc-provider's persisted artifacts (clients, grants, sessions, codes, refresh tokens, PAR
// objects, …). The payload is a JSON string: its keys may hold dots (resource indicator URLs,
// client ids), which FerretDB rejects. Expiry is a field checked on read and swept by schedule,
// since FerretDB has no TTL indexes.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const oidcRecordSchema = new Schema(
  {
    /** `<model>:<id>` — lookups by id stay on `_id`, the only filter FerretDB pushes down. */
    _id: { type: String, required: true },
    model: { type: String, required: true },
    payload: { type: String, required: true },
    grantId: { type: String },
    uid: { type: String },
    userCode: { type: String },
    expiresAt: { type: Date },
    consumedAt: { type: Date },
  },
  { collection: 'oidc_records', versionKey: false },
);
oidcRecordSchema.index({ model: 1, grantId: 1 });
oidcRecordSchema.index({ model: 1, uid: 1 });
oidcRecordSchema.index({ expiresAt: 1 });

export type OidcRecord = InferSchemaType<typeof oidcRecordSchema>;

export function oidcRecordModel(connection: Connection) {
  return connection.model('OidcRecord', oidcRecordSchema);
}
