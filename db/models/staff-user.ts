// Bank staff who use the consent console: VIEW reads, ADMIN also acts (hold, resume, revoke).
// Seeded with demo users outside production; `npm run admin:create-staff` creates real ones.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const STAFF_ROLES = ['VIEW', 'ADMIN'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const staffUserSchema = new Schema(
  {
    /** The email address, lower case: what staff type to log in, and their name in audit trails. */
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: STAFF_ROLES, required: true },
    /** scrypt$N$r$p$salt$hash (see auth/idp/passwords.ts). */
    passwordHash: { type: String, required: true },
    failedAttempts: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date },
  },
  { collection: 'staff_users', versionKey: false, timestamps: true },
);

export type StaffUser = InferSchemaType<typeof staffUserSchema>;

export function staffUserModel(connection: Connection) {
  return connection.model('StaffUser', staffUserSchema);
}
