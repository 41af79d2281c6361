// oidc-provider storage on mongoose, written for FerretDB v1 and correct on MongoDB: payloads as
// strings, expiry enforced on read (no TTL index), expired records removed by sweepExpired().
// Every read on a token request is by `_id`, the one filter FerretDB v1 does not answer with a scan
// of the whole collection: a session's `uid` (read on every introspection and refresh of a token
// bound to the session) and a device's `userCode` reach their record through a pointer record.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Models } from '../db/models/index.js';
import type { OidcRecord } from '../db/models/oidc-record.js';
import { insertOnce } from '../db/insert-once.js';

type OidcRecordModel = Models['OidcRecord'];

/** The `_id` of the record pointing from a secondary key to its record (no model is named so). */
const pointerKey = (kind: 'uid' | 'userCode', model: string, value: string) => `${kind}:${model}:${value}`;
/** The pointer records' `model`: no query by model and grant (revokeByGrantId) ever matches them. */
const POINTER = 'pointer';

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
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      await MongoAdapter.write(this.key(id), {
        model: this.model,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresAt,
      });
      for (const [kind, value] of [
        ['uid', payload.uid],
        ['userCode', payload.userCode],
      ] as const)
        if (typeof value === 'string')
          await MongoAdapter.write(pointerKey(kind, this.model, value), {
            model: POINTER,
            payload: this.key(id),
            expiresAt,
          });
    }

    /**
     * Most records are written once (tokens, codes, grants): they are inserted, which FerretDB v1
     * checks by the `_id` index alone; only a record written again (a session, an interaction, a
     * grant updated) takes the update, which FerretDB v1 on SQLite answers by reading the whole
     * collection (db/insert-once.ts).
     */
    private static async write(_id: string, fields: Omit<OidcRecord, '_id' | 'consumedAt'>): Promise<void> {
      if (await insertOnce(OidcRecords, { _id, ...fields })) return;
      await OidcRecords.updateOne({ _id }, { $set: fields });
    }

    /** The record a pointer names, if it still carries that value; else the scan (older records). */
    private async byPointer(kind: 'uid' | 'userCode', value: string): Promise<AdapterPayload | undefined> {
      const pointer = await OidcRecords.findById(pointerKey(kind, this.model, value)).lean();
      if (pointer) {
        const doc = await OidcRecords.findById(pointer.payload).lean();
        return doc?.[kind] === value ? MongoAdapter.live(doc) : undefined;
      }
      // Records stored before pointers existed; a pointer-less miss is the one case that scans.
      return MongoAdapter.live(await OidcRecords.findOne({ model: this.model, [kind]: value }).lean());
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return MongoAdapter.live(await OidcRecords.findById(this.key(id)).lean());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.byPointer('uid', uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.byPointer('userCode', userCode);
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
