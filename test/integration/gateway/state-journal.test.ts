// The change journal on the real database: the consent workflow's own writer and the provisioning
// records journal every change, and a gateway replica's caches (built as the gateway builds them)
// keep an unchanged consent without reading it again yet answer a journaled change at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createConsentActivities } from '../../../activities/consent.js';
import { gatewayStateCaches } from '../../../api/gateway/security/consent-state.js';
import { clientIdFor } from '../../../db/models/application.js';
import { GENERATION_ID, slotId } from '../../../db/models/state-change.js';
import type { ConsentState } from '../../../workflows/consent-types.js';
import { eventually } from '../../helpers/eventually.js';
import { testDatabase } from '../../helpers/platform.js';
import { uniqueNames } from '../../helpers/env.js';

let db: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  db = await testDatabase(uniqueNames(import.meta.url).database);
});

afterAll(async () => {
  await db?.drop();
  await db?.close();
});

function consent(consentId: string, status: ConsentState['status'], revision: number): ConsentState {
  const at = new Date().toISOString();
  return {
    consentId,
    standard: 'OFB',
    clientId: 'client-1',
    status,
    permissions: ['ACCOUNTS_READ'],
    customerId: 'cust-1',
    accountIds: ['acc-1'],
    creationDateTime: at,
    statusUpdateDateTime: at,
    audit: [{ at, action: status === 'AUTHORISED' ? 'authorise' : 'revoke', actor: 'customer:cust-1' }],
    revision,
  } as ConsentState;
}

const generation = async () => (await db.models.StateChange.findById(GENERATION_ID).lean())?.n ?? 0;

describe('the state change journal', () => {
  it("journals each write of the consent workflow's projection", async () => {
    const { recordConsent } = createConsentActivities({ models: db.models });
    const id = `urn:bank:${randomUUID()}`;
    const before = await generation();
    await recordConsent(consent(id, 'AUTHORISED', 1));
    const after = await generation();
    expect(after).toBe(before + 1);
    expect(await db.models.StateChange.findById(slotId(after)).lean()).toMatchObject({
      n: after,
      kind: 'Consent',
      id,
    });
  });

  it('keeps an unchanged consent cached, and answers a journaled change within the check interval', async () => {
    const { recordConsent } = createConsentActivities({ models: db.models });
    const { consents } = gatewayStateCaches(db.models, { ttlMs: 100 });
    const id = `urn:bank:${randomUUID()}`;
    await recordConsent(consent(id, 'AUTHORISED', 1));
    expect((await consents.read(id))?.status).toBe('AUTHORISED');

    // A write that bypasses the journal is not seen: the gateway did not read the record again,
    // even after a journal check that applied a later change to another consent.
    await db.models.Consent.collection.updateOne({ _id: id as never }, { $set: { onHold: true } });
    const other = `urn:bank:${randomUUID()}`;
    await recordConsent(consent(other, 'AUTHORISED', 1));
    await consents.read(other);
    await recordConsent(consent(other, 'REJECTED', 2));
    await eventually(async () => expect((await consents.read(other))?.status).toBe('REJECTED'), 5000);
    expect((await consents.read(id))?.onHold).toBeUndefined();

    // The workflow's revocation is journaled: the next calls see it.
    await recordConsent(consent(id, 'REJECTED', 2));
    await eventually(async () => expect((await consents.read(id))?.status).toBe('REJECTED'), 5000);
  });

  it("answers a journaled change to an application's client", async () => {
    const { clients } = gatewayStateCaches(db.models, { ttlMs: 100 });
    const applicationId = randomUUID();
    await db.models.Application.collection.insertOne({
      _id: applicationId as never,
      organizationId: 'org-1',
      client: { status: 'ACTIVE' },
    });
    expect((await clients.read(clientIdFor(applicationId)))?.status).toBe('ACTIVE');
    await db.models.Application.updateOne({ _id: applicationId }, { $set: { 'client.status': 'SUSPENDED' } });
    await eventually(
      async () => expect((await clients.read(clientIdFor(applicationId)))?.status).toBe('SUSPENDED'),
      5000,
    );
  });
});
