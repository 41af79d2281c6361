// The marketplace in real Chromium, as its users walk it: a developer signs up, confirms the email
// from the mailbox, enrols an organization; a bank admin approves it in the console; the developer
// subscribes and creates an application with generated keys, whose client gets a token at the
// real authorization server; the bank suspends the client and its token requests fail; the
// developer rotates the key and the old one stops working once the overlap ends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import type { GeneratedSecrets } from '../../../api/marketplace/applications/credentials.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import { clientCredentialsToken, tokenOutcome } from '../../helpers/client-credentials.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { startMarketplaceStack, type MarketplaceStack } from '../../helpers/marketplace.js';
import { validCnpj } from '../../helpers/tax-ids.js';

const names = uniqueNames(import.meta.url);
const OVERLAP_MS = 4_000;
let stack: MarketplaceStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startMarketplaceStack(names, { rotationOverlapMs: OVERLAP_MS });
  await seedDemoStaff(stack.db.models);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Marketplace' });
const admin = DEMO_STAFF.find((s) => s.role === 'ADMIN')!;

/** The credentials the application page offers for download, read from its link. */
async function downloadedCredentials(page: Page): Promise<GeneratedSecrets & { client_id: string }> {
  const href = await page.locator('#download-credentials').getAttribute('href');
  const json = JSON.parse(Buffer.from(href!.split(',')[1]!, 'base64').toString('utf8')) as Record<
    string,
    string
  >;
  return {
    client_id: json.client_id!,
    kid: json.kid!,
    signingKey: json.signing_key!,
    certificate: json.certificate!,
    certificateKey: json.certificate_key!,
  };
}

describe('the marketplace in a browser', () => {
  it('takes a developer from sign-up to a working, suspendable, rotatable client', async () => {
    const dev = await (await browser.newContext()).newPage();
    const bank = await (await browser.newContext()).newPage();
    const email = `dev-${names.prefix}@fintech.example`;
    const password = 'a long developer password';

    await withScreenshot(dev, 'marketplace-signup', async () => {
      await dev.goto(`${stack.baseUrl}/signup`);
      await dev.getByLabel('Your name').fill('Ana Souza');
      await dev.getByLabel('Email').fill(email);
      await dev.getByLabel('Password').fill(password);
      await dev.getByRole('button', { name: 'Sign up' }).click();
      await dev.getByRole('heading', { name: 'Check your email' }).waitFor();
      await dev.getByRole('link', { name: 'mailbox' }).click();
      const link = await dev.getByRole('link', { name: /\/verify\?token=/ }).getAttribute('href');
      // The mail links to the public marketplace URL; this test serves it on a local port.
      await dev.goto(`${stack.baseUrl}${new URL(link!).pathname}${new URL(link!).search}`);
      await dev.getByText('Your email address is confirmed').waitFor();
      await dev.getByLabel('Password').fill(password);
      await dev.getByRole('button', { name: 'Log in' }).click();
      await dev.waitForURL(/\/apps$/);
    });

    const taxId = validCnpj();
    await withScreenshot(dev, 'marketplace-enrol', async () => {
      await nav(dev).getByRole('link', { name: 'Organization' }).click();
      await dev.getByLabel('Legal name').fill('Fintech Navegador Ltda');
      await dev.getByLabel('Tax id type').selectOption('CNPJ');
      await dev.getByLabel('Tax id', { exact: true }).fill(taxId);
      await dev.getByLabel('Website (https)').fill('https://navegador.example');
      await dev.getByLabel('Open Finance Brasil').check();
      await dev.getByRole('button', { name: 'Enrol' }).click();
      await dev.getByText('Enrolment received').waitFor();
      await expect(dev.locator('#org-status').textContent()).resolves.toBe('PENDING_REVIEW');
    });
    const org = await stack.db.models.Organization.findOne({ taxId }).lean();

    await withScreenshot(bank, 'marketplace-approve', async () => {
      await bank.goto(`${stack.baseUrl}/admin/login`);
      await bank.getByLabel('Email').fill(admin.email);
      await bank.getByLabel('Password').fill(admin.password);
      await bank.getByRole('button', { name: 'Log in' }).click();
      await bank.goto(`${stack.baseUrl}/admin/organizations/${org!._id}`);
      await bank.getByRole('button', { name: 'Approve this organization' }).click();
      await eventually(async () =>
        expect((await stack.db.models.Organization.findById(org!._id).lean())?.status).toBe('APPROVED'),
      );
    });

    let first: Awaited<ReturnType<typeof downloadedCredentials>>;
    await withScreenshot(dev, 'marketplace-app', async () => {
      await nav(dev).getByRole('link', { name: 'Subscriptions' }).click();
      await dev.getByRole('button', { name: 'Subscribe to OFB Consents' }).click();
      await dev.getByText('OFB Consents: active.').waitFor();
      await nav(dev).getByRole('link', { name: 'Applications' }).click();
      await dev.getByRole('link', { name: 'New application' }).click();
      await dev.getByLabel('Name').fill('Navegador Budget');
      await dev.getByLabel('Redirect URIs (https, one per line)').fill('https://navegador.example/callback');
      await dev.getByRole('button', { name: 'Create application' }).click();
      await dev.getByText('Your private keys — shown once').waitFor();
      await expect(dev.locator('#client-status').textContent()).resolves.toBe('ACTIVE');
      first = await downloadedCredentials(dev);
    });
    await expect(tokenOutcome(clientCredentialsToken(stack.as, first!.client_id, first!))).resolves.toBe(
      'issued',
    );
    const app = await stack.db.models.Application.findOne({ 'client.clientId': first!.client_id }).lean();

    await withScreenshot(bank, 'marketplace-suspend', async () => {
      await bank.goto(`${stack.baseUrl}/admin/applications/${app!._id}`);
      await bank.locator('#suspend-reason').fill('Suspicious traffic');
      await bank.getByRole('button', { name: 'Suspend this client' }).click();
      await bank.getByRole('button', { name: 'Enable this client' }).waitFor();
    });
    await expect(tokenOutcome(clientCredentialsToken(stack.as, first!.client_id, first!))).resolves.toMatch(
      /^invalid_request/,
    );
    // The developer sees who suspended it and cannot lift it.
    await dev.goto(`${stack.baseUrl}/apps/${app!._id}`);
    await dev.getByText('by the bank: contact its developer support').waitFor();
    await expect(dev.getByRole('button', { name: 'Enable' }).count()).resolves.toBe(0);
    await bank.getByRole('button', { name: 'Enable this client' }).click();
    await bank.getByRole('button', { name: 'Suspend this client' }).waitFor();

    let second: Awaited<ReturnType<typeof downloadedCredentials>>;
    await withScreenshot(dev, 'marketplace-rotate', async () => {
      await dev.goto(`${stack.baseUrl}/apps/${app!._id}`);
      await dev.getByRole('button', { name: 'Rotate: generate a new key' }).click();
      await dev.getByText('New key added').waitFor();
      second = await downloadedCredentials(dev);
    });
    expect(second!.kid).not.toBe(first!.kid);
    await expect(tokenOutcome(clientCredentialsToken(stack.as, first!.client_id, first!))).resolves.toBe(
      'issued',
    );
    await expect(tokenOutcome(clientCredentialsToken(stack.as, second!.client_id, second!))).resolves.toBe(
      'issued',
    );
    await eventually(
      async () =>
        expect(await tokenOutcome(clientCredentialsToken(stack.as, first!.client_id, first!))).toMatch(
          /^invalid_client/,
        ),
      OVERLAP_MS + 10_000,
    );
    await expect(tokenOutcome(clientCredentialsToken(stack.as, second!.client_id, second!))).resolves.toBe(
      'issued',
    );
  }, 120_000);
});
