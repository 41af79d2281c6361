// The developer marketplace's Postman collection run by newman against a real authorization
// server (HTTPS, mTLS, dynamic client registration, FerretDB), and the API product catalog's
// pages, OpenAPI documents and explorer served in-process over HTTP, the explorer checked in a
// real headless Chromium under the marketplace's CSP.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { findProduct, PRODUCTS, type SupportContact } from '../../../lib/products.js';
import { catalogRouter } from '../../../api/marketplace/catalog/routes.js';
import { DEFAULT_FDX_SPECS_DIR } from '../../../api/marketplace/catalog/specs.js';
import {
  CLIENT_CREDENTIALS_FOLDER,
  DISCOVERY_FOLDER,
  postmanCollection,
  postmanEnvironment,
  type PostmanInput,
} from '../../../api/marketplace/postman/collection.js';
import { issueCertificate, type Pem } from '../../../lib/pki/dev-pki.js';
import { problemErrorHandler, sendProblem } from '../../../lib/http/problem.js';
import { closeServer, createComponentApp } from '../../../lib/http/server.js';
import { launchBrowser } from '../../helpers/browser.js';
import { newmanFailures, runNewman } from '../../helpers/newman.js';
import { projectRoot, uniqueNames } from '../../helpers/env.js';
import { startTestAuthServer, type TestAuthServer } from '../../helpers/auth-server.js';
import { quietLogger, testDatabase } from '../../helpers/platform.js';
import { ps256KeyPair, tlsFetch } from '../../helpers/tls-client.js';

const names = uniqueNames(import.meta.url);
const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-postman-'));
const GATEWAY = 'https://api.bank.example';
const SUPPORT: SupportContact = {
  name: 'Open banking developer support',
  email: 'developers@bank.example',
  phone: '+55 11 4000-0000',
  hours: 'Monday to Friday, 09:00–18:00 BRT',
  website: 'https://developers.bank.example',
};
/** Read where production reads them by default: next to the project, never inside it. */
const FDX_SPECS = path.resolve(projectRoot, '../shared/specs/fdx');

let db: Awaited<ReturnType<typeof testDatabase>>;
let as: TestAuthServer;
let recipient: Pem;
const recipientSubject = `CN=postman-recipient-${names.prefix},O=Postman Exemplo Ltda,C=BR`;
const files = { cert: '', key: '', ca: '' };

function thumbprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
}

async function register(metadata: Record<string, unknown>) {
  const res = await tlsFetch({ ca: as.pki.ca.cert, cert: recipient.cert, key: recipient.key })(
    `${as.issuer}/reg`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${as.registrationToken}` },
      body: JSON.stringify(metadata),
    },
  );
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`registration refused: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** newman with this test's recipient certificate and the development CA. */
const newmanRun = (options: Parameters<typeof runNewman>[1]) => runNewman({ ...files, dir }, options);
const failuresOf = newmanFailures;

async function introspect(clientId: string, token: string) {
  const res = await tlsFetch({ ca: as.pki.ca.cert, cert: recipient.cert, key: recipient.key })(
    `${as.issuer}/token/introspection`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: clientId }),
    },
  );
  return (await res.json()) as Record<string, unknown>;
}

const appInput = (over: Partial<PostmanInput>): PostmanInput => ({
  appName: 'Postman test app',
  standard: 'OFB',
  clientId: '',
  tokenEndpointAuthMethod: 'tls_client_auth',
  scopes: ['consents'],
  authIssuer: as.issuer,
  gatewayUrl: GATEWAY,
  products: PRODUCTS.filter((p) => p.standard === 'OFB'),
  ...over,
});

beforeAll(async () => {
  db = await testDatabase(names.database);
  as = await startTestAuthServer(db, dir);
  recipient = await issueCertificate(as.pki.ca, { subject: recipientSubject, usage: 'client' });
  const pems = path.join(dir, 'pems');
  mkdirSync(pems, { mode: 0o700 });
  files.cert = path.join(pems, 'client.crt');
  files.key = path.join(pems, 'client.key');
  files.ca = path.join(pems, 'ca.crt');
  writeFileSync(files.cert, recipient.cert);
  writeFileSync(files.key, recipient.key, { mode: 0o600 });
  writeFileSync(files.ca, as.pki.ca.cert);
});

afterAll(async () => {
  await as?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Postman collection, run by newman against the authorization server', () => {
  it('discovers the issuer and gets a certificate-bound token for a tls_client_auth app', async () => {
    const client = await register({
      client_name: 'Postman tls_client_auth app',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: recipientSubject,
      tls_client_certificate_bound_access_tokens: true,
      scope: 'consents resources',
    });
    const clientId = client.client_id as string;
    const input = appInput({ clientId, tokenEndpointAuthMethod: 'tls_client_auth', scopes: ['consents'] });
    const collection = postmanCollection(input);
    const environment = postmanEnvironment(input);
    // What the developer downloads is JSON: run that, not the objects.
    const summary = await newmanRun({
      collection: JSON.parse(JSON.stringify(collection)),
      environment: JSON.parse(JSON.stringify(environment)),
      folder: [DISCOVERY_FOLDER, CLIENT_CREDENTIALS_FOLDER],
    });

    expect(failuresOf(summary)).toEqual([]);
    expect(summary.run.executions.map((e) => [e.item.name, e.response?.code])).toEqual([
      ['OpenID configuration', 200],
      ['Client-credentials token', 200],
    ]);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(5);
    expect(summary.run.stats.assertions.failed).toBe(0);

    // The token request went to the endpoint the Discovery request saved.
    expect(summary.run.executions[1]!.request.url.toString()).toBe(`${as.issuer}/token`);
    const env = summary.environment.values.toObject();
    expect(env.token_endpoint).toBe(`${as.issuer}/token`);
    expect(env.access_token).toEqual(expect.any(String));
    expect(env.access_token!.length).toBeGreaterThan(20);

    // A real token of this client, for the scope asked, bound to the certificate newman presented.
    const info = await introspect(clientId, env.access_token!);
    expect(info).toMatchObject({
      active: true,
      client_id: clientId,
      scope: 'consents',
      token_type: 'Bearer',
    });
    expect(info.cnf).toEqual({ 'x5t#S256': thumbprint(recipient.cert) });
  });

  it('gets a token for a private_key_jwt app once the client assertion is filled in', async () => {
    const { publicJwk, privateKey } = await ps256KeyPair(`postman-${names.prefix}`);
    const client = await register({
      client_name: 'Postman private_key_jwt app',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      jwks: { keys: [publicJwk] },
      tls_client_certificate_bound_access_tokens: true,
    });
    const clientId = client.client_id as string;
    const input = appInput({ clientId, tokenEndpointAuthMethod: 'private_key_jwt', scopes: ['consents'] });
    const environment = postmanEnvironment(input);
    // What the item's description tells the developer to do with their own tooling.
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'PS256', kid: privateKey.kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(as.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .sign(privateKey.key);
    for (const v of environment.values) if (v.key === 'client_assertion') v.value = assertion;

    const summary = await newmanRun({
      collection: JSON.parse(JSON.stringify(postmanCollection(input))),
      environment,
      folder: [DISCOVERY_FOLDER, CLIENT_CREDENTIALS_FOLDER],
    });
    expect(failuresOf(summary)).toEqual([]);
    const token = summary.environment.values.toObject().access_token!;
    // Introspection would need another assertion: look the token up in the provider instead.
    const stored = await as.provider.ClientCredentials.find(token);
    expect(stored).toMatchObject({ clientId, scope: 'consents' });
    expect(stored?.['x5t#S256']).toBe(thumbprint(recipient.cert));
  });

  it('fails the Client credentials assertions when the certificate is not the registered one', async () => {
    const client = await register({
      client_name: 'Postman app with another certificate',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=stranger,O=Other',
    });
    const input = appInput({ clientId: client.client_id as string });
    // newman presents the recipient's certificate, whose subject is not the registered one.
    const summary = await newmanRun({
      collection: postmanCollection(input),
      environment: postmanEnvironment(input),
      folder: [DISCOVERY_FOLDER, CLIENT_CREDENTIALS_FOLDER],
    });
    expect(summary.run.executions.map((e) => e.response?.code)).toEqual([200, 401]);
    expect(failuresOf(summary).some((f) => f.includes('token endpoint answers 200'))).toBe(true);
    expect(summary.environment.values.toObject().access_token).toBeUndefined();
  });
});

describe('the API product catalog over HTTP', () => {
  const servers: Server[] = [];
  let withFdx: string;
  let withoutFdx: string;

  const start = async (fdxSpecsDir: string | undefined) => {
    // The component app's helmet CSP, as the marketplace has it.
    const app = createComponentApp({ logger: quietLogger, readiness: [] });
    app.use(
      catalogRouter({ fdxSpecsDir, support: SUPPORT, gatewayUrl: `${GATEWAY}/`, authIssuer: as.issuer }),
    );
    app.use((_req, res) => sendProblem(res, 404, 'Not found'));
    app.use(problemErrorHandler);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const get = async (url: string) => {
    const res = await fetch(url);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      headers: res.headers,
      text: await res.text(),
    };
  };
  const flat = (s: string) => s.replace(/\s+/g, ' ');

  beforeAll(async () => {
    withFdx = await start(FDX_SPECS);
    withoutFdx = await start(path.join(dir, 'no-such-fdx-dir'));
  });

  afterAll(async () => {
    for (const s of servers) await closeServer(s);
  });

  it('reads FDX specs from outside the project by default', () => {
    expect(path.relative(projectRoot, DEFAULT_FDX_SPECS_DIR).startsWith('..')).toBe(true);
    expect(DEFAULT_FDX_SPECS_DIR).toBe(FDX_SPECS);
  });

  it('lists the products by standard with approval, plans, scopes and the support contact', async () => {
    const res = await get(`${withFdx}/products`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/html/);
    const page = flat(res.text);
    expect(page).toMatch(/^<!doctype html><html lang="en">/);
    expect(page).toContain('<main id="main" tabindex="-1">');
    expect(page).toContain('<h1>API products</h1>');
    expect(page).toMatch(/<h2 id="standard-ofb">Open Finance Brasil<\/h2>/);
    expect(page).toMatch(/<h2 id="standard-fdx">Financial Data Exchange \(FDX\)<\/h2>/);
    expect(page.indexOf('standard-ofb')).toBeLessThan(page.indexOf('standard-fdx'));
    expect(page).toContain('<th scope="col">Approval</th>');
    for (const p of PRODUCTS) {
      expect(page).toContain(`<a href="/products/${p.id}">${p.name}</a>`);
      for (const s of p.scopes) expect(page).toContain(`<li>${s}</li>`);
    }
    expect(page).toContain('Manual: the bank reviews each subscription request');
    expect(page).toContain('Automatic: a subscription is active at once');
    expect(page).toContain('Sandbox (60 calls/min), Production (1200 calls/min)');
    // F06: the support contact.
    expect(page).toContain('<h2 id="support-heading">Support</h2>');
    expect(page).toContain(SUPPORT.name);
    expect(page).toContain(`<a href="mailto:${SUPPORT.email}">${SUPPORT.email}</a>`);
    expect(page).toContain(`<a href="tel:+551140000000">${SUPPORT.phone}</a>`);
    expect(page).toContain(SUPPORT.hours);
    expect(page).toContain(`<a href="${SUPPORT.website}">${SUPPORT.website}</a>`);
  });

  it('shows a product with its gateway base URL, scopes, plans, docs links and operations', async () => {
    const res = await get(`${withFdx}/products/ofb-accounts`);
    expect(res.status).toBe(200);
    const page = flat(res.text);
    expect(page).toContain('<h1>OFB Accounts</h1>');
    expect(page).toContain(`<code>${GATEWAY}/open-banking/accounts/v2</code>`);
    expect(page).toContain('<code>accounts</code>');
    expect(page).toContain('<th scope="row">Sandbox</th> <td>60</td>');
    expect(page).toContain('<a href="/products/ofb-accounts/explorer">API explorer</a>');
    expect(page).toContain('<a href="/products/ofb-accounts/openapi.json">OpenAPI document (JSON)</a>');
    expect(page).toContain(`${as.issuer}/.well-known/openid-configuration`);
    // Operations from the OpenAPI, rendered on the server.
    expect(page).toMatch(
      /<td><code>GET<\/code><\/td> <th scope="row"><code>\/accounts\/\{accountId\}\/balances<\/code><\/th>/,
    );
    expect(page).toContain('Obtém os saldos da conta identificada por accountId.');
    expect(page).toContain(SUPPORT.email);
    expect(page).not.toContain('<script');
  });

  it('serves the OpenAPI document with the gateway as server and the platform as authorization server', async () => {
    const res = await get(`${withFdx}/products/ofb-consents/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    const doc = JSON.parse(res.text) as {
      openapi: string;
      servers: unknown;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, { flows: Record<string, Record<string, string>> }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.servers).toEqual([{ url: `${GATEWAY}/open-banking/consents/v3`, description: 'API gateway' }]);
    expect(Object.keys(doc.paths)).toContain('/consents');
    expect(doc.components.securitySchemes.OAuth2Security!.flows.clientCredentials!.tokenUrl).toBe(
      `${as.issuer}/token`,
    );
  });

  it('bundles FDX multi-file specs into one document with only local references', async () => {
    const res = await get(`${withFdx}/products/fdx-core/openapi.json`);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text) as { servers: unknown; paths: Record<string, unknown> };
    expect(doc.servers).toEqual([{ url: `${GATEWAY}/fdx/v6`, description: 'API gateway' }]);
    expect(Object.keys(doc.paths)).toContain('/accounts/{accountId}/transactions');
    const refs = [...res.text.matchAll(/"\$ref":"([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of new Set(refs)) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect([ref, target === undefined]).toEqual([ref, false]);
    }
    const page = flat((await get(`${withFdx}/products/fdx-core`)).text);
    expect(page).toContain('<code>/accounts/{accountId}/transactions</code>');
    expect(page).toContain('<code>fdx:transactions:read</code>');
  });

  it('serves the explorer page with Swagger UI from the marketplace itself, no inline script', async () => {
    const res = await get(`${withFdx}/products/ofb-accounts/explorer`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    const page = flat(res.text);
    expect(page).toContain('<h1>OFB Accounts API explorer</h1>');
    expect(page).toContain('data-spec-url="/products/ofb-accounts/openapi.json"');
    // Every script is external and local; none inline.
    const scripts = [...page.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attrs, body] of scripts) {
      expect(body!.trim()).toBe('');
      expect(attrs).toMatch(/src="\/assets\//);
    }
    const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(
      expect.arrayContaining([
        '/assets/swagger-ui/swagger-ui.css',
        '/assets/swagger-ui/swagger-ui-bundle.js',
        '/assets/catalog/explorer.js',
      ]),
    );
    for (const asset of assets) {
      const a = await get(`${withFdx}${asset}`);
      expect([asset, a.status]).toEqual([asset, 200]);
      expect(a.type).toMatch(asset.endsWith('.css') ? /^text\/css/ : /javascript/);
      expect(a.text.length).toBeGreaterThan(100);
    }
    expect((await get(`${withFdx}/assets/swagger-ui/package.json`)).status).toBe(404);
    expect((await get(`${withFdx}/assets/swagger-ui/..%2Fswagger-ui-dist%2Fpackage.json`)).status).toBe(404);
    expect((await get(`${withFdx}/assets/catalog/..%2Froutes.ts`)).status).toBe(404);
  });

  it('renders the explorer in a browser under the CSP, operations and all', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // The browser's own favicon.ico request is the marketplace's 404, not the explorer's.
        if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
          problems.push(`${m.text()} ${m.location().url}`);
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${withFdx}/products/fdx-core/explorer`);
      await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
      const summaries = await page.locator('.opblock-summary-path').allTextContents();
      expect(summaries.map((s) => s.replace(/\u200b/g, ''))).toContain('/accounts/{accountId}/transactions');
      expect(await page.locator('#swagger-ui').getAttribute('aria-busy')).toBe('false');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('says clearly when the FDX specification is not installed', async () => {
    const product = findProduct('fdx-core')!;
    const res = await get(`${withoutFdx}/products/fdx-core`);
    expect(res.status).toBe(200);
    const page = flat(res.text);
    expect(page).toContain('<h1>FDX Core</h1>');
    expect(page).toContain('Specification not installed');
    expect(page).toContain(`<code>${GATEWAY}${product.basePath}</code>`);
    expect(page).not.toContain('/products/fdx-core/explorer');
    const explorer = await get(`${withoutFdx}/products/fdx-core/explorer`);
    expect(explorer.status).toBe(200);
    expect(flat(explorer.text)).toContain('Specification not installed');
    expect(explorer.text).not.toContain('<script');
    const doc = await get(`${withoutFdx}/products/fdx-core/openapi.json`);
    expect(doc.status).toBe(404);
    expect(doc.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(doc.text)).toMatchObject({ status: 404, title: 'Specification not installed' });
    const json = JSON.parse((await get(`${withoutFdx}/api/products/fdx-core`)).text) as Record<
      string,
      unknown
    >;
    expect(json.specification).toEqual({ installed: false });
    // OFB specs are vendored: there regardless.
    expect((await get(`${withoutFdx}/products/ofb-accounts/openapi.json`)).status).toBe(200);
  });

  it('answers unknown products with a 404 page and a 404 problem', async () => {
    const page = await get(`${withFdx}/products/no-such-product`);
    expect(page.status).toBe(404);
    expect(page.type).toMatch(/^text\/html/);
    expect(flat(page.text)).toContain('<h1>Product not found</h1>');
    for (const url of ['/products/no-such-product/openapi.json', '/api/products/no-such-product']) {
      const res = await get(`${withFdx}${url}`);
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.text)).toMatchObject({ status: 404, title: 'Product not found' });
    }
    const explorer = await get(`${withFdx}/products/%3Cscript%3E/explorer`);
    expect(explorer.status).toBe(404);
    expect(explorer.text).toContain('&lt;script&gt;');
  });

  it('serves the catalog as JSON', async () => {
    const list = JSON.parse((await get(`${withFdx}/api/products`)).text) as {
      products: { id: string; baseUrl: string; links: Record<string, string> }[];
      support: SupportContact;
    };
    expect(list.products.map((p) => p.id)).toEqual(PRODUCTS.map((p) => p.id));
    expect(list.support).toEqual(SUPPORT);
    expect(list.products.find((p) => p.id === 'fdx-core')).toMatchObject({
      baseUrl: `${GATEWAY}/fdx/v6`,
      links: {
        self: '/api/products/fdx-core',
        page: '/products/fdx-core',
        openapi: '/products/fdx-core/openapi.json',
        explorer: '/products/fdx-core/explorer',
      },
    });
    const one = JSON.parse((await get(`${withFdx}/api/products/ofb-resources`)).text) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({
      id: 'ofb-resources',
      scopes: ['resources'],
      approval: 'automatic',
      baseUrl: `${GATEWAY}/open-banking/resources/v3`,
      specification: {
        installed: true,
        version: '3.1.0',
        operations: [{ method: 'GET', path: '/resources', summary: expect.any(String) }],
      },
      support: SUPPORT,
    });
  });
});
