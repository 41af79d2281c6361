// The `consent` workflow's transitions with its activities mocked, on the test Temporal server:
// the authorisation window closing, the expiry at expirationDateTime, revocation before and after
// authorisation, the transitions refused, the grant's tokens revoked whatever ended it, and the
// bank's revocation of all of a customer's consents. Every duration is an input of a few seconds.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { ConsentActivities } from '../../../activities/consent.js';
import { consentWorkflowsPath } from '../../../workers/consent.js';
import {
  authoriseUpdate,
  extendUpdate,
  lodgedUpdate,
  revokeSignal,
  revokeUpdate,
  stateQuery,
  type ConsentState,
} from '../../../workflows/consent-types.js';
import { consent } from '../../../workflows/consent.js';
import { revokeCustomerConsents } from '../../../workflows/customer-consents.js';
import { uniqueNames } from '../../helpers/env.js';
import { callNames, workerWithMockedActivities } from '../../helpers/mocked-activities.js';

const names = uniqueNames(import.meta.url);
/** The consents the projection lists as the customer's authorised ones. */
let authorisedOfCustomer: string[] = [];
const mocked: ConsentActivities = {
  recordConsent: async () => undefined,
  listAuthorisedConsents: async () => authorisedOfCustomer,
  revokeGrantTokens: async () => 1,
};
const worker = workerWithMockedActivities({
  taskQueue: names.taskQueue,
  workflowsPath: consentWorkflowsPath,
  activities: mocked,
});
const { calls } = worker;

beforeEach(() => {
  authorisedOfCustomer = [];
});

const ANA = { customerId: 'cust-ana', accountIds: ['acc-ana-checking'], actor: 'customer:cust-ana' };
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A fresh OFB consent, as the gateway lodges it, and the handle of its workflow once lodged. */
async function lodge(over: { authorisationWindowMs?: number; expirationDateTime?: string } = {}) {
  const now = new Date().toISOString();
  const consentId = `urn:bank:${names.prefix}-${randomUUID()}`;
  const state: ConsentState = {
    consentId,
    standard: 'OFB',
    clientId: 'client-1',
    status: 'AWAITING_AUTHORISATION',
    permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'],
    loggedUserDocument: '76109277673',
    creationDateTime: now,
    statusUpdateDateTime: now,
    ...(over.expirationDateTime ? { expirationDateTime: over.expirationDateTime } : {}),
    audit: [],
    revision: 0,
  };
  const handle = await worker.temporal().workflow.start(consent, {
    taskQueue: names.taskQueue,
    workflowId: consentId,
    args: [{ state, authorisationWindowMs: over.authorisationWindowMs ?? 60_000 }],
  });
  expect(await handle.executeUpdate(lodgedUpdate)).toMatchObject({ status: 'AWAITING_AUTHORISATION' });
  return handle;
}

/** An update the workflow refused, with its reason. */
const refused = (message: string) => ({ cause: expect.objectContaining({ message }) });

/** The states the workflow wrote, in order. */
const recorded = () => calls.filter((c) => c.name === 'recordConsent').map((c) => c.input as ConsentState);

describe('waiting for the customer', () => {
  it('rejects the consent as CONSENT_EXPIRED when the authorisation window closes', async () => {
    const handle = await lodge({ authorisationWindowMs: 1500 });
    const ended = await handle.result();
    expect(ended).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'ASPSP', code: 'CONSENT_EXPIRED' },
    });
    expect(ended.audit.map((a) => [a.action, a.actor, a.to])).toEqual([
      ['lodge', 'client-1', 'AWAITING_AUTHORISATION'],
      ['reject', 'bank', 'REJECTED'],
    ]);
    expect(recorded().map((s) => [s.revision, s.status])).toEqual([
      [1, 'AWAITING_AUTHORISATION'],
      [2, 'REJECTED'],
    ]);
    // Whatever ended it, the grant's tokens are revoked last.
    expect(callNames(calls)).toEqual(['recordConsent', 'recordConsent', 'revokeGrantTokens']);
    expect(calls.at(-1)!.input).toBe(ended.consentId);
  });

  it('refuses to authorise without a customer, and once the customer has rejected it', async () => {
    const handle = await lodge({ authorisationWindowMs: 60_000 });
    await expect(
      handle.executeUpdate(authoriseUpdate, { args: [{ ...ANA, customerId: '' }] }),
    ).rejects.toMatchObject(refused('customerId is required'));
    const revoked = await handle.executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'USER', actor: 'customer:cust-ana' }],
    });
    // Ended before authorisation, a revocation is the customer's rejection.
    expect(revoked).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REJECTED' },
    });
    await expect(handle.executeUpdate(authoriseUpdate, { args: [ANA] })).rejects.toMatchObject(
      refused('the consent is REJECTED'),
    );
    await handle.result();
  });
});

describe('authorised', () => {
  it('ends at expirationDateTime as CONSENT_MAX_DATE_REACHED', async () => {
    const handle = await lodge({ expirationDateTime: inSeconds(3) });
    const authorised = await handle.executeUpdate(authoriseUpdate, { args: [ANA] });
    expect(authorised).toMatchObject({
      status: 'AUTHORISED',
      customerId: 'cust-ana',
      accountIds: ANA.accountIds,
    });
    const ended = await handle.result();
    expect(ended).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'ASPSP', code: 'CONSENT_MAX_DATE_REACHED' },
    });
    expect(ended.audit.map((a) => [a.action, a.from, a.to])).toEqual([
      ['lodge', undefined, 'AWAITING_AUTHORISATION'],
      ['authorise', 'AWAITING_AUTHORISATION', 'AUTHORISED'],
      ['reject', 'AUTHORISED', 'REJECTED'],
    ]);
    expect(callNames(calls).at(-1)).toBe('revokeGrantTokens');
  });

  it('waits for the new expiry after a renewal', async () => {
    const handle = await lodge({ expirationDateTime: inSeconds(4) });
    await handle.executeUpdate(authoriseUpdate, { args: [ANA] });
    const later = inSeconds(6);
    await handle.executeUpdate(extendUpdate, {
      args: [
        {
          expirationDateTime: later,
          loggedUserDocument: '76109277673',
          requestDateTime: new Date().toISOString(),
          xFapiCustomerIpAddress: '203.0.113.7',
          xCustomerUserAgent: 'test',
          actor: 'client-1',
        },
      ],
    });
    const ended = await handle.result();
    expect(ended).toMatchObject({ status: 'REJECTED', rejection: { code: 'CONSENT_MAX_DATE_REACHED' } });
    // Not before the renewed expiry.
    expect(Date.parse(ended.statusUpdateDateTime)).toBeGreaterThanOrEqual(Date.parse(later));
    expect(ended.extensions).toHaveLength(1);
  });

  it('is revoked as CUSTOMER_MANUALLY_REVOKED, once: a second revocation is refused, a bad signal ignored', async () => {
    const handle = await lodge();
    await handle.executeUpdate(authoriseUpdate, { args: [ANA] });
    await handle.signal(revokeSignal, { rejectedBy: 'NOBODY' as 'USER', actor: 'x' });
    expect(await handle.query(stateQuery)).toMatchObject({ status: 'AUTHORISED' });
    await expect(
      handle.executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'USER', actor: '' }] }),
    ).rejects.toMatchObject(refused('actor is required'));
    const revoked = await handle.executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'USER', actor: 'customer:cust-ana' }],
    });
    expect(revoked).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' },
    });
    await expect(
      handle.executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'TPP', actor: 'client-1' }] }),
    ).rejects.toMatchObject(refused('the consent is already REJECTED'));
    const ended = await handle.result();
    expect(ended.audit.map((a) => a.action)).toEqual(['lodge', 'authorise', 'reject']);
    expect(callNames(calls)).toEqual([
      'recordConsent',
      'recordConsent',
      'recordConsent',
      'revokeGrantTokens',
    ]);
  });
});

describe("revoking all of a customer's consents", () => {
  it("has each consent the projection lists revoked by its own workflow, in the bank's name", async () => {
    const consents = [await lodge(), await lodge()];
    for (const handle of consents) await handle.executeUpdate(authoriseUpdate, { args: [ANA] });
    authorisedOfCustomer = consents.map((h) => h.workflowId);
    const result = await worker.temporal().workflow.execute(revokeCustomerConsents, {
      taskQueue: names.taskQueue,
      workflowId: `${names.prefix}-revoke-all-${randomUUID()}`,
      args: [
        { customerId: 'cust-ana', actor: 'staff:ops', code: 'INTERNAL_SECURITY_REASON', reason: 'fraud' },
      ],
    });
    expect(result).toEqual({ revoked: authorisedOfCustomer });
    expect(calls.find((c) => c.name === 'listAuthorisedConsents')!.input).toBe('cust-ana');
    for (const handle of consents)
      expect(await handle.result()).toMatchObject({
        status: 'REJECTED',
        rejection: { rejectedBy: 'ASPSP', code: 'INTERNAL_SECURITY_REASON', additionalInformation: 'fraud' },
      });
  });
});
