// A data-recipient organization enrolled through the marketplace. Written only by its
// `onboarding` workflow (through activities); read by the marketplace and admin pages.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const ONBOARDING_STATUSES = ['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'EXPIRED'] as const;

export const STANDARDS = ['OFB', 'FDX'] as const;
export type StandardValue = (typeof STANDARDS)[number];

const contactSchema = new Schema(
  {
    name: { type: String, required: true },
    email: { type: String, required: true },
    role: { type: String, enum: ['business', 'technical', 'security'], required: true },
  },
  { _id: false },
);

const reviewSchema = new Schema(
  {
    decision: { type: String, enum: ['APPROVED', 'REJECTED'], required: true },
    reason: { type: String },
    reviewer: { type: String, required: true },
    decidedAt: { type: Date, required: true },
  },
  { _id: false },
);

const organizationSchema = new Schema(
  {
    // The organization id (UUID) is the document id: FerretDB pushes only `_id` lookups down to SQL.
    _id: { type: String, required: true },
    legalName: { type: String, required: true },
    /** Normalized digits: 14 for a CNPJ, 9 for an EIN. */
    taxId: { type: String, required: true },
    taxIdType: { type: String, enum: ['CNPJ', 'EIN'], required: true },
    website: { type: String, required: true },
    logoUri: { type: String },
    contacts: { type: [contactSchema], required: true },
    standards: { type: [String], enum: STANDARDS, required: true },
    status: { type: String, enum: ONBOARDING_STATUSES, required: true },
    review: { type: reviewSchema },
    workflowId: { type: String, required: true },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'organizations', timestamps: true, versionKey: false },
);
organizationSchema.index({ taxId: 1 }, { unique: true });
organizationSchema.index({ status: 1 });

export type Organization = InferSchemaType<typeof organizationSchema>;

export function organizationModel(connection: Connection) {
  return connection.model('Organization', organizationSchema);
}
