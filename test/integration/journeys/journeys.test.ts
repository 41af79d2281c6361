// The whole path, end to end, in real Chromium, for Open Finance Brasil and for FDX (issue 8):
//  1. a developer signs up, enrols an organization, and the bank approves it in /admin;
//  2. the developer subscribes (the bank approves the data product in /admin/subscriptions),
//     creates an application with generated credentials and downloads them from the Discovery
//     Agent's page;
//  3. the sample recipient app, started with that download, starts a consent;
//  4. the customer logs in at the bank with a second factor, selects accounts and authorises;
//  5. the app shows the data it read through the gateway;
//  6. the customer revokes in self-service (/my), and the app's next call gets 401;
//  7. the bank admin sees the consent ended, with its audit trail, in /admin/consents/:id;
//  8. the Temporal UI's HTTP API shows the consent's workflow completed.
// Each step is wrapped in withScreenshot (test-artifacts/ on failure); with SCREENSHOTS set
// (`npm run screenshots`), each step's page is also saved as docs/screenshots/<standard>-<n>-<step>.png.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO_STAFF } from '../../../api/bank-console/demo-staff.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { startRecipientApp } from '../../../examples/recipient-app/app.js';
import { loadConfig, type Standard } from '../../../examples/recipient-app/config.js';
import { freePort } from '../../../runtime/ports.js';
import { launchBrowser, stepShot, withScreenshot } from '../../helpers/browser.js';
import { uniqueNames } from '../../helpers/env.js';
import { validCnpj } from '../../helpers/tax-ids.js';
import { startWholePlatform, type WholePlatform } from '../../helpers/whole-platform.js';
import { latestOneTimeCode } from '../../helpers/mailbox.js';

const names = uniqueNames(import.meta.url);
const [ana] = DEMO_CUSTOMERS as [(typeof DEMO_CUSTOMERS)[0]];
const admin = DEMO_STAFF.find((s) => s.role === 'ADMIN')!;
const PASSWORD = 'a long developer password';
/** What the README shows: small pictures of the visible part of each page. */
const VIEWPORT = { width: 1000, height: 700 };

let platform: WholePlatform;
let browser: Browser;
let dir: string;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  platform = await startWholePlatform(names);
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-journeys-'));
}, 300_000);

afterAll(async () => {
  for (const close of closing.reverse()) await close();
  await browser?.close();
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A browser of its own for each person; the dev CA is not in Chromium's store. */
async function personBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: VIEWPORT });
  closing.push(() => context.close());
  return { context, page: await context.newPage() };
}

/** One step of a journey: screenshot in test-artifacts/ if it fails, in SCREENSHOTS when asked. */
function stepper(standard: 'ofb' | 'fdx') {
  return async <T>(page: Page, name: string, run: () => Promise<T>, o: { fullPage?: boolean } = {}) =>
    withScreenshot(page, `journey-${standard}-${name}`, async () => {
      const result = await run();
      await stepShot(page, `${standard}-${name}`, o);
      return result;
    });
}

/** Reload until `locator` reads `expected` (effects of workflows that finish after the answer). */
async function reloadUntil(page: Page, locator: Locator, expected: string | RegExp, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.textContent())?.trim() ?? '';
    if (typeof expected === 'string' ? text === expected : expected.test(text)) return;
    if (Date.now() > deadline) throw new Error(`still "${text}", not ${String(expected)}`);
    await page.reload();
  }
}

/** The newest one-time code the bank sent the customer (the development mailbox). */
const latestCode = (since: Date) => latestOneTimeCode(platform.db.models, ana.email, since);

/** The text of a description list's entry named `term`. */
const fact = async (page: Page, term: string) =>
  (await page.locator(`xpath=//dt[normalize-space()="${term}"]/following-sibling::dd[1]`).innerText()).trim();

/** The rows of the table named `caption`, each as its cells' text. */
async function rows(page: Page, caption: string) {
  const body = page.getByRole('table', { name: caption }).locator('tbody tr');
  return Promise.all((await body.all()).map((r) => r.locator('th, td').allInnerTexts()));
}

/** Each step's parts that differ between the standards. */
interface Journey {
  standard: Standard;
  key: 'ofb' | 'fdx';
  organization: string;
  appName: string;
  enrol: (page: Page) => Promise<void>;
  /** Products subscribed at once, and the one the bank approves by hand. */
  automatic: string[];
  manual: { id: string; name: string };
  authMethod: 'private_key_jwt' | 'tls_client_auth';
  /** The client's scopes, from the active subscriptions. */
  scopes: string;
  /** The consent's id as the app shows it. */
  consentId: RegExp;
  /** Its status once the customer revoked it: in self-service, and in the bank's console. */
  endedStatus: { customer: string; console: string };
  /** The console's audit trail, in the standard's words: authorised, then ended by the customer. */
  auditStatus: { authorised: string; ended: string };
}

const OFB: Journey = {
  standard: 'OFB',
  key: 'ofb',
  organization: 'Fintech Jornada Ltda',
  appName: 'Jornada Budget',
  enrol: async (page) => {
    await page.getByLabel('Tax id type').selectOption('CNPJ');
    await page.getByLabel('Tax id', { exact: true }).fill(validCnpj());
    await page.getByLabel('Open Finance Brasil').check();
  },
  automatic: ['OFB Consents', 'OFB Resources'],
  manual: { id: 'ofb-accounts', name: 'OFB Accounts' },
  authMethod: 'private_key_jwt',
  scopes: 'accounts consents resources',
  consentId: /^urn:bank:/,
  endedStatus: { customer: 'REJECTED', console: 'REJECTED' },
  auditStatus: { authorised: 'AUTHORISED', ended: 'REJECTED' },
};

const FDX: Journey = {
  standard: 'FDX',
  key: 'fdx',
  organization: 'Journey Budgeting Inc',
  appName: 'Journey Ledger',
  enrol: async (page) => {
    await page.getByLabel('Tax id type').selectOption('EIN');
    await page
      .getByLabel('Tax id', { exact: true })
      .fill(`12${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
    await page.getByLabel('FDX', { exact: true }).check();
  },
  automatic: ['FDX Consent'],
  manual: { id: 'fdx-core', name: 'FDX Core' },
  authMethod: 'tls_client_auth',
  scopes:
    'fdx:accountbasic:read fdx:accountdetailed:read fdx:accountpayments:read fdx:customercontact:read fdx:statements:read fdx:transactions:read',
  consentId: /^[0-9a-f]{24}$/,
  endedStatus: { customer: 'REVOKED', console: 'REVOKED (REJECTED)' },
  auditStatus: { authorised: 'ACTIVE', ended: 'REVOKED' },
};

async function walk(j: Journey) {
  const step = stepper(j.key);
  const base = platform.marketplaceUrl;
  const { page: dev } = await personBrowser();
  const { page: bank } = await personBrowser();
  const nav = dev.getByRole('navigation', { name: 'Marketplace' });
  const email = `dev-${j.key}-${names.prefix}@fintech.example`;

  // 1. The developer signs up and enrols; the bank approves the organization.
  await step(dev, '1-signup', async () => {
    await dev.goto(`${base}/signup`);
    await dev.getByLabel('Your name').fill('Ana Developer');
    await dev.getByLabel('Email').fill(email);
    await dev.getByLabel('Password').fill(PASSWORD);
    await dev.getByRole('button', { name: 'Sign up' }).click();
    await dev.getByRole('heading', { name: 'Check your email' }).waitFor();
    await dev.getByRole('link', { name: 'mailbox' }).click();
    const link = new URL((await dev.getByRole('link', { name: /\/verify\?token=/ }).getAttribute('href'))!);
    // The mail links to the public marketplace URL; the test serves it on a local port.
    await dev.goto(`${base}${link.pathname}${link.search}`);
    await dev.getByText('Your email address is confirmed').waitFor();
    await dev.getByLabel('Password').fill(PASSWORD);
    await dev.getByRole('button', { name: 'Log in' }).click();
    await dev.waitForURL(/\/apps$/);
  });
  await step(dev, '1-enrol', async () => {
    await nav.getByRole('link', { name: 'Organization' }).click();
    await dev.getByLabel('Legal name').fill(j.organization);
    await dev.getByLabel('Website (https)').fill('https://fintech.example');
    await j.enrol(dev);
    await dev.getByRole('button', { name: 'Enrol' }).click();
    await dev.getByText('Enrolment received').waitFor();
    await expect(dev.locator('#org-status').textContent()).resolves.toBe('PENDING_REVIEW');
  });
  await step(bank, '1-approve', async () => {
    await bank.goto(`${base}/admin/login?next=/admin/organizations`);
    await bank.getByLabel('Email').fill(admin.email);
    await bank.getByLabel('Password').fill(admin.password);
    await bank.getByRole('button', { name: 'Log in' }).click();
    await bank.waitForURL(/\/admin\/organizations$/);
    await bank.getByRole('link', { name: j.organization }).click();
    await bank.getByRole('button', { name: 'Approve this organization' }).click();
    await bank.getByText('The organization is approved').waitFor();
  });
  await reloadUntil(dev, dev.locator('#org-status'), 'APPROVED');

  // 2. Subscriptions (one approved by the bank), the application, and its credentials.
  await step(dev, '2-subscribe', async () => {
    await nav.getByRole('link', { name: 'Subscriptions' }).click();
    for (const product of j.automatic) {
      await dev.getByRole('button', { name: `Subscribe to ${product}` }).click();
      await dev.getByText(`${product}: active.`).waitFor();
    }
    await dev.getByRole('button', { name: `Subscribe to ${j.manual.name}` }).click();
    await dev.getByText(`${j.manual.name}: requested; the bank will decide.`).waitFor();
  });
  await step(bank, '2-approve-subscription', async () => {
    await bank.goto(`${base}/admin/subscriptions`);
    await bank.getByRole('button', { name: `Approve ${j.organization}: ${j.manual.name}` }).click();
    await bank.getByText('The subscription is approved').waitFor();
  });
  await reloadUntil(dev, dev.locator(`td[data-product="${j.manual.id}"]`), 'ACTIVE');

  // The app's port first: its redirect URI is registered with the client.
  const port = await freePort();
  const redirectUri = `https://127.0.0.1:${port}/callback`;
  const credentials = await step(dev, '2-credentials', async () => {
    await nav.getByRole('link', { name: 'Applications' }).click();
    await dev.getByRole('link', { name: 'New application' }).click();
    await dev.getByLabel('Name').fill(j.appName);
    await dev.getByLabel('Standard').selectOption(j.standard);
    await dev.getByLabel('Redirect URIs (https, one per line)').fill(redirectUri);
    await dev.getByLabel('Client authentication').selectOption(j.authMethod);
    await dev.getByRole('button', { name: 'Create application' }).click();
    await dev.getByText('Your private keys — shown once').waitFor();
    await expect(dev.locator('#client-status').textContent()).resolves.toBe('ACTIVE');
    expect(await fact(dev, 'Scopes')).toBe(j.scopes);
    // The download link's data: URL is the file the developer saves.
    const href = await dev.locator('#download-credentials').getAttribute('href');
    expect(href).toMatch(/^data:application\/json;base64,/);
    return Buffer.from(href!.split(',')[1]!, 'base64').toString('utf8');
  });
  const { client_id: clientId } = JSON.parse(credentials) as { client_id: string };
  expect(clientId).toMatch(/^mkt-/);

  // 3. The recipient app, started with the downloaded credentials, starts a consent.
  const file = path.join(dir, `credentials-${clientId}.json`);
  writeFileSync(file, credentials, { mode: 0o600 });
  const cfg = await loadConfig({
    RECIPIENT_CREDENTIALS: file,
    RECIPIENT_STANDARD: j.standard,
    AUTH_ISSUER: platform.as.issuer,
    GATEWAY_URL: platform.gateway.url,
    RECIPIENT_CA: path.join(platform.as.pki.dir, 'ca.crt'),
    RECIPIENT_PORT: String(port),
  });
  expect(cfg.redirectUri).toBe(redirectUri);
  const logs: string[] = [];
  const app = await startRecipientApp(cfg, { log: (line) => logs.push(line) });
  closing.push(() => app.close());
  const { page: customer } = await personBrowser();
  await step(customer, '3-start-consent', async () => {
    await customer.goto(app.url);
    await customer.getByRole('heading', { name: 'Connect your bank account' }).waitFor();
    await expect(customer.getByText(clientId).isVisible()).resolves.toBe(true);
    if (j.standard === 'OFB') await customer.getByLabel('Your CPF').fill(ana.cpf);
  });

  // 4. The customer at the bank: password, one-time code, accounts, authorise.
  let since = new Date();
  await step(customer, '4-bank-login', async () => {
    await customer
      .getByRole('button', {
        name: j.standard === 'OFB' ? 'Connect with Open Finance Brasil' : 'Connect with FDX',
      })
      .click();
    await customer.getByRole('heading', { name: 'Log in to your bank' }).waitFor();
    await customer.getByLabel('CPF').fill('529.982.247-25');
    await customer.getByLabel('Password').fill(ana.password);
  });
  await step(customer, '4-one-time-code', async () => {
    await customer.keyboard.press('Enter');
    await customer.waitForURL(/\/code$/);
    await customer.getByLabel('One-time code').fill(await latestCode(since));
  });
  await step(customer, '4-select-accounts', async () => {
    await customer.getByRole('button', { name: 'Log in' }).click();
    await customer.getByRole('heading', { name: `Share your data with ${j.appName}?` }).waitFor();
    // Only the checking account (OFB ticks none for the customer; FDX ticks them all).
    await customer.getByLabel('Checking 0001 / ****-1234').check();
    await customer.getByLabel('Savings 0001 / ****-5678').uncheck();
    await expect(customer.getByLabel('Checking 0001 / ****-1234').isChecked()).resolves.toBe(true);
  });
  await customer.getByRole('button', { name: 'Share', exact: true }).click();

  // 5. The app's data, read through the gateway.
  const consentId = await step(customer, '5-data', async () => {
    await customer.getByRole('heading', { name: 'Your data at the bank' }).waitFor();
    expect(new URL(customer.url()).pathname).toBe('/data');
    const id = await customer.locator('#consent-id').innerText();
    expect(id).toMatch(j.consentId);
    const accounts = await rows(customer, 'Accounts');
    expect(accounts.map((a) => a[0])).toEqual(['acc-ana-checking']);
    expect((await rows(customer, 'Transactions of the first account')).length).toBeGreaterThan(0);
    const calls = await rows(customer, "Calls to the bank's gateway");
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.map((c) => c[1])).toEqual(calls.map(() => '200'));
    return id;
  });
  expect(await platform.db.models.Consent.findById(consentId).lean()).toMatchObject({
    standard: j.standard,
    status: 'AUTHORISED',
    clientId,
    customerId: ana._id,
    accountIds: ['acc-ana-checking'],
  });

  // 6. The customer revokes in self-service; the app's next call gets 401.
  const { page: me } = await personBrowser();
  await step(me, '6-self-service', async () => {
    await me.goto(`${base}/my/login`);
    await me.getByLabel('CPF').fill(ana.cpf);
    await me.getByLabel('Password').fill(ana.password);
    since = new Date();
    await me.getByRole('button', { name: 'Continue' }).click();
    await me.waitForURL(/\/my\/login\/code$/);
    await me.getByLabel('One-time code').fill(await latestCode(since));
    await me.getByRole('button', { name: 'Log in' }).click();
    await me.waitForURL(/\/my\/consents$/);
    const mine = me.getByRole('region', { name: j.appName });
    // A short reference (the id's last 8 characters) names the consent, never its URN.
    await mine.getByRole('link', { name: `View or stop consent ${consentId.slice(-8)}` }).click();
    await me.getByRole('heading', { name: `Your consent for ${j.appName}` }).waitFor();
    await expect(me.getByText('Checking 0001 / ****-1234').isVisible()).resolves.toBe(true);
  });
  await step(me, '6-revoked', async () => {
    await me.getByRole('button', { name: `Stop sharing with ${j.appName}` }).click();
    // Stopping asks first, on a page of its own.
    await me.getByRole('heading', { name: `Stop sharing with ${j.appName}?` }).waitFor();
    await me.getByRole('button', { name: 'Yes, stop sharing' }).click();
    await me.getByText('Done: this app no longer receives your data.').waitFor();
    expect(await fact(me, 'Status')).toMatch(/^Ended by you on \d{4}-\d{2}-\d{2}$/);
    // The reason's code is folded away, for customer service.
    await me.getByText('For customer service').click();
    expect(await fact(me, 'Reason code')).toBe('CUSTOMER_MANUALLY_REVOKED');
  });
  await step(customer, '6-app-401', async () => {
    await customer.getByRole('link', { name: 'Read again' }).click();
    await customer.getByRole('heading', { name: 'Your data at the bank' }).waitFor();
    await expect(customer.getByRole('alert').innerText()).resolves.toMatch(/ answered 401\b/);
    const calls = await rows(customer, "Calls to the bank's gateway");
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((c) => c[1])).toEqual(calls.map(() => '401'));
  });

  // The app reported no problem of its own: the 401 is the bank's answer, shown as such.
  expect(logs).toEqual([]);

  // 7. The bank's console: the consent ended, by the customer, with its audit trail.
  const temporalLink = await step(
    bank,
    '7-admin-consent',
    async () => {
      await bank.goto(`${base}/admin/consents/${encodeURIComponent(consentId)}`);
      await bank.getByRole('heading', { name: `Consent ${consentId}` }).waitFor();
      const facts = (term: string) => fact(bank, term);
      expect(await facts('Status')).toBe(j.endedStatus.console);
      expect(await facts('Rejected by')).toBe('USER');
      expect(await facts('Code')).toBe('CUSTOMER_MANUALLY_REVOKED');
      expect(await facts('Recipient')).toBe(`${j.organization} ${clientId}`);
      const audit = (await rows(bank, 'Audit trail')).map(([, actor, action, from, to]) => ({
        actor,
        action,
        from,
        to,
      }));
      expect(audit).toEqual([
        { actor: `${j.organization} ${clientId}`, action: 'lodge', from: '—', to: 'AWAITING_AUTHORISATION' },
        {
          actor: `${ana.name} (customer)`,
          action: 'authorise',
          from: 'AWAITING_AUTHORISATION',
          to: j.auditStatus.authorised,
        },
        {
          actor: `${ana.name} (customer)`,
          action: 'reject',
          from: j.auditStatus.authorised,
          to: j.auditStatus.ended,
        },
      ]);
      // Ended for good: nothing left to hold or revoke.
      for (const button of ['Put on hold', 'Revoke this consent'])
        await expect(bank.getByRole('button', { name: button }).count()).resolves.toBe(0);
      return bank.getByRole('link', { name: 'Open in the Temporal UI' }).getAttribute('href');
    },
    { fullPage: true },
  );

  // 8. The Temporal UI, through its HTTP API: the consent's workflow completed.
  const ui = platform.temporalUiUrl;
  if (!ui) {
    // An outside Temporal server (TEMPORAL_ADDRESS) without the UI: the same fact from the server.
    await platform.client.workflow.getHandle(consentId).result();
    const { status } = await platform.client.workflow.getHandle(consentId).describe();
    expect(status.name).toBe('COMPLETED');
    return;
  }
  const workflowPage = `${ui}/namespaces/${encodeURIComponent(platform.namespace)}/workflows/${encodeURIComponent(consentId)}`;
  expect(temporalLink).toBe(workflowPage);
  const api = `${ui}/api/v1/namespaces/${encodeURIComponent(platform.namespace)}/workflows/${encodeURIComponent(consentId)}`;
  const deadline = Date.now() + 60_000;
  let status = '';
  for (;;) {
    const res = await fetch(api, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      workflowExecutionInfo?: { status?: string; type?: { name?: string } };
    };
    status = body.workflowExecutionInfo?.status ?? '';
    expect(body.workflowExecutionInfo?.type?.name).toBe('consent');
    if (status !== 'WORKFLOW_EXECUTION_STATUS_RUNNING' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
  await step(bank, '8-temporal', async () => {
    await bank.goto(workflowPage);
    await bank.getByText('Completed', { exact: true }).first().waitFor();
  });
}

describe('the whole path in Chromium', () => {
  it('Open Finance Brasil: enrol, subscribe, consent, data, self-service revoke, console, Temporal', async () => {
    await walk(OFB);
  }, 300_000);

  it('FDX: enrol, subscribe, consent, data, self-service revoke, console, Temporal', async () => {
    await walk(FDX);
  }, 300_000);
});
