// The authorization server's keys: JWS signing, JWE decryption and cookie signing. Private
// material is stored encrypted (AES-256-GCM under the key-encryption key), never in clear.
import { Schema, type Connection } from 'mongoose';

const authKeySchema = new Schema(
  {
    /** The JWK `kid` (unique, as oidc-provider requires) or a cookie key id. */
    _id: { type: String, required: true },
    use: { type: String, enum: ['sig', 'enc', 'cookie'], required: true },
    alg: { type: String },
    /** Encrypted JWK JSON (sig, enc) or secret (cookie). */
    material: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** Set when a newer key takes over: published (sig) or accepted (cookie) until then, then dropped. */
    retireAt: { type: Date },
  },
  { collection: 'auth_keys', versionKey: false },
);
authKeySchema.index({ use: 1, createdAt: -1 });

export function authKeyModel(connection: Connection) {
  return connection.model('AuthKey', authKeySchema);
}
