// Ops find consents in the Temporal UI in each standard's own words: FDX consents are
// `ConsentStatus="ACTIVE"`, `"REVOKED"` or `"EXPIRED"` as the FDX API and the console say, OFB ones
// keep OFB's words, and `ConsentLifecycle` searches both standards alike. The console's audit
// trail speaks the same words.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { lodgeFdxConsent, lodgeOfbConsent } from '../../../workflows/consent-client.js';
import { seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import {
  authoriseUpdate,
  revokeUpdate,
  type ConsentState,
  type FdxConsentTerms,
} from '../../../workflows/consent-types.js';
import { pageText, staffSession, startConsoles } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { recordHistory } from '../../helpers/histories.js';
import { startConsentStack } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const CLIENT_ID = `client-${names.prefix}`;
const DAY_MS = 3_000;
let stack: Awaited<ReturnType<typeof startConsentStack>>;
let db: typeof stack.db;
let client: Client;

const fdx = (terms: Partial<FdxConsentTerms> = {}) =>
  lodgeFdxConsent(
    { client, taskQueue: names.taskQueue, authorisationWindowMs: 3_600_000, dayMs: DAY_MS },
    {
      clientId: CLIENT_ID,
      terms: {
        durationType: 'PERSISTENT',
        resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED'] }],
        ...terms,
      },
    },
  );
const handle = (c: ConsentState) =>
  client.workflow.getHandle<(input: unknown) => Promise<ConsentState>>(c.consentId);
const authorise = (c: ConsentState) =>
  handle(c).executeUpdate(authoriseUpdate, {
    args: [{ customerId: 'cust-search', accountIds: ['acc-1'], actor: 'customer:cust-search' }],
  });

/** The consents of this file a Temporal UI search finds. */
async function found(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `ClientId = "${CLIENT_ID}" AND ${query}` }))
    ids.push(wf.workflowId);
  return ids.sort();
}
const eventuallyFound = (query: string, ids: string[]) =>
  eventually(async () => expect(await found(query)).toEqual([...ids].sort()), 60_000);

beforeAll(async () => {
  stack = await startConsentStack(names);
  ({ db, client } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('searching consents in the Temporal UI', () => {
  it('finds FDX consents as ACTIVE, REVOKED and EXPIRED, and both standards by their lifecycle', async () => {
    const waiting = await fdx();
    const revoked = await fdx();
    const expiring = await fdx({ durationType: 'TIME_BOUND', durationPeriod: 1 });
    const ofb = await lodgeOfbConsent(
      { client, taskQueue: names.taskQueue, bankId: 'testbank', authorisationWindowMs: 3_600_000 },
      {
        clientId: CLIENT_ID,
        permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'],
        loggedUserDocument: '52998224725',
      },
    );
    await eventuallyFound('ConsentStatus = "AWAITING_AUTHORISATION"', [
      waiting.consentId,
      revoked.consentId,
      expiring.consentId,
      ofb.consentId,
    ]);

    for (const c of [revoked, expiring, ofb]) await authorise(c);
    await eventuallyFound('Standard = "FDX" AND ConsentStatus = "ACTIVE"', [
      revoked.consentId,
      expiring.consentId,
    ]);
    await eventuallyFound('Standard = "OFB" AND ConsentStatus = "AUTHORISED"', [ofb.consentId]);
    await eventuallyFound('ConsentLifecycle = "AUTHORISED"', [
      revoked.consentId,
      expiring.consentId,
      ofb.consentId,
    ]);

    await handle(revoked).executeUpdate(revokeUpdate, {
      args: [
        {
          rejectedBy: 'USER',
          actor: 'customer:cust-search',
          fdx: { reason: 'USER_ACTION', initiator: 'INDIVIDUAL' },
        },
      ],
    });
    await eventuallyFound('ConsentStatus = "REVOKED"', [revoked.consentId]);
    // The TIME_BOUND consent's day ends: FDX calls it EXPIRED.
    await handle(expiring).result();
    await eventuallyFound('ConsentStatus = "EXPIRED"', [expiring.consentId]);
    await eventuallyFound('ConsentLifecycle = "REJECTED"', [revoked.consentId, expiring.consentId]);
    expect(await found('ConsentStatus = "ACTIVE"')).toEqual([]);
    await recordHistory('consent-fdx-revoked-in-standard-words', handle(revoked));
  });

  it("shows an FDX consent's audit trail in the console in FDX's words", async () => {
    const c = await fdx();
    await authorise(c);
    await handle(c).executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'USER', actor: 'customer:cust-search' }],
    });
    await eventually(async () =>
      expect((await db.models.Consent.findById(c.consentId).lean())?.status).toBe('REJECTED'),
    );
    await seedDemoStaff(db.models);
    const consoles = await startConsoles({ client, db, taskQueue: names.taskQueue });
    try {
      const staff = await staffSession(consoles.baseUrl, {
        email: 'viewer@bank.example',
        password: 'viewer-demo-2026',
      });
      const page = pageText((await staff.request(`/admin/consents/${encodeURIComponent(c.consentId)}`)).text);
      const trail = page.slice(page.indexOf('Audit trail'));
      expect(trail).toMatch(/customer:cust-search authorise AWAITING_AUTHORISATION ACTIVE/);
      expect(trail).toMatch(/customer:cust-search reject ACTIVE REVOKED CUSTOMER_MANUALLY_REVOKED/);
      expect(trail).not.toMatch(/\bAUTHORISED\b|\bREJECTED\b/);
    } finally {
      await consoles.stop();
    }
  });
});
