// A second-factor challenge of one login interaction: the one-time code's hash, its expiry and the
// attempts left. Keyed by the interaction uid, so a code works only in the login that asked for it.
import { Schema, type Connection } from 'mongoose';

const loginChallengeSchema = new Schema(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    codeHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
  },
  { collection: 'login_challenges', versionKey: false },
);
loginChallengeSchema.index({ expiresAt: 1 });

export function loginChallengeModel(connection: Connection) {
  return connection.model('LoginChallenge', loginChallengeSchema);
}
