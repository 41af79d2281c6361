// Outgoing notifications (enrolment received, review reminders, decisions). The outbox is the
// record of what was sent; the development mailbox page reads it in place of an SMTP server.
import { Schema, type Connection } from 'mongoose';

const notificationSchema = new Schema(
  {
    // Deterministic id from the workflow (e.g. `<workflowId>:reminder:2`) so a retried activity
    // writes the same notification once.
    _id: { type: String, required: true },
    to: { type: String, required: true },
    audience: { type: String, enum: ['organization', 'bank-admins', 'customer'], required: true },
    template: { type: String, required: true },
    subject: { type: String, required: true },
    body: { type: String, required: true },
    organizationId: { type: String },
    sentAt: { type: Date, required: true },
  },
  { collection: 'notifications', versionKey: false },
);
notificationSchema.index({ to: 1, sentAt: -1 });
notificationSchema.index({ organizationId: 1 });

export function notificationModel(connection: Connection) {
  return connection.model('Notification', notificationSchema);
}
