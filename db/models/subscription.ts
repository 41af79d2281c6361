// An organization's subscription to an API product and plan. Requested by its developers; active at
// once when the product approves automatically, else when the bank approves. The bank may suspend.
// Written only by the marketplace's subscription service; the scopes of the organization's clients
// follow from its ACTIVE subscriptions.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const SUBSCRIPTION_STATUSES = ['PENDING_APPROVAL', 'ACTIVE', 'REJECTED', 'SUSPENDED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

const subscriptionSchema = new Schema(
  {
    /** `<organizationId>:<productId>`: one subscription per product, found without a scan. */
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    productId: { type: String, required: true },
    planId: { type: String, required: true },
    status: { type: String, enum: SUBSCRIPTION_STATUSES, required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    decision: {
      type: new Schema({ by: String, reason: String, at: Date }, { _id: false }),
    },
  },
  { collection: 'subscriptions', versionKey: false, timestamps: true },
);
subscriptionSchema.index({ organizationId: 1 });
subscriptionSchema.index({ status: 1 });

export type Subscription = InferSchemaType<typeof subscriptionSchema>;

export function subscriptionModel(connection: Connection) {
  return connection.model('Subscription', subscriptionSchema);
}

export const subscriptionId = (organizationId: string, productId: string) => `${organizationId}:${productId}`;
