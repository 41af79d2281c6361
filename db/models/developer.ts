// A developer of a data recipient who uses the marketplace. Signs up with an email address, proves
// it with a link sent to that address, and belongs to at most one organization: its admin when they
// enrolled it, a member when an org admin invited them.
import { Schema, type Connection } from 'mongoose';

const DEVELOPER_ROLES = ['ORG_ADMIN', 'DEVELOPER'] as const;

const developerSchema = new Schema(
  {
    /** The developer id (UUID): FerretDB pushes only `_id` lookups down to SQL. */
    _id: { type: String, required: true },
    /** Lower case; unique. */
    email: { type: String, required: true },
    name: { type: String, required: true },
    /** scrypt$N$r$p$salt$hash (see auth/idp/passwords.ts). */
    passwordHash: { type: String, required: true },
    emailVerifiedAt: { type: Date },
    /** SHA-256 of the pending verification link's token, and when the link stops working. */
    verification: {
      type: new Schema({ tokenHash: String, expiresAt: Date }, { _id: false }),
    },
    organizationId: { type: String },
    role: { type: String, enum: DEVELOPER_ROLES },
    failedAttempts: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date },
  },
  { collection: 'developers', versionKey: false, timestamps: true },
);
developerSchema.index({ email: 1 }, { unique: true });
developerSchema.index({ organizationId: 1 });

export function developerModel(connection: Connection) {
  return connection.model('Developer', developerSchema);
}

const invitationSchema = new Schema(
  {
    /** SHA-256 of the invitation link's token. */
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    email: { type: String, required: true },
    invitedBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    acceptedAt: { type: Date },
  },
  { collection: 'developer_invitations', versionKey: false, timestamps: true },
);
invitationSchema.index({ organizationId: 1 });

export function invitationModel(connection: Connection) {
  return connection.model('Invitation', invitationSchema);
}
