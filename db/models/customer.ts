// Bank customers who log in at the bank's identity provider. In a bank installation these come
// from the core banking or the bank's own IdP; the platform seeds demo customers for development.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const customerSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** What the customer types to log in: the CPF digits for a person, the CPF of the representative for a business. */
    username: { type: String, required: true },
    type: { type: String, enum: ['personal', 'business'], required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    cpf: { type: String, required: true },
    cnpj: { type: String },
    /** scrypt$N$r$p$salt$hash (see auth/idp/passwords.ts). */
    passwordHash: { type: String, required: true },
    failedAttempts: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date },
  },
  { collection: 'customers', versionKey: false, timestamps: true },
);
customerSchema.index({ username: 1 }, { unique: true });

export type Customer = InferSchemaType<typeof customerSchema>;

export function customerModel(connection: Connection) {
  return connection.model('Customer', customerSchema);
}
