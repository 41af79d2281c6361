// The OFB and FDX journeys with the customer in real headless Chromium: the bank's login, second
// factor and consent pages as a person uses them (labels, keyboard), and openid-client as the recipient.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import {
  pushAuthorization,
  pushFdxAuthorization,
  REDIRECT,
  registerFdxRecipient,
  startOfbStack,
  type OfbStack,
} from '../../helpers/ofb-journey.js';

const [ana] = DEMO_CUSTOMERS;
let stack: OfbStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'Exemplo Finanças');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A fresh browser for the customer. The dev CA is not in Chromium's store; the recipient's
 * redirect URI is answered locally, so the test reads the response from the page's URL. */
async function customerBrowser() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.route(`${REDIRECT}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<p>back at the app</p>' }),
  );
  return { context, page: await context.newPage() };
}

describe('OFB journey in a browser', () => {
  it('login with a second factor and consent in Chromium, then tokens for the consent', async () => {
    const { db, rp } = stack;
    const consent = await stack.lodge({
      permissions: ['ACCOUNTS_READ', 'ACCOUNTS_TRANSACTIONS_READ', 'RESOURCES_READ'],
      expirationDateTime: new Date('2027-06-30T00:00:00Z'),
    });
    const { url, checks } = await pushAuthorization(rp, consent.consentId);

    const { context, page } = await customerBrowser();

    await withScreenshot(page, 'ofb-login', async () => {
      await page.goto(url.href);
      await expect(page.getByRole('heading', { name: 'Log in to your bank' }).isVisible()).resolves.toBe(
        true,
      );
      await page.getByLabel('CPF').fill('529.982.247-25');
      await page.getByLabel('Password').fill(ana!.password);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/code$/);
    });

    await withScreenshot(page, 'ofb-code', async () => {
      const note = await db.models.Notification.findOne({ to: ana!.email, template: 'one-time-code' })
        .sort({ sentAt: -1 })
        .lean();
      await page.getByLabel('One-time code').fill(/is (\d{6})/.exec(note!.body)![1]!);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Share your data with Exemplo Finanças?' }).waitFor();
    });

    await withScreenshot(page, 'ofb-consent', async () => {
      // The data in the guide's groups, each opened to its permissions.
      await page.getByText('Accounts', { exact: true }).click();
      await expect(page.getByText('Your account transactions').isVisible()).resolves.toBe(true);
      await expect(
        page.getByText('Until 2027-06-30, unless you revoke it earlier.').isVisible(),
      ).resolves.toBe(true);
      // Share only the checking account: none is ticked for the customer.
      await expect(page.getByLabel('Savings 0001 / ****-5678').isChecked()).resolves.toBe(false);
      await page.getByLabel('Checking 0001 / ****-1234').check();
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    });

    const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(page.url()), checks);
    expect(tokens.grant_id).toBe(consent.consentId);
    const info = await oidc.tokenIntrospection(rp.config, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      consent_id: consent.consentId,
      client_id: rp.config.clientMetadata().client_id,
    });
    expect(await db.models.Consent.findById(consent.consentId).lean()).toMatchObject({
      status: 'AUTHORISED',
      accountIds: ['acc-ana-checking'],
    });
    await context.close();
  });

  it('FDX: PAR with RAR, the same login and consent in Chromium, a JARM response and a bound token', async () => {
    const fdx = await registerFdxRecipient(
      stack.as,
      'Exemplo Budget App',
      'CN=exemplo-budget,O=Exemplo Inc,C=US',
    );
    const consentRequest = {
      durationType: 'PERSISTENT',
      lookbackPeriod: 30,
      resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_BASIC', 'TRANSACTIONS'] }],
    };
    const { url, checks } = await pushFdxAuthorization(fdx, [{ type: 'fdx_v1.0', consentRequest }]);
    const { context, page } = await customerBrowser();

    await withScreenshot(page, 'fdx-journey', async () => {
      await page.goto(url.href);
      await page.getByLabel('CPF').fill(ana!.username);
      await page.getByLabel('Password').fill(ana!.password);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/\/code$/);
      const note = await stack.db.models.Notification.findOne({ to: ana!.email, template: 'one-time-code' })
        .sort({ sentAt: -1 })
        .lean();
      await page.getByLabel('One-time code').fill(/is (\d{6})/.exec(note!.body)![1]!);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Share your data with Exemplo Budget App?' }).waitFor();
      await expect(page.getByText('Your transactions').isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    });

    const tokens = await oidc.authorizationCodeGrant(fdx.config, new URL(page.url()), checks);
    expect(tokens.grant_id).toMatch(/^[0-9a-f]{24}$/);
    const info = await oidc.tokenIntrospection(fdx.config, tokens.access_token);
    expect(info).toMatchObject({ active: true, consent_id: tokens.grant_id, fdxConsentId: tokens.grant_id });
    expect(info.cnf).toHaveProperty(['x5t#S256']);
    await context.close();
  });
});
