// The sample recipient app (examples/recipient-app) in-process over HTTPS, with credentials of the
// marketplace's shape (a generated PS256 key and a dev-CA client certificate, in the JSON file the
// marketplace offers for download) registered by DCR, against the test AS and gateway: the OFB and
// FDX journeys with the customer in real headless Chromium, the data the app shows, and revocation
// after which the app reports the gateway's 401.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importPKCS8 } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { generateCredential } from '../../../api/marketplace/applications/credentials.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { startRecipientApp } from '../../../examples/recipient-app/app.js';
import { ConfigError, loadConfig, type Standard } from '../../../examples/recipient-app/config.js';
import { tlsFetch } from '../../../lib/http/tls-fetch.js';
import { freePort } from '../../../runtime/ports.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';

const [ana] = DEMO_CUSTOMERS;
let stack: OfbStack;
let gw: TestGateway;
let browser: Browser;
let dir: string;
const apps: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'unused-ofb-recipient');
  gw = await startTestGateway(stack);
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-recipient-app-'));
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await browser?.close();
  await gw?.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * What the marketplace does for an application, then what its developer does: a generated
 * credential, the client registered with the app's redirect URI, the credentials file downloaded,
 * and the app started with it (its HTTPS certificate issued by the dev CA next to RECIPIENT_CA).
 */
async function provisionApp(standard: Standard, name: string) {
  const port = await freePort();
  // Not `localhost`: the AS (oidc-provider) refuses it for clients with the implicit grant (OFB's hybrid flow).
  const redirectUri = `https://127.0.0.1:${port}/callback`;
  const { credential, secrets } = await generateCredential(
    stack.as.pki.ca,
    `CN=${name},O=Recipient Example Ltda,C=BR`,
  );
  const ofb = standard === 'OFB';
  const mtls = tlsFetch({ ca: stack.as.pki.ca.cert, cert: secrets.certificate, key: secrets.certificateKey });
  const registered = await oidc.dynamicClientRegistration(
    new URL(stack.as.issuer),
    {
      client_name: name,
      redirect_uris: [redirectUri],
      grant_types: ofb
        ? ['client_credentials', 'authorization_code', 'implicit', 'refresh_token']
        : ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ofb ? ['code id_token'] : ['code'],
      scope: ofb
        ? 'openid consents resources accounts'
        : 'openid fdx:accountdetailed:read fdx:transactions:read fdx:statements:read',
      tls_client_certificate_bound_access_tokens: true,
      request_object_signing_alg: 'PS256',
      jwks: { keys: [JSON.parse(credential.jwk!) as oidc.JsonObject] },
      ...(ofb
        ? {
            token_endpoint_auth_method: 'private_key_jwt',
            token_endpoint_auth_signing_alg: 'PS256',
            id_token_signed_response_alg: 'PS256',
          }
        : {
            token_endpoint_auth_method: 'tls_client_auth',
            tls_client_auth_subject_dn: credential.subjectDn,
            authorization_signed_response_alg: 'PS256',
            authorization_details_types: ['fdx_v1.0'],
          }),
    },
    ofb
      ? oidc.PrivateKeyJwt({ key: await importPKCS8(secrets.signingKey, 'PS256'), kid: secrets.kid })
      : oidc.TlsClientAuth(),
    { initialAccessToken: stack.as.registrationToken, [oidc.customFetch]: mtls },
  );
  const clientId = registered.clientMetadata().client_id;
  const file = path.join(dir, `credentials-${clientId}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      client_id: clientId,
      kid: secrets.kid,
      signing_key: secrets.signingKey,
      certificate: secrets.certificate,
      certificate_key: secrets.certificateKey,
    }),
    { mode: 0o600 },
  );
  const cfg = await loadConfig({
    RECIPIENT_CREDENTIALS: file,
    RECIPIENT_STANDARD: standard,
    AUTH_ISSUER: stack.as.issuer,
    GATEWAY_URL: gw.url,
    RECIPIENT_CA: path.join(stack.as.pki.dir, 'ca.crt'),
    RECIPIENT_PORT: String(port),
  });
  expect(cfg.redirectUri).toBe(redirectUri);
  const logs: string[] = [];
  const app = await startRecipientApp(cfg, { log: (line) => logs.push(line) });
  apps.push(app);
  return { url: app.url, clientId, logs, secrets };
}

/** The customer at the bank: login, one-time code, and the consent page (Share or not). */
async function atTheBank(page: Page, name: string, opts: { onlyChecking?: boolean; share?: boolean } = {}) {
  await withScreenshot(page, `${name}-bank-login`, async () => {
    await page.getByRole('heading', { name: 'Log in to your bank' }).waitFor();
    await page.getByLabel('CPF').fill('529.982.247-25');
    await page.getByLabel('Password').fill(ana!.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/code$/);
    const note = await stack.db.models.Notification.findOne({ to: ana!.email, template: 'one-time-code' })
      .sort({ sentAt: -1 })
      .lean();
    await page.getByLabel('One-time code').fill(/is (\d{6})/.exec(note!.body)![1]!);
    await page.getByRole('button', { name: 'Log in' }).click();
  });
  await withScreenshot(page, `${name}-bank-consent`, async () => {
    await page.getByRole('heading', { name: `Share your data with ${name}?` }).waitFor();
    if (opts.share !== false) {
      // OFB ticks no account for the customer (its experience guide); FDX ticks them all.
      await page.getByLabel('Checking 0001 / ****-1234').check();
      await page.getByLabel('Savings 0001 / ****-5678').setChecked(!opts.onlyChecking);
    }
    await page
      .getByRole('button', { name: opts.share === false ? 'Do not share' : 'Share', exact: true })
      .click();
  });
}

/** The rows of the table named `caption`, each as its cells' text. */
async function rows(page: Page, caption: string) {
  const body = page.getByRole('table', { name: caption }).locator('tbody tr');
  return Promise.all((await body.all()).map((r) => r.locator('td').allInnerTexts()));
}

/** The opaque access tokens the AS issued to a client (their ids are the tokens). */
async function tokensOf(clientId: string) {
  const records = await stack.db.models.OidcRecord.find({
    model: { $in: ['AccessToken', 'ClientCredentials'] },
  }).lean();
  return records.filter((r) => r.payload.includes(clientId)).map((r) => r._id.slice(r._id.indexOf(':') + 1));
}

async function newPage() {
  // The dev CA is not in Chromium's store: the bank's and the app's certificates are its.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  return { context, page: await context.newPage() };
}

describe('recipient example app, OFB', () => {
  it('lodges a consent, takes the customer through the bank, shows resources, accounts and transactions, and revokes', async () => {
    const name = 'Exemplo Recipient OFB';
    const app = await provisionApp('OFB', name);
    const { context, page } = await newPage();

    await withScreenshot(page, 'recipient-ofb-home', async () => {
      await page.goto(app.url);
      await page.getByRole('heading', { name: 'Connect your bank account' }).waitFor();
      await expect(page.getByText(app.clientId).isVisible()).resolves.toBe(true);
      await page.getByLabel('Your CPF').fill(ana!.cpf);
      await page.getByRole('button', { name: 'Connect with Open Finance Brasil' }).click();
    });
    await atTheBank(page, name, { onlyChecking: true });

    const consentId = await withScreenshot(page, 'recipient-ofb-data', async () => {
      await page.getByRole('heading', { name: 'Your data at the bank' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/data');
      const id = await page.locator('#consent-id').innerText();
      expect(id).toMatch(/^urn:bank:/);
      expect(await rows(page, 'Resources')).toEqual([['acc-ana-checking', 'ACCOUNT', 'AVAILABLE']]);
      const accounts = await rows(page, 'Accounts');
      expect(accounts).toHaveLength(1);
      expect(accounts[0]![0]).toBe('acc-ana-checking');
      const transactions = await rows(page, 'Transactions of the first account');
      expect(transactions.length).toBeGreaterThan(0);
      expect(transactions[0]![0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(transactions[0]![2]).toMatch(/^-?\d+\.\d{2} BRL$/);
      // Three gateway calls, each with its own interaction id.
      const calls = await rows(page, "Calls to the bank's gateway");
      expect(calls.map((c) => `${c[0]!.split('?')[0]} ${c[1]}`)).toEqual([
        'GET /open-banking/resources/v3/resources 200',
        'GET /open-banking/accounts/v2/accounts 200',
        'GET /open-banking/accounts/v2/accounts/acc-ana-checking/transactions 200',
      ]);
      expect(new Set(calls.map((c) => c[2])).size).toBe(3);
      return id;
    });
    expect(await stack.db.models.Consent.findById(consentId).lean()).toMatchObject({
      status: 'AUTHORISED',
      clientId: app.clientId,
      accountIds: ['acc-ana-checking'],
    });

    // The tokens the app holds never reach a page.
    const dataPage = await page.content();
    const issued = await tokensOf(app.clientId);
    expect(issued.length).toBeGreaterThanOrEqual(2); // client credentials and the consent's token
    for (const token of issued) expect(dataPage).not.toContain(token);

    await withScreenshot(page, 'recipient-ofb-revoke', async () => {
      await page.getByRole('button', { name: 'Revoke consent' }).click();
      await page.getByRole('heading', { name: 'Consent revoked' }).waitFor();
      await expect(page.locator('#revocation-status').innerText()).resolves.toBe('204');
      await expect(page.locator('#after-status').innerText()).resolves.toBe('401');
      await expect(page.getByText('the bank no longer accepts the token').isVisible()).resolves.toBe(true);
    });
    expect(await stack.db.models.Consent.findById(consentId).lean()).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER' },
    });
    // The grant is gone from the app's session: its data page sends the person back home.
    await page.goto(`${app.url}/data`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(app.logs).toEqual([]);
    await context.close();
  });

  it('says so when the customer does not share, and refuses forms without the session’s token', async () => {
    const name = 'Exemplo Recipient Declined';
    const app = await provisionApp('OFB', name);
    const { context, page } = await newPage();
    await page.goto(app.url);
    await page.getByLabel('Your CPF').fill('12345');
    await page.getByRole('button', { name: 'Connect with Open Finance Brasil' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Enter the 11 digits of your CPF.');

    await page.goto(app.url);
    await page.getByLabel('Your CPF').fill(ana!.cpf);
    await page.getByRole('button', { name: 'Connect with Open Finance Brasil' }).click();
    await atTheBank(page, name, { share: false });
    await withScreenshot(page, 'recipient-ofb-declined', async () => {
      await page.getByRole('heading', { name: 'The bank did not authorise the access' }).waitFor();
      await expect(page.getByRole('alert').innerText()).resolves.toMatch(/^access_denied/);
    });
    // An OFB app does not start the FDX journey, even with a valid form.
    await page.goto(app.url);
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const fdxHere = await page.request.post(`${app.url}/fdx/start`, { form: { csrf }, maxRedirects: 0 });
    expect(fdxHere.status()).toBe(409);
    expect(await fdxHere.text()).toContain('set RECIPIENT_STANDARD=FDX');
    await context.close();

    // Without the session (another browser, or a forged form): no journey starts, no answer is taken.
    const fetcher = tlsFetch({ ca: stack.as.pki.ca.cert });
    const forged = await fetcher(`${app.url}/ofb/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `cpf=${ana!.cpf}`,
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    const stray = await fetcher(`${app.url}/callback?error=access_denied`, { redirect: 'manual' });
    expect(stray.status).toBe(400);
    expect(app.logs).toEqual([]);
  });
});

describe('recipient example app, FDX', () => {
  it('asks with RAR fdx_v1.0, takes a JARM answer, shows accounts, transactions and statements, and revokes', async () => {
    const name = 'Exemplo Recipient FDX';
    const app = await provisionApp('FDX', name);
    const { context, page } = await newPage();

    await withScreenshot(page, 'recipient-fdx-home', async () => {
      await page.goto(app.url);
      await expect(page.getByText('RECIPIENT_STANDARD=OFB').isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Connect with FDX' }).click();
    });
    await atTheBank(page, name);

    const consentId = await withScreenshot(page, 'recipient-fdx-data', async () => {
      await page.getByRole('heading', { name: 'Your data at the bank' }).waitFor();
      const id = await page.locator('#consent-id').innerText();
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      const accounts = await rows(page, 'Accounts');
      expect(accounts.map((a) => a[0])).toContain('acc-ana-checking');
      expect(accounts[0]![2]).toMatch(/^\.\.\.\d{4}$/);
      const transactions = await rows(page, 'Transactions of the first account');
      expect(transactions.length).toBeGreaterThan(0);
      expect(transactions[0]![2]).toMatch(/^-?\d+\.\d{2}$/);
      const statements = await rows(page, 'Statements of the first account');
      expect(statements.length).toBeGreaterThan(0);
      expect(statements[0]![2]).toMatch(/^Statement \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/);
      const calls = await rows(page, "Calls to the bank's gateway");
      expect(calls.map((c) => `${c[0]!.split('?')[0]} ${c[1]}`)).toEqual([
        'GET /fdx/v6/accounts 200',
        `GET /fdx/v6/accounts/${accounts[0]![0]}/transactions 200`,
        `GET /fdx/v6/accounts/${accounts[0]![0]}/statements 200`,
      ]);
      return id;
    });
    expect(await stack.db.models.Consent.findById(consentId).lean()).toMatchObject({
      standard: 'FDX',
      status: 'AUTHORISED',
      clientId: app.clientId,
      permissions: ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS'],
    });

    const dataPage = await page.content();
    const issued = await tokensOf(app.clientId);
    expect(issued.length).toBeGreaterThanOrEqual(1);
    for (const token of issued) expect(dataPage).not.toContain(token);

    await withScreenshot(page, 'recipient-fdx-revoke', async () => {
      await page.getByRole('button', { name: 'Revoke consent' }).click();
      await page.getByRole('heading', { name: 'Consent revoked' }).waitFor();
      await expect(
        page.getByText(`PUT /fdx/v6/consents/${consentId}/revocation`).first().isVisible(),
      ).resolves.toBe(true);
      await expect(page.locator('#revocation-status').innerText()).resolves.toBe('204');
      await expect(page.locator('#after-status').innerText()).resolves.toBe('401');
    });
    // REVOKED in FDX terms, by the customer (initiator INDIVIDUAL) through the app.
    expect(await stack.db.models.Consent.findById(consentId).lean()).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' },
    });
    expect(app.logs).toEqual([]);
    await context.close();
  });
});

describe('recipient example app configuration', () => {
  it('names what is missing or wrong', async () => {
    await expect(loadConfig({})).rejects.toThrow(/set RECIPIENT_CREDENTIALS/);
    const partial = path.join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ client_id: 'x', kid: 'k' }));
    await expect(loadConfig({ RECIPIENT_CREDENTIALS: partial })).rejects.toThrow(
      'RECIPIENT_CREDENTIALS lacks signing_key, certificate, certificate_key',
    );
    const full = path.join(dir, 'full.json');
    writeFileSync(
      full,
      JSON.stringify({ client_id: 'x', kid: 'k', signing_key: 's', certificate: 'c', certificate_key: 'k' }),
    );
    const ca = path.join(stack.as.pki.dir, 'ca.crt');
    await expect(
      loadConfig({
        RECIPIENT_CREDENTIALS: full,
        RECIPIENT_CA: ca,
        RECIPIENT_REDIRECT_URI: 'http://localhost/cb',
      }),
    ).rejects.toThrow('RECIPIENT_REDIRECT_URI must be https');
    await expect(
      loadConfig({ RECIPIENT_CREDENTIALS: full, RECIPIENT_STANDARD: 'CDR' }),
    ).rejects.toBeInstanceOf(ConfigError);
    // Without a certificate of its own and away from the dev CA's key, it says what to set.
    const lonelyCa = path.join(dir, 'ca.crt');
    writeFileSync(lonelyCa, stack.as.pki.ca.cert);
    await expect(loadConfig({ RECIPIENT_CREDENTIALS: full, RECIPIENT_CA: lonelyCa })).rejects.toThrow(
      /set RECIPIENT_TLS_CERT and RECIPIENT_TLS_KEY/,
    );
  });
});
