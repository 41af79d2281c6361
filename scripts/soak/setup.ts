// Before the workload: a data recipient per standard, made as people make one, in Chromium — a
// developer signs up (the link from the development mailbox), enrols an organization, the bank's
// admin approves it and the manual data product in the console, and the developer creates an
// application with generated credentials and downloads them. Returns the sample recipient app's
// configuration for those credentials.
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DEMO_STAFF } from '../../api/bank-console/demo-staff.js';
import {
  parseCredentials,
  type RecipientConfig,
  type Standard,
} from '../../examples/recipient-app/config.js';
import { validCnpj } from '../../test/helpers/tax-ids.js';
import { openPerson, type Person } from './browser.js';
import type { Meter } from './meter.js';
import type { Platform } from './platform.js';

const ADMIN = DEMO_STAFF.find((s) => s.role === 'ADMIN')!;
export const DEVELOPER_PASSWORD = 'a long soak developer password';
/** Registered with each client; nothing listens there: the soak reads the redirect itself. */
export const REDIRECT_URI = 'https://127.0.0.1:4999/callback';

export interface Recipient {
  standard: Standard;
  developer: string;
  cfg: RecipientConfig;
}

interface Ctx {
  browser: Browser;
  meter: Meter;
  platform: Platform;
  deadlineMs: number;
}

const STANDARDS = {
  OFB: {
    enrol: async (page: Page) => {
      await page.getByLabel('Tax id type').selectOption('CNPJ');
      await page.getByLabel('Tax id', { exact: true }).fill(validCnpj());
      await page.getByLabel('Open Finance Brasil').check();
    },
    automatic: ['OFB Consents', 'OFB Resources'],
    manual: { id: 'ofb-accounts', name: 'OFB Accounts' },
    authMethod: 'private_key_jwt' as const,
  },
  FDX: {
    enrol: async (page: Page) => {
      await page.getByLabel('Tax id type').selectOption('EIN');
      await page
        .getByLabel('Tax id', { exact: true })
        .fill(`12${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
      await page.getByLabel('FDX', { exact: true }).check();
    },
    automatic: ['FDX Consent'],
    manual: { id: 'fdx-core', name: 'FDX Core' },
    authMethod: 'tls_client_auth' as const,
  },
};

/** A new developer account, confirmed through the development mailbox, logged in (on /apps). */
export async function signUp(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/signup`);
  await page.getByLabel('Your name').fill('Soak Developer');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEVELOPER_PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await page.goto(`${base}/dev/mailbox?to=${encodeURIComponent(email)}`);
  const link = new URL(
    (await page
      .getByRole('link', { name: /\/verify\?token=/ })
      .first()
      .getAttribute('href'))!,
  );
  await page.goto(`${base}${link.pathname}${link.search}`);
  await page.getByText('Your email address is confirmed').waitFor();
  await page.getByLabel('Password').fill(DEVELOPER_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/apps$/);
}

export async function staffLogin(page: Page, base: string, next = '/admin/consents'): Promise<void> {
  await page.goto(`${base}/admin/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => u.pathname === next);
}

/** Reload until `selector` reads `expected` (a workflow finishing after the page answered). */
async function reloadUntil(page: Page, selector: string, expected: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await page.locator(selector).textContent())?.trim() ?? '';
    if (text === expected) return;
    if (Date.now() > deadline) throw new Error(`${selector} still "${text}", not "${expected}"`);
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
}

export async function provisionRecipient(ctx: Ctx, standard: Standard): Promise<Recipient> {
  const s = STANDARDS[standard];
  const base = ctx.platform.marketplaceUrl;
  const tag = randomBytes(3).toString('hex');
  const email = `soak-${standard.toLowerCase()}-${tag}@fintech.example`;
  const organization = `Soak ${standard} ${tag} Ltda`;
  const people: Person[] = [];
  const person = async () => {
    const p = await openPerson(ctx.browser, ctx.meter, ctx.platform.components, ctx.deadlineMs);
    people.push(p);
    return p.page;
  };
  try {
    const dev = await person();
    const bank = await person();
    const nav = dev.getByRole('navigation', { name: 'Marketplace' });
    await signUp(dev, base, email);

    await nav.getByRole('link', { name: 'Organization' }).click();
    await dev.getByLabel('Legal name').fill(organization);
    await dev.getByLabel('Website (https)').fill('https://fintech.example');
    await s.enrol(dev);
    await dev.getByRole('button', { name: 'Enrol' }).click();
    await dev.getByText('Enrolment received').waitFor();

    await staffLogin(bank, base, '/admin/organizations');
    await bank.getByRole('link', { name: organization }).click();
    await bank.getByRole('button', { name: 'Approve this organization' }).click();
    await bank.getByText('The organization is approved').waitFor();
    await reloadUntil(dev, '#org-status', 'APPROVED');

    await nav.getByRole('link', { name: 'Subscriptions' }).click();
    for (const product of s.automatic) {
      await dev.getByRole('button', { name: `Subscribe to ${product}` }).click();
      await dev.getByText(`${product}: active.`).waitFor();
    }
    await dev.getByRole('button', { name: `Subscribe to ${s.manual.name}` }).click();
    await dev.getByText(`${s.manual.name}: requested; the bank will decide.`).waitFor();
    await bank.goto(`${base}/admin/subscriptions`);
    await bank.getByRole('button', { name: `Approve ${organization}: ${s.manual.name}` }).click();
    await bank.getByText('The subscription is approved').waitFor();
    await reloadUntil(dev, `td[data-product="${s.manual.id}"]`, 'ACTIVE');

    await nav.getByRole('link', { name: 'Applications' }).click();
    await dev.getByRole('link', { name: 'New application' }).click();
    await dev.getByLabel('Name').fill(`Soak ${standard} app ${tag}`);
    await dev.getByLabel('Standard').selectOption(standard);
    await dev.getByLabel('Redirect URIs (https, one per line)').fill(REDIRECT_URI);
    await dev.getByLabel('Client authentication').selectOption(s.authMethod);
    await dev.getByRole('button', { name: 'Create application' }).click();
    await dev.getByText('Your private keys — shown once').waitFor();
    await expectActive(dev);
    const href = await dev.locator('#download-credentials').getAttribute('href');
    if (!href?.startsWith('data:application/json;base64,'))
      throw new Error('the application page offers no credentials download');
    const credentials = parseCredentials(Buffer.from(href.split(',')[1]!, 'base64').toString('utf8'));
    return {
      standard,
      developer: email,
      cfg: {
        standard,
        authMethod: s.authMethod,
        credentials,
        issuer: ctx.platform.authUrl,
        gatewayUrl: ctx.platform.gatewayUrl,
        ca: ctx.platform.ca,
        host: '127.0.0.1',
        port: 4999,
        redirectUri: REDIRECT_URI,
        // This app serves nothing: the soak follows the bank's redirects itself.
        tls: { cert: '', key: '' },
      },
    };
  } finally {
    for (const p of people) await p.close();
  }
}

/** The generated credentials are registered at once: the client is ACTIVE. */
async function expectActive(page: Page) {
  const status = (await page.locator('#client-status').textContent())?.trim();
  if (status !== 'ACTIVE') throw new Error(`the new application's client is ${status}, not ACTIVE`);
}
