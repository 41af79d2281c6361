// The OFB consent lifecycle on the real Temporal dev server and database: lodging, authorisation,
// rejection, revocation, both timers, the audit trail, the search attributes ops filter on, and the
// revocation of the grant's tokens on every end.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { lodgeOfbConsent, type OfbConsentRequest } from '../../../workflows/consent-client.js';
import { revokeCustomerConsents } from '../../../workflows/customer-consents.js';
import {
  authoriseUpdate,
  holdUpdate,
  revokeUpdate,
  stateQuery,
  type ConsentState,
} from '../../../workflows/consent-types.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { startConsentStack } from '../../helpers/platform.js';
import { recordHistory } from '../../helpers/histories.js';

const names = uniqueNames(import.meta.url);
let stack: Awaited<ReturnType<typeof startConsentStack>>;
let db: typeof stack.db;
let client: Client;

const request: OfbConsentRequest = {
  clientId: 'client-ofb-1',
  permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
  loggedUserDocument: '52998224725',
};

const lodge = (over: Partial<OfbConsentRequest> = {}, authorisationWindowMs = 60 * 60_000) =>
  lodgeOfbConsent(
    { client, taskQueue: names.taskQueue, bankId: 'testbank', authorisationWindowMs },
    { ...request, ...over },
  );

const handle = (s: ConsentState) =>
  client.workflow.getHandle<(input: unknown) => Promise<ConsentState>>(s.consentId);

/** A grant with a token at the authorization server's storage, as a login would leave. */
async function seedGrant(consentId: string) {
  await db.models.OidcRecord.create([
    { _id: `Grant:${consentId}`, model: 'Grant', payload: '{}' },
    { _id: `AccessToken:at-${consentId}`, model: 'AccessToken', payload: '{}', grantId: consentId },
    { _id: `RefreshToken:rt-${consentId}`, model: 'RefreshToken', payload: '{}', grantId: consentId },
  ]);
}
const grantRecords = (consentId: string) =>
  db.models.OidcRecord.countDocuments({ $or: [{ grantId: consentId }, { _id: `Grant:${consentId}` }] });

beforeAll(async () => {
  stack = await startConsentStack(names);
  ({ db, client } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('OFB consent lifecycle', () => {
  it('is on record as AWAITING_AUTHORISATION as soon as it is lodged', async () => {
    const lodged = await lodge();
    expect(lodged.consentId).toMatch(/^urn:testbank:[0-9a-f-]{36}$/);
    expect(lodged).toMatchObject({ status: 'AWAITING_AUTHORISATION', revision: 1, clientId: 'client-ofb-1' });
    const record = await db.models.Consent.findById(lodged.consentId).lean();
    expect(record).toMatchObject({
      status: 'AWAITING_AUTHORISATION',
      standard: 'OFB',
      permissions: request.permissions,
    });
    expect(record!.audit).toEqual([
      expect.objectContaining({ actor: 'client-ofb-1', action: 'lodge', to: 'AWAITING_AUTHORISATION' }),
    ]);
  });

  it('authorises with the selected accounts, then a revocation by the customer ends it and its tokens', async () => {
    const lodged = await lodge({ clientId: 'client-ofb-2' });
    await seedGrant(lodged.consentId);
    const h = handle(lodged);

    const authorised = await h.executeUpdate(authoriseUpdate, {
      args: [{ customerId: 'cust-1', accountIds: ['acc-1', 'acc-2'], actor: 'customer:cust-1' }],
    });
    expect(authorised).toMatchObject({
      status: 'AUTHORISED',
      customerId: 'cust-1',
      accountIds: ['acc-1', 'acc-2'],
    });
    expect(await db.models.Consent.findById(lodged.consentId).lean()).toMatchObject({
      status: 'AUTHORISED',
      accountIds: ['acc-1', 'acc-2'],
    });

    // Ops find it in the Temporal UI by status, client and customer.
    const query = `ConsentStatus = "AUTHORISED" AND ClientId = "client-ofb-2" AND CustomerId = "cust-1" AND Standard = "OFB"`;
    await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
      expect(ids).toEqual([lodged.consentId]);
    });

    const revoked = await h.executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'USER', actor: 'customer:cust-1' }],
    });
    expect(revoked).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' },
    });
    const result = await h.result();
    expect(result.audit.map((a) => `${a.from ?? '-'}>${a.to}:${a.actor}`)).toEqual([
      '->AWAITING_AUTHORISATION:client-ofb-2',
      'AWAITING_AUTHORISATION>AUTHORISED:customer:cust-1',
      'AUTHORISED>REJECTED:customer:cust-1',
    ]);
    expect(await grantRecords(lodged.consentId)).toBe(0);
    await recordHistory('consent-authorised-revoked', h);
  });

  it('refuses illegal transitions without touching the consent', async () => {
    const lodged = await lodge();
    const h = handle(lodged);
    await expect(
      h.executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'NOBODY' as 'USER', actor: 'x' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(
      h.executeUpdate(authoriseUpdate, { args: [{ customerId: '', accountIds: [], actor: 'x' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await h.query(stateQuery)).revision).toBe(1);

    await h.executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'USER', actor: 'customer:c' }] });
    const state = await h.result();
    expect(state.rejection).toEqual({ rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REJECTED' });
    await expect(
      h.executeUpdate(authoriseUpdate, { args: [{ customerId: 'c', accountIds: ['a'], actor: 'x' }] }),
    ).rejects.toThrow();
  });

  it('lets the bank hold and release an authorised consent, with the reason in the audit trail', async () => {
    const lodged = await lodge();
    const h = handle(lodged);
    await expect(
      h.executeUpdate(holdUpdate, { args: [{ onHold: true, actor: 'bank:ops', reason: 'fraud check' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await h.executeUpdate(authoriseUpdate, {
      args: [{ customerId: 'cust-3', accountIds: ['acc-3'], actor: 'customer:cust-3' }],
    });
    await expect(
      h.executeUpdate(holdUpdate, { args: [{ onHold: true, actor: 'bank:ops', reason: '' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);

    expect(
      await h.executeUpdate(holdUpdate, {
        args: [{ onHold: true, actor: 'bank:ops', reason: 'fraud check' }],
      }),
    ).toMatchObject({
      status: 'AUTHORISED',
      onHold: true,
    });
    expect(await db.models.Consent.findById(lodged.consentId).lean()).toMatchObject({
      status: 'AUTHORISED',
      onHold: true,
    });
    await expect(
      h.executeUpdate(holdUpdate, { args: [{ onHold: true, actor: 'bank:ops', reason: 'again' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);

    const released = await h.executeUpdate(holdUpdate, {
      args: [{ onHold: false, actor: 'bank:ops', reason: 'cleared' }],
    });
    expect(released.onHold).toBe(false);
    expect(released.audit.slice(-2).map((a) => `${a.action}:${a.reason}`)).toEqual([
      'hold:fraud check',
      'release:cleared',
    ]);
    await h.executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'ASPSP', code: 'INTERNAL_SECURITY_REASON', actor: 'bank:ops' }],
    });
    expect((await h.result()).rejection).toEqual({ rejectedBy: 'ASPSP', code: 'INTERNAL_SECURITY_REASON' });
  });

  it("revokes every authorised consent of one customer, and no one else's", async () => {
    const authorise = async (customerId: string) => {
      const lodged = await lodge();
      await handle(lodged).executeUpdate(authoriseUpdate, {
        args: [{ customerId, accountIds: ['acc'], actor: `customer:${customerId}` }],
      });
      return lodged.consentId;
    };
    const customer = `cust-${names.prefix}`;
    const mine = [await authorise(customer), await authorise(customer)].sort();
    const theirs = await authorise(`other-${names.prefix}`);

    const run = await client.workflow.start(revokeCustomerConsents, {
      taskQueue: names.taskQueue,
      workflowId: `revoke-customer-${customer}`,
      args: [
        {
          customerId: customer,
          actor: 'bank:ops',
          code: 'INTERNAL_SECURITY_REASON',
          reason: 'device reported stolen',
        },
      ],
    });
    expect(await run.result()).toEqual({ revoked: mine });
    for (const id of mine) {
      expect((await client.workflow.getHandle(id).result()).rejection).toEqual({
        rejectedBy: 'ASPSP',
        code: 'INTERNAL_SECURITY_REASON',
        additionalInformation: 'device reported stolen',
      });
    }
    expect((await db.models.Consent.findById(theirs).lean())!.status).toBe('AUTHORISED');
    await recordHistory('revokeCustomerConsents-two', run);
  });

  it('expires when not authorised within the window (CONSENT_EXPIRED)', async () => {
    const lodged = await lodge({}, 1500);
    await seedGrant(lodged.consentId);
    const state = await handle(lodged).result();
    expect(state).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'ASPSP', code: 'CONSENT_EXPIRED' },
    });
    expect(await db.models.Consent.findById(lodged.consentId).lean()).toMatchObject({
      status: 'REJECTED',
      rejection: { code: 'CONSENT_EXPIRED' },
    });
    expect(await grantRecords(lodged.consentId)).toBe(0);
    await recordHistory('consent-expired', handle(lodged));
  });

  it('ends at expirationDateTime once authorised (CONSENT_MAX_DATE_REACHED)', async () => {
    // Ten seconds: time to lodge and authorise before it ends, on a loaded machine too.
    const lodged = await lodge({ expirationDateTime: new Date(Date.now() + 10_000) });
    const h = handle(lodged);
    await h.executeUpdate(authoriseUpdate, {
      args: [{ customerId: 'cust-2', accountIds: ['acc-9'], actor: 'customer:cust-2' }],
    });
    const state = await h.result();
    expect(state).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'ASPSP', code: 'CONSENT_MAX_DATE_REACHED' },
    });
  });
});
