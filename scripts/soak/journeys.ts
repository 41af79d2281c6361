// The recurring browser journeys, one person at a time in a fresh Chromium context: a customer in
// self-service (/my, with the one-time code), who may stop a consent; a developer signing up or
// logging in to the marketplace and looking at their apps and insights; the bank's staff in the
// console (consents, organizations, applications, subscriptions, insights).
import type { Page } from 'playwright-core';
import { oneTimeCode, type Customer, type Http } from './consents.js';
import { DEVELOPER_PASSWORD, signUp, staffLogin } from './setup.js';

/** Self-service: log in, list the consents, open one; stop it when `revoke` names it. */
export async function customerSelfService(
  page: Page,
  http: Http,
  customer: Customer,
  revoke?: string,
): Promise<'revoked' | 'viewed'> {
  const base = http.marketplaceUrl;
  await customer.lock.run(async () => {
    await page.goto(`${base}/my/login`);
    await page.getByLabel('CPF').fill(customer.cpf);
    await page.getByLabel('Password').fill(customer.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/my\/login\/code$/);
    await page.getByLabel('One-time code').fill(await oneTimeCode(http, customer));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/my\/consents$/);
  });
  if (revoke) {
    await page.goto(`${base}/my/consents/${encodeURIComponent(revoke)}`);
    await page.getByRole('button', { name: /^Stop sharing with/ }).click();
    await page.getByText('Done: this app no longer receives your data.').waitFor();
    return 'revoked';
  }
  const first = page.getByRole('link', { name: /^View or stop consent/ }).first();
  if (await first.count()) {
    await first.click();
    await page.getByRole('heading', { name: /^Your consent for/ }).waitFor();
  }
  return 'viewed';
}

/** The marketplace: a new developer signs up, or a known one logs in; apps, one app, insights. */
export async function developerVisit(page: Page, base: string, o: { signUpAs?: string; logInAs?: string }) {
  if (o.signUpAs) await signUp(page, base, o.signUpAs);
  else {
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(o.logInAs!);
    await page.getByLabel('Password').fill(DEVELOPER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/apps$/);
  }
  const app = page.locator('a[href^="/apps/mkt-"]').first();
  if (await app.count()) {
    await app.click();
    await page.locator('#client-status').waitFor();
    await page.goto(`${page.url()}/insights`);
  }
  for (const path of ['/subscriptions', '/organization', '/insights', '/products'])
    await page.goto(`${base}${path}`);
}

/** The bank's console: consents (one opened), the marketplace's lists, insights and their JSON. */
export async function staffVisit(page: Page, base: string) {
  await staffLogin(page, base, '/admin/consents');
  const consent = page.locator('a[href^="/admin/consents/"]').first();
  if (await consent.count()) {
    await consent.click();
    await page.getByRole('heading', { name: /^Consent / }).waitFor();
  }
  for (const path of [
    '/admin/organizations',
    '/admin/applications',
    '/admin/subscriptions',
    '/admin/insights',
    '/admin/api/analytics/summary',
    '/admin/api/analytics/endpoints',
    '/admin/api/consents',
  ])
    await page.goto(`${base}${path}`);
}
