// Accessibility and layout checked by machines (issue 18): every kind of page people use, reached
// as they reach it in Chromium, scanned with axe-core at 1280 px (any serious or critical violation
// fails, listed with its rule, impact, page and elements) and checked at 390 px for sideways
// scrolling. The bank's log-in, one-time code, OFB consent (pt-BR), FDX consent (en), "returning
// you" and error pages; self-service; the developer portal; the catalog; the bank's console.
// With SCREENSHOTS set (`npm run screenshots`) each page is saved as <area>-<page>-<width>.png.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_STAFF } from '../../../api/bank-console/demo-staff.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { checkPage, DESKTOP } from '../../helpers/accessibility.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import { uniqueNames } from '../../helpers/env.js';
import {
  pushAuthorization,
  pushFdxAuthorization,
  REDIRECT,
  registerFdxRecipient,
} from '../../helpers/ofb-journey.js';
import { validCnpj } from '../../helpers/tax-ids.js';
import { startWholePlatform, type WholePlatform } from '../../helpers/whole-platform.js';
import { eventually } from '../../helpers/eventually.js';
import { latestOneTimeCode } from '../../helpers/mailbox.js';

const names = uniqueNames(import.meta.url);
const [ana] = DEMO_CUSTOMERS as [(typeof DEMO_CUSTOMERS)[0]];
const admin = DEMO_STAFF.find((s) => s.role === 'ADMIN')!;
const PASSWORD = 'a long developer password';
const ORGANIZATION = 'Fintech Acessível Ltda';

let platform: WholePlatform;
let browser: Browser;
/** The OFB consent Ana authorises on the bank's pages, shown later in self-service and the console. */
let consentId: string;

beforeAll(async () => {
  platform = await startWholePlatform(names);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** A browser of its own, in a language; the dev CA is not in Chromium's store. */
async function personBrowser(locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: DESKTOP, locale });
  // The recipient's redirect URI is answered here: the journeys end at the bank's pages.
  await context.route(`${REDIRECT}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<p>back at the app</p>' }),
  );
  return { context, page: await context.newPage() };
}

/** Check each page as the walk reaches it; fail at the end with every problem found. */
function checker() {
  const problems: string[] = [];
  return {
    check: async (page: Page, area: string, name: string) =>
      withScreenshot(page, `accessibility-${area}-${name}`, async () => {
        problems.push(...(await checkPage(page, area, name)));
      }),
    done: () => {
      if (problems.length) console.log(`Accessibility problems:\n${problems.join('\n')}`);
      expect(problems).toEqual([]);
    },
  };
}

/** The newest one-time code the bank sent Ana (the development mailbox). */
const latestCode = (since: Date) => latestOneTimeCode(platform.db.models, ana.email, since);

/**
 * The bank's log-in and one-time code pages (by field names: the pages may be in Portuguese),
 * checking each when `check` is given.
 */
async function bankLogIn(page: Page, check?: (name: string) => Promise<void>) {
  await page.locator('input[name="username"]').waitFor();
  await check?.('login');
  await page.locator('input[name="username"]').fill(ana.cpf);
  await page.locator('input[name="password"]').fill(ana.password);
  const since = new Date();
  await page.locator('input[name="password"]').press('Enter');
  await page.waitForURL(/\/code$/);
  await check?.('one-time-code');
  await page.locator('input[name="code"]').fill(await latestCode(since));
  await page.locator('input[name="code"]').press('Enter');
  await page.locator('button[name="decision"]').first().waitFor();
}

/**
 * The "returning you" page goes on to the recipient by itself after two seconds (a Refresh
 * header): without it here, so the page stays to be checked.
 */
async function holdReturningPage(context: BrowserContext) {
  const issuer = new URL(platform.as.issuer);
  await context.route(
    (url) => url.origin === issuer.origin && url.pathname.startsWith('/auth/'),
    async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const headers = { ...response.headers() };
      delete headers.refresh;
      await route.fulfill({ response, headers });
    },
  );
}

describe('accessibility and layout of every kind of page', () => {
  it("the bank's log-in, one-time code, consent (OFB in pt-BR, FDX in en), returning and error pages", async () => {
    const { check, done } = checker();

    // OFB, in Portuguese: log-in, one-time code, consent, and the page back to the recipient.
    ({ consentId } = await platform.lodge());
    const ofb = await pushAuthorization(platform.rp, consentId);
    const { context, page } = await personBrowser('pt-BR');
    await holdReturningPage(context);
    await page.goto(ofb.url.href);
    await bankLogIn(page, (name) => check(page, 'auth', name));
    await check(page, 'auth', 'consent-ofb-pt-BR');
    await page.locator('input[name="accountIds"][value="acc-ana-checking"]').check();
    await page.locator('button[name="decision"][value="authorise"]').click();
    await page.waitForURL((u) => u.pathname.startsWith('/auth/'));
    await check(page, 'auth', 'returning');

    // A page the bank does not have.
    await page.goto(`${platform.as.issuer}/no-such-page`);
    await check(page, 'auth', 'error');

    // FDX, in English: the consent page.
    const fdx = await registerFdxRecipient(
      platform.as,
      'Accessible Ledger',
      'CN=Accessible Ledger,O=Recipient',
    );
    const fdxAuth = await pushFdxAuthorization(fdx, [
      {
        type: 'fdx_v1.0',
        consentRequest: {
          durationType: 'ONE_TIME',
          lookbackPeriod: 30,
          resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS'] }],
        },
      },
    ]);
    const { page: en } = await personBrowser('en-US');
    await en.goto(fdxAuth.url.href);
    await bankLogIn(en);
    await check(en, 'auth', 'consent-fdx-en');
    done();
  }, 300_000);

  it("self-service: log-in, the customer's consents, a consent", async () => {
    const { check, done } = checker();
    const { page } = await personBrowser();
    const base = platform.marketplaceUrl;
    await page.goto(`${base}/my/login`);
    await check(page, 'self-service', 'login');
    await page.getByLabel('CPF').fill(ana.cpf);
    await page.getByLabel('Password').fill(ana.password);
    const since = new Date();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/my\/login\/code$/);
    await check(page, 'self-service', 'one-time-code');
    await page.getByLabel('One-time code').fill(await latestCode(since));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/my\/consents$/);
    await check(page, 'self-service', 'consents');
    await page.goto(`${base}/my/consents/${encodeURIComponent(consentId)}`);
    await check(page, 'self-service', 'consent');
    done();
  }, 300_000);

  it('the developer portal, the catalog and the bank console', async () => {
    const { check, done } = checker();
    const base = platform.marketplaceUrl;
    const { page: dev } = await personBrowser();
    const { page: bank } = await personBrowser();
    const nav = dev.getByRole('navigation', { name: 'Marketplace' });
    const email = `dev-a11y-${names.prefix}@fintech.example`;

    await dev.goto(`${base}/`);
    await check(dev, 'portal', 'home');
    await dev.goto(`${base}/products`);
    await check(dev, 'catalog', 'products');
    await dev.goto(`${base}/products/ofb-accounts`);
    await check(dev, 'catalog', 'product');

    await dev.goto(`${base}/signup`);
    await check(dev, 'portal', 'signup');
    await dev.getByLabel('Your name').fill('Ana Developer');
    await dev.getByLabel('Email').fill(email);
    await dev.getByLabel('Password').fill(PASSWORD);
    await dev.getByRole('button', { name: 'Sign up' }).click();
    await dev.getByRole('heading', { name: 'Check your email' }).waitFor();
    await dev.getByRole('link', { name: 'mailbox' }).click();
    const link = new URL((await dev.getByRole('link', { name: /\/verify\?token=/ }).getAttribute('href'))!);
    await dev.goto(`${base}${link.pathname}${link.search}`);
    await dev.getByText('Your email address is confirmed').waitFor();
    await check(dev, 'portal', 'login');
    await dev.getByLabel('Password').fill(PASSWORD);
    await dev.getByRole('button', { name: 'Log in' }).click();
    await dev.waitForURL(/\/apps$/);

    await nav.getByRole('link', { name: 'Organization' }).click();
    await check(dev, 'portal', 'organization');
    await dev.getByLabel('Legal name').fill(ORGANIZATION);
    await dev.getByLabel('Website (https)').fill('https://fintech.example');
    await dev.getByLabel('Tax id type').selectOption('CNPJ');
    await dev.getByLabel('Tax id', { exact: true }).fill(validCnpj());
    await dev.getByLabel('Open Finance Brasil').check();
    await dev.getByRole('button', { name: 'Enrol' }).click();
    await dev.getByText('Enrolment received').waitFor();
    await check(dev, 'portal', 'organization-enrolled');

    await bank.goto(`${base}/admin/login?next=/admin/organizations`);
    await check(bank, 'console', 'login');
    await bank.getByLabel('Email').fill(admin.email);
    await bank.getByLabel('Password').fill(admin.password);
    await bank.getByRole('button', { name: 'Log in' }).click();
    await bank.waitForURL(/\/admin\/organizations$/);
    await check(bank, 'console', 'organizations');
    await bank.getByRole('link', { name: ORGANIZATION }).click();
    await check(bank, 'console', 'organization');
    await bank.getByRole('button', { name: 'Approve this organization' }).click();
    await bank.getByText('The organization is approved').waitFor();
    await eventually(async () => expect(await orgStatus(dev)).toBe('APPROVED'), 60_000);

    await nav.getByRole('link', { name: 'Subscriptions' }).click();
    for (const product of ['OFB Consents', 'OFB Resources']) {
      await dev.getByRole('button', { name: `Subscribe to ${product}` }).click();
      await dev.getByText(`${product}: active.`).waitFor();
    }
    await check(dev, 'portal', 'subscriptions');
    await bank.goto(`${base}/admin/subscriptions`);
    await check(bank, 'console', 'subscriptions');

    await nav.getByRole('link', { name: 'Applications' }).click();
    await check(dev, 'portal', 'applications');
    await dev.getByRole('link', { name: 'New application' }).click();
    await check(dev, 'portal', 'new-application');
    await dev.getByLabel('Name').fill('Accessible Budget');
    await dev.getByLabel('Standard').selectOption('OFB');
    await dev.getByLabel('Redirect URIs (https, one per line)').fill('https://127.0.0.1:9443/callback');
    await dev.getByLabel('Client authentication').selectOption('private_key_jwt');
    await dev.getByRole('button', { name: 'Create application' }).click();
    await dev.getByText('Your private keys — shown once').waitFor();
    await check(dev, 'portal', 'application');
    const appPath = new URL(dev.url()).pathname;
    await dev.goto(`${base}${appPath}/insights`);
    await check(dev, 'portal', 'application-insights');
    await dev.goto(`${base}/insights`);
    await check(dev, 'portal', 'insights');

    await bank.goto(`${base}/admin/applications`);
    await check(bank, 'console', 'applications');
    await bank.goto(`${base}/admin/consents`);
    await check(bank, 'console', 'consents');
    await bank.goto(`${base}/admin/consents/${encodeURIComponent(consentId)}`);
    await check(bank, 'console', 'consent');
    await bank.goto(`${base}/admin/insights`);
    await check(bank, 'console', 'insights');
    done();
  }, 300_000);
});

/** The organization's status as the developer's page shows it, after a reload. */
async function orgStatus(page: Page): Promise<string> {
  await page.reload();
  return ((await page.locator('#org-status').textContent()) ?? '').trim();
}
