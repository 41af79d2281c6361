// Log-in sessions of the marketplace's pages: bank staff in the consent console, customers in
// self-service and developers in the marketplace, in three collections so a session of one kind can never be taken for the other.
// The cookie holds a random token; only its SHA-256 is stored, so a copy of the database opens no
// session. Expiry is a field checked on every request (FerretDB has no TTL indexes).
import { Schema, type Connection } from 'mongoose';

const sessionSchema = () => {
  const schema = new Schema(
    {
      /** base64url SHA-256 of the cookie's token. */
      _id: { type: String, required: true },
      /** Staff: the email; customers: the customer id. */
      subject: { type: String, required: true },
      /** The CSRF token of this session's forms. */
      csrf: { type: String, required: true },
      createdAt: { type: Date, required: true },
      lastSeenAt: { type: Date, required: true },
      /** Idle expiry, moved forward while the session is used, never past createdAt + the maximum. */
      expiresAt: { type: Date, required: true },
      /** What the next page says once (a flash message): the server's own words, never the URL's. */
      notice: { type: String },
      /**
       * Secrets shown once on one page (`for`), then removed: sealed under a key derived from the
       * cookie's token, which is not stored, so the database alone cannot open them.
       */
      secret: { type: new Schema({ for: String, sealed: String, at: Date }, { _id: false }) },
    },
    { versionKey: false },
  );
  schema.index({ subject: 1 });
  schema.index({ expiresAt: 1 });
  return schema;
};

const staffSessionSchema = sessionSchema().set('collection', 'staff_sessions');
const customerSessionSchema = sessionSchema().set('collection', 'customer_sessions');
const developerSessionSchema = sessionSchema().set('collection', 'developer_sessions');

export function staffSessionModel(connection: Connection) {
  return connection.model('StaffSession', staffSessionSchema);
}

export function customerSessionModel(connection: Connection) {
  return connection.model('CustomerSession', customerSessionSchema);
}

export function developerSessionModel(connection: Connection) {
  return connection.model('DeveloperSession', developerSessionSchema);
}

export type WebSessionModel = ReturnType<typeof staffSessionModel>;
