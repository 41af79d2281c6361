// The customer's pages at the bank in Chromium, in the customer's language: the Open Finance
// Brasil journey in pt-BR with the consent page's regulated content (the customer-experience
// guide) asserted element by element, and the FDX journey in English with FDX's wording.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { ONE_TIME_CODE } from '../../../auth/idp/authenticate.js';
import { issueCertificate } from '../../../lib/pki/dev-pki.js';
import { DEFAULT_BRANDING } from '../../../lib/config.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import {
  pushAuthorization,
  pushFdxAuthorization,
  REDIRECT,
  registerFdxRecipient,
  startOfbStack,
  type OfbStack,
  type Recipient,
} from '../../helpers/ofb-journey.js';
import { ps256KeyPair, tlsFetch } from '../../helpers/tls-client.js';
import { latestOneTimeCode } from '../../helpers/mailbox.js';

const [ana] = DEMO_CUSTOMERS;
const BANK = DEFAULT_BRANDING.name;
const LOGO = 'https://recipient.example/logo.svg';
const APP = 'Exemplo Pay';
const LEGAL_NAME = 'Exemplo Pagamentos Ltda';
const CNPJ = '11222333000181';

let stack: OfbStack;
let browser: Browser;
let marketplaceClient: Recipient;

/** A marketplace application (mkt-<id>) of an approved organization, registered as the Discovery Agent does. */
async function marketplaceRecipient(): Promise<Recipient> {
  const { as, db } = stack;
  const organizationId = randomUUID();
  const applicationId = randomUUID();
  await db.models.Organization.create({
    _id: organizationId,
    legalName: LEGAL_NAME,
    taxId: CNPJ,
    taxIdType: 'CNPJ',
    website: 'https://exemplo.example',
    logoUri: LOGO,
    contacts: [{ name: 'Ana Dev', email: 'ana@exemplo.example', role: 'business' }],
    standards: ['OFB'],
    status: 'APPROVED',
    workflowId: `onboarding-${organizationId}`,
    submittedAt: new Date(),
  });
  await db.models.Application.create({
    _id: applicationId,
    organizationId,
    name: APP,
    standard: 'OFB',
    redirectUris: [REDIRECT],
    tokenEndpointAuthMethod: 'private_key_jwt',
    createdBy: 'developer:ana@exemplo.example',
    workflowId: `provisioning-${applicationId}`,
    client: { status: 'ACTIVE', clientId: `mkt-${applicationId}` },
  });
  const cert = await issueCertificate(as.pki.ca, { subject: `CN=${APP},O=Recipient`, usage: 'client' });
  const mtls = tlsFetch({ ca: as.pki.ca.cert, cert: cert.cert, key: cert.key });
  const { publicJwk, privateKey } = await ps256KeyPair(APP);
  const config = await oidc.dynamicClientRegistration(
    new URL(as.issuer),
    {
      client_id: `mkt-${applicationId}`,
      client_name: APP,
      redirect_uris: [REDIRECT],
      grant_types: ['client_credentials', 'authorization_code', 'implicit', 'refresh_token'],
      response_types: ['code id_token'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      request_object_signing_alg: 'PS256',
      id_token_signed_response_alg: 'PS256',
      jwks: { keys: [publicJwk] },
    },
    oidc.PrivateKeyJwt(privateKey),
    { initialAccessToken: as.discoveryAgentToken, [oidc.customFetch]: mtls },
  );
  config[oidc.customFetch] = mtls;
  oidc.useCodeIdTokenResponseType(config);
  return { config, key: privateKey, cert };
}

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'unused-recipient');
  marketplaceClient = await marketplaceRecipient();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A customer's browser in `locale`; the recipient's redirect URI and logo are answered locally. */
async function customerBrowser(locale: string) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale });
  await context.route(`${REDIRECT}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<p>back at the app</p>' }),
  );
  await context.route(LOGO, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'image/svg+xml',
      body: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    }),
  );
  return { context, page: await context.newPage() };
}

const latestCode = () => latestOneTimeCode(stack.db.models, ana!.email);

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

/** The styles that give a button its visual weight, and its size. */
async function weight(button: Locator) {
  const style = await button.evaluate((b) => {
    const g = globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> };
    const s = g.getComputedStyle(b);
    return [s.backgroundColor, s.color, s.borderTopWidth, s.borderTopColor, s.fontSize, s.fontWeight];
  });
  const box = (await button.boundingBox())!;
  return { style, width: Math.round(box.width), height: Math.round(box.height) };
}

/** The claims of a JARM response (the bank signed it; the test only reads it). */
const jarmClaims = (url: string) =>
  JSON.parse(
    Buffer.from(new URL(url).searchParams.get('response')!.split('.')[1]!, 'base64url').toString(),
  ) as Record<string, unknown>;

describe('the OFB journey in pt-BR', () => {
  it('shows the guide’s consent page, element by element, and returns the customer to the recipient', async () => {
    const consent = await stack.lodge({
      clientId: marketplaceClient.config.clientMetadata().client_id,
      permissions: [
        'CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ',
        'CUSTOMERS_PERSONAL_ADITTIONALINFO_READ',
        'ACCOUNTS_READ',
        'ACCOUNTS_BALANCES_READ',
        'ACCOUNTS_TRANSACTIONS_READ',
        'CREDIT_CARDS_ACCOUNTS_READ',
        'CREDIT_CARDS_ACCOUNTS_BILLS_READ',
        'LOANS_READ',
        'LOANS_PAYMENTS_READ',
        'RESOURCES_READ',
      ],
      expirationDateTime: new Date('2027-06-30T00:00:00Z'),
    });
    const { url, checks } = await pushAuthorization(marketplaceClient, consent.consentId);
    const { context, page } = await customerBrowser('pt-BR');

    await withScreenshot(page, 'auth-ofb-login-pt-BR', async () => {
      await page.goto(url.href);
      await page.getByRole('heading', { name: 'Entre no seu banco' }).waitFor();
      expect(await htmlLang(page)).toBe('pt-BR');
      await expect(page.locator('.brand strong').innerText()).resolves.toBe(BANK);
      await expect(page.getByText(`${APP} solicita acesso aos seus dados.`).isVisible()).resolves.toBe(true);
      // The switch shows the same step in English, and back.
      const loginUrl = page.url();
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Log in to your bank' }).waitFor();
      expect(await htmlLang(page)).toBe('en');
      expect(page.url()).toBe(`${loginUrl}?lang=en`);
      await page.getByRole('link', { name: 'Português' }).click();
      await page.getByRole('heading', { name: 'Entre no seu banco' }).waitFor();
      expect(await htmlLang(page)).toBe('pt-BR');

      await page.getByLabel('CPF').fill('529.982.247-25');
      await page.getByLabel('Senha').fill(ana!.password);
      await page.getByRole('button', { name: 'Continuar' }).click();
      await page.waitForURL(/\/code$/);
    });

    await withScreenshot(page, 'auth-ofb-code-pt-BR', async () => {
      await page.getByRole('heading', { name: 'Confirme que é você' }).waitFor();
      await expect(page.getByRole('button', { name: 'Cancelar' }).isVisible()).resolves.toBe(true);
      // A new code at once is refused: the last was sent less than 30 s ago.
      await page.getByRole('button', { name: 'Enviar um novo código' }).click();
      await expect(page.getByRole('alert').innerText()).resolves.toMatch(
        /^Aguarde \d+ segundos? para pedir um novo código\.$/,
      );
      // Later, it is sent (a new notification), and the new code logs in.
      const sent = () =>
        stack.db.models.Notification.countDocuments({ to: ana!.email, template: 'one-time-code' });
      const before = await sent();
      const uid = new URL(page.url()).pathname.split('/')[2]!;
      await stack.db.models.LoginChallenge.updateOne(
        { _id: uid },
        { $set: { expiresAt: new Date(Date.now() + ONE_TIME_CODE.ttlMs - 31_000) } },
      );
      await page.getByRole('button', { name: 'Enviar um novo código' }).click();
      await expect(page.getByRole('status').innerText()).resolves.toBe(
        'Enviamos um novo código. Use o mais recente.',
      );
      expect(await sent()).toBe(before + 1);
      await page.getByLabel('Código de verificação').fill(await latestCode());
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByRole('heading', { name: `Compartilhar seus dados com ${APP}?` }).waitFor();
    });

    await withScreenshot(page, 'auth-ofb-consent-pt-BR', async () => {
      expect(await htmlLang(page)).toBe('pt-BR');
      // The bank: its logo and name, and as the transmitting institution.
      await expect(page.locator('.brand img').getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml/);
      await expect(page.locator('.brand strong').innerText()).resolves.toBe(BANK);
      await expect(page.locator('dt', { hasText: 'Instituição transmissora' }).isVisible()).resolves.toBe(
        true,
      );
      await expect(page.locator('#provider').innerText()).resolves.toBe(BANK);
      // The recipient: legal name, CNPJ and logo from its marketplace organization.
      await expect(page.locator('dt', { hasText: 'Instituição receptora' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('#recipient-name').innerText()).resolves.toBe(LEGAL_NAME);
      await expect(page.locator('#recipient-cnpj').innerText()).resolves.toBe('CNPJ 11.222.333/0001-81');
      const logo = page.getByRole('img', { name: `Logotipo de ${LEGAL_NAME}` });
      await expect(logo.getAttribute('src')).resolves.toBe(LOGO);
      await expect(
        logo.evaluate((img) => {
          const i = img as unknown as { complete: boolean; naturalWidth: number };
          return i.complete && i.naturalWidth > 0;
        }),
      ).resolves.toBe(true);

      // The data in the guide's groups, in its order, each closed until the customer opens it.
      await expect(
        page.getByRole('heading', { name: 'Dados que serão compartilhados' }).isVisible(),
      ).resolves.toBe(true);
      const groups = page.locator('details.group');
      await expect(groups.locator('summary').allInnerTexts()).resolves.toEqual([
        'Dados cadastrais',
        'Informações complementares',
        'Contas',
        'Cartão de crédito',
        'Operações de crédito',
      ]);
      await expect(page.locator('details.group[open]').count()).resolves.toBe(0);
      const items = (i: number) => groups.nth(i).locator('li').allTextContents();
      await expect(items(0)).resolves.toEqual([
        'Seus dados de identificação: nome, documentos, endereço e contatos',
      ]);
      await expect(items(1)).resolves.toEqual(['Seu relacionamento com o banco e informações financeiras']);
      await expect(items(2)).resolves.toEqual([
        'Dados da conta: tipo, agência e número',
        'Saldos',
        'Transações da conta',
      ]);
      await expect(items(3)).resolves.toEqual(['Dados do cartão de crédito', 'Faturas do cartão']);
      await expect(items(4)).resolves.toEqual(['Empréstimos: dados do contrato', 'Empréstimos: pagamentos']);
      await expect(page.getByText('Saldos', { exact: true }).isVisible()).resolves.toBe(false);
      await page.getByText('Contas', { exact: true }).click();
      await expect(page.getByText('Saldos', { exact: true }).isVisible()).resolves.toBe(true);

      // The purpose, and the deadline as dd/mm/aaaa.
      await expect(page.getByRole('heading', { name: 'Finalidade' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('#purpose').innerText()).resolves.toContain(APP);
      await expect(page.getByRole('heading', { name: 'Prazo' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('#deadline').innerText()).resolves.toBe(
        'Até 30/06/2027, a menos que você revogue antes.',
      );

      // No account or card ticked for the customer.
      const boxes = page.getByRole('group', { name: 'Contas a compartilhar' }).getByRole('checkbox');
      expect(await boxes.count()).toBeGreaterThan(1);
      for (const box of await boxes.all()) await expect(box.isChecked()).resolves.toBe(false);

      // Confirm and cancel with the same weight.
      const confirm = page.getByRole('button', { name: 'Confirmar', exact: true });
      const cancel = page.getByRole('button', { name: 'Cancelar', exact: true });
      expect(await weight(confirm)).toEqual(await weight(cancel));

      // The bank's customer service and legal links.
      await expect(
        page.getByRole('link', { name: DEFAULT_BRANDING.support.phone }).isVisible(),
      ).resolves.toBe(true);
      await expect(
        page.getByRole('link', { name: 'Política de privacidade' }).getAttribute('href'),
      ).resolves.toBe(DEFAULT_BRANDING.legal.privacyUrl);

      // Nothing chosen: the bank asks for an account, still in Portuguese.
      await confirm.click();
      await expect(page.getByRole('alert').innerText()).resolves.toBe(
        'Escolha pelo menos uma das suas contas para compartilhar.',
      );
      await page.getByLabel('Checking 0001 / ****-1234').check();
      await page.getByRole('button', { name: 'Confirmar', exact: true }).click();
    });

    await withScreenshot(page, 'auth-ofb-returning-pt-BR', async () => {
      await page.getByRole('heading', { name: `Você está sendo redirecionado para ${APP}` }).waitFor();
      await expect(page.getByRole('status').innerText()).resolves.toBe(
        'Você autorizou o compartilhamento dos seus dados.',
      );
      await expect(
        page.getByRole('link', { name: `Continuar para ${APP}` }).getAttribute('href'),
      ).resolves.toMatch(new RegExp(`^${REDIRECT}#`));
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    });

    const tokens = await oidc.authorizationCodeGrant(marketplaceClient.config, new URL(page.url()), checks);
    expect(tokens.grant_id).toBe(consent.consentId);
    expect(await stack.db.models.Consent.findById(consent.consentId).lean()).toMatchObject({
      status: 'AUTHORISED',
      accountIds: ['acc-ana-checking'],
    });
    await context.close();
  });

  it('lets the customer cancel at the one-time code: the recipient hears access_denied', async () => {
    const consent = await stack.lodge({ clientId: marketplaceClient.config.clientMetadata().client_id });
    const { url } = await pushAuthorization(marketplaceClient, consent.consentId);
    const { context, page } = await customerBrowser('pt-BR');
    await withScreenshot(page, 'auth-ofb-cancel-pt-BR', async () => {
      await page.goto(url.href);
      await page.getByLabel('CPF').fill(ana!.username);
      await page.getByLabel('Senha').fill(ana!.password);
      await page.getByRole('button', { name: 'Continuar' }).click();
      await page.waitForURL(/\/code$/);
      await page.getByRole('button', { name: 'Cancelar' }).click();
      await page.getByRole('heading', { name: `Você está sendo redirecionado para ${APP}` }).waitFor();
      await expect(page.getByRole('status').innerText()).resolves.toBe('Você cancelou o acesso.');
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    });
    const answer = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect(answer.get('error')).toBe('access_denied');
    await context.close();
  });
});

describe('the FDX journey in English', () => {
  it("keeps FDX's wording, and a customer who does not share is returned with access_denied", async () => {
    const fdx = await registerFdxRecipient(
      stack.as,
      'Exemplo Budget App',
      'CN=exemplo-budget,O=Exemplo Inc,C=US',
    );
    const consentRequest = {
      durationType: 'TIME_BOUND',
      durationPeriod: 90,
      lookbackPeriod: 30,
      resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_BASIC', 'TRANSACTIONS'] }],
    };
    const { url } = await pushFdxAuthorization(fdx, [{ type: 'fdx_v1.0', consentRequest }]);
    const { context, page } = await customerBrowser('en-US');

    await withScreenshot(page, 'auth-fdx-en', async () => {
      await page.goto(url.href);
      await page.getByRole('heading', { name: 'Log in to your bank' }).waitFor();
      expect(await htmlLang(page)).toBe('en');
      await expect(page.getByRole('link', { name: 'Português' }).isVisible()).resolves.toBe(true);
      await page.getByLabel('CPF').fill(ana!.username);
      await page.getByLabel('Password').fill(ana!.password);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/\/code$/);
      await expect(page.getByRole('button', { name: 'Send a new code' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: 'Cancel' }).isVisible()).resolves.toBe(true);
      await page.getByLabel('One-time code').fill(await latestCode());
      await page.getByRole('button', { name: 'Log in' }).click();

      await page.getByRole('heading', { name: 'Share your data with Exemplo Budget App?' }).waitFor();
      expect(await htmlLang(page)).toBe('en');
      await expect(page.locator('.brand strong').innerText()).resolves.toBe(BANK);
      // FDX's data clusters, as FDX words them, in one list (not OFB's groups).
      await expect(page.locator('details.group').count()).resolves.toBe(0);
      await expect(page.getByRole('heading', { name: 'What they will see' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('main ul li').allInnerTexts()).resolves.toEqual(
        expect.arrayContaining(['Your accounts: type, name and masked number', 'Your transactions']),
      );
      await expect(page.locator('#deadline').innerText()).resolves.toBe(
        'For 90 days from today, unless you revoke it earlier.',
      );
      const share = page.getByRole('button', { name: 'Share', exact: true });
      const decline = page.getByRole('button', { name: 'Do not share', exact: true });
      expect(await weight(share)).toEqual(await weight(decline));
      await decline.click();

      await page.getByRole('heading', { name: 'You are being returned to Exemplo Budget App' }).waitFor();
      await expect(page.getByRole('status').innerText()).resolves.toBe('You chose not to share your data.');
      await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    });
    expect(jarmClaims(page.url())).toMatchObject({ error: 'access_denied' });
    await context.close();
  });
});
