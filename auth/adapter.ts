// oidc-provider storage on mongoose, written for FerretDB v1 and correct on MongoDB: payloads as
// strings, expiry enforced on read (no TTL index), expired records removed by sweepExpired().
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Models } from '../db/models/index.js';
import type { OidcRecord } from '../db/models/oidc-record.js';

type OidcRecordModel = Models['OidcRecord'];

export function createAdapterClass(OidcRecords: OidcRecordModel) {
  return class MongoAdapter implements Adapter {
    constructor(readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    private static live(doc: OidcRecord | null): AdapterPayload | undefined {
      if (!doc || (doc.expiresAt && doc.expiresAt.getTime() <= Date.now())) return undefined;
      const payload = JSON.parse(doc.payload) as AdapterPayload;
      // oidc-provider detects reuse of a code or refresh token by a truthy `consumed`.
      return doc.consumedAt ? { ...payload, consumed: Math.floor(doc.consumedAt.getTime() / 1000) } : payload;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      await OidcRecords.updateOne(
        { _id: this.key(id) },
        {
          $set: {
            model: this.model,
            payload: JSON.stringify(payload),
            grantId: payload.grantId ?? null,
            uid: payload.uid ?? null,
            userCode: payload.userCode ?? null,
            expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
          },
        },
        { upsert: true },
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return MongoAdapter.live(await OidcRecords.findById(this.key(id)).lean());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return MongoAdapter.live(await OidcRecords.findOne({ model: this.model, uid }).lean());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return MongoAdapter.live(await OidcRecords.findOne({ model: this.model, userCode }).lean());
    }

    async consume(id: string): Promise<void> {
      await OidcRecords.updateOne({ _id: this.key(id) }, { $set: { consumedAt: new Date() } });
    }

    async destroy(id: string): Promise<void> {
      await OidcRecords.deleteOne({ _id: this.key(id) });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await OidcRecords.deleteMany({ model: this.model, grantId });
    }
  };
}

/** Delete every record whose expiry has passed; run by the housekeeping schedule. */
export async function sweepExpired(OidcRecords: OidcRecordModel, now = new Date()): Promise<number> {
  const { deletedCount } = await OidcRecords.deleteMany({ expiresAt: { $lte: now } });
  return deletedCount;
}

/**
 * Revoke a grant: its access tokens, refresh tokens and codes, and the grant itself. The consent
 * workflow calls this (the grant id is the consent id); repeating it is harmless.
 */
export async function revokeGrantRecords(OidcRecords: OidcRecordModel, grantId: string): Promise<number> {
  const tokens = await OidcRecords.deleteMany({ grantId });
  const grant = await OidcRecords.deleteOne({ _id: `Grant:${grantId}` });
  return tokens.deletedCount + grant.deletedCount;
}
