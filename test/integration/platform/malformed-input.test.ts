// Malformed requests a careless or hostile client sends: each gets a 4xx in the format of the
// standard its endpoint speaks (OFB errors[], FDX {code, message}, OAuth {error}, an HTML page for
// the bank's pages), never a 5xx, an empty answer or a page with the server's internals.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { OFB_CONSENTS, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  pushAuthorization,
  registerFdxRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';
import { INTERNALS, rawClient, type RawClient, type RawResponse } from '../../helpers/raw-https.js';

let stack: OfbStack;
let gw: TestGateway;
let fdx: FdxRecipient;
let gateway: RawClient;
let as: RawClient;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'malformed-input-recipient');
  gw = await startTestGateway(stack);
  fdx = await registerFdxRecipient(stack.as, 'FDX Malformed Recipient', 'CN=fdx-malformed,O=Recipient,C=US');
  gateway = rawClient(gw.url, stack.as.pki.ca.cert);
  as = rawClient(stack.as.issuer, stack.as.pki.ca.cert);
});

afterAll(async () => {
  gateway?.close();
  as?.close();
  await gw?.stop();
  await stack?.stop();
});

const json = (res: RawResponse) => JSON.parse(res.text) as Record<string, unknown>;

function expectOfbError(res: RawResponse, status: number) {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  expect(json(res)).toMatchObject({
    errors: [{ code: expect.any(String), title: expect.any(String), detail: expect.any(String) }],
    meta: { requestDateTime: expect.any(String) },
  });
}

function expectFdxError(res: RawResponse, status: number) {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  expect(json(res)).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
}

function expectOAuthError(res: RawResponse, status: number, error?: string) {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  expect(json(res)).toMatchObject({ error: error ?? expect.any(String) });
}

function expectHtmlError(res: RawResponse, status: number) {
  expect({ status: res.status, body: res.text.slice(0, 300) }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(/<html/i);
  expect(res.text).not.toMatch(INTERNALS);
}

describe('the OFB gateway routes', () => {
  const ofbToken = async () =>
    (await oidc.clientCredentialsGrant(stack.rp.config, { scope: 'consents' })).access_token;
  const post = async (headers: Record<string, string>, body: string | Buffer) =>
    gateway.request({
      method: 'POST',
      path: `${OFB_CONSENTS}/consents`,
      cert: stack.rp.cert,
      headers: {
        authorization: `Bearer ${await ofbToken()}`,
        'x-fapi-interaction-id': crypto.randomUUID(),
        ...headers,
      },
      body,
    });
  const consentBody = JSON.stringify({ data: { permissions: ['ACCOUNTS_READ'] } });

  it('answer an unsupported charset with 415', async () => {
    expectOfbError(await post({ 'content-type': 'application/json; charset=koi8-r' }, consentBody), 415);
  });

  it('answer an unknown Content-Encoding with 415', async () => {
    expectOfbError(
      await post({ 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, consentBody),
      415,
    );
  });

  it('answer gzip announced on a plain body with 400', async () => {
    expectOfbError(
      await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, consentBody),
      400,
    );
    // A real gzip body is read, and refused only for what it says.
    expectOfbError(
      await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(consentBody)),
      400,
    );
  });

  it('answer bad percent-encoding in a path id with 400', async () => {
    const res = await gateway.request({
      path: `/open-banking/accounts/v2/accounts/%E0%A4%A`,
      cert: stack.rp.cert,
      headers: { authorization: 'Bearer x', 'x-fapi-interaction-id': crypto.randomUUID() },
    });
    expect(res.status).toBeLessThan(500);
    expectOfbError(res, res.status);
    const consent = await gateway.request({
      path: `${OFB_CONSENTS}/consents/%E0%A4%A`,
      cert: stack.rp.cert,
      headers: { authorization: `Bearer ${await ofbToken()}`, 'x-fapi-interaction-id': crypto.randomUUID() },
    });
    expectOfbError(consent, 400);
  });
});

describe('the FDX gateway routes', () => {
  const fdxToken = async () => (await oidc.clientCredentialsGrant(fdx.config, {})).access_token;
  const revoke = async (headers: Record<string, string>, body: string) =>
    gateway.request({
      method: 'PUT',
      path: '/fdx/v6/consents/0123456789abcdef01234567/revocation',
      cert: fdx.cert,
      headers: { authorization: `Bearer ${await fdxToken()}`, ...headers },
      body,
    });

  it('answer a revocation body over 4 kB with 413', async () => {
    const body = JSON.stringify({ reason: 'USER_ACTION', initiator: 'INDIVIDUAL', pad: 'x'.repeat(5000) });
    expectFdxError(await revoke({ 'content-type': 'application/json' }, body), 413);
  });

  it('answer an unsupported charset or encoding with 415', async () => {
    const body = JSON.stringify({ reason: 'USER_ACTION', initiator: 'INDIVIDUAL' });
    expectFdxError(await revoke({ 'content-type': 'application/json; charset=koi8-r' }, body), 415);
    expectFdxError(
      await revoke({ 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, body),
      415,
    );
    expectFdxError(
      await revoke({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, body),
      400,
    );
  });

  it('answer bad percent-encoding in a path id with 400', async () => {
    expectFdxError(
      await gateway.request({
        path: '/fdx/v6/accounts/%E0%A4%A',
        cert: fdx.cert,
        headers: { authorization: `Bearer ${await fdxToken()}` },
      }),
      400,
    );
  });
});

describe("the authorization server's OAuth endpoints", () => {
  it('answer an unknown path with an OAuth error', async () => {
    expectOAuthError(await as.request({ path: '/no-such-endpoint' }), 404, 'invalid_request');
  });

  it.each(['/token', '/request', '/reg/some-client', '/token/introspection'])(
    'answer a wrong method on %s with an OAuth error, not a plain-text page',
    async (path) => {
      const res = await as.request({ method: 'PATCH', path, cert: stack.rp.cert });
      expectOAuthError(res, 405, 'invalid_request');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers.allow).toMatch(/POST|GET/);
    },
  );

  it('answer an unknown charset or encoding on /token with an OAuth error', async () => {
    const form = 'grant_type=client_credentials&scope=consents';
    for (const headers of [
      { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r', 'content-encoding': 'identity' },
      { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'x-unknown' },
      { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
    ]) {
      const res = await as.request({
        method: 'POST',
        path: '/token',
        cert: stack.rp.cert,
        headers,
        body: form,
      });
      expect(res.status).toBeLessThan(500);
      expectOAuthError(res, res.status);
    }
  });
});

describe("the authorization server's pages", () => {
  async function loginPage() {
    const { url } = await pushAuthorization(stack.rp, (await stack.lodge()).consentId);
    const started = await as.request({ path: url.pathname + url.search });
    expect(started.status).toBe(303);
    const loginPath = new URL(started.headers.location as string, stack.as.issuer).pathname;
    const cookies = ([] as string[])
      .concat(started.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await as.request({ path: loginPath, headers: { cookie: cookies } });
    const csrf = /name="csrf" value="([^"]*)"/.exec(page.text)![1]!;
    return { loginPath, cookies, csrf };
  }

  it('answer a repeated username field with the login page, not a crash', async () => {
    const { loginPath, cookies, csrf } = await loginPage();
    const res = await as.request({
      method: 'POST',
      path: `${loginPath}/login`,
      headers: {
        cookie: cookies,
        'content-type': 'application/x-www-form-urlencoded',
        'accept-language': 'en',
      },
      body: `csrf=${csrf}&username=1&username=2&password=x`,
    });
    expectHtmlError(res, 401);
    expect(res.text).toContain('The CPF or password is not correct.');
  });

  it.each([
    ['as JSON', 'application/json', JSON.stringify({ username: '1', password: 'x' })],
    ['as text', 'text/plain', 'username=1&password=x'],
  ])('answer a login form posted %s with a page', async (_name, type, body) => {
    const { loginPath, cookies } = await loginPage();
    const res = await as.request({
      method: 'POST',
      path: `${loginPath}/login`,
      headers: { cookie: cookies, 'content-type': type },
      body,
    });
    expectHtmlError(res, 403);
  });

  it('answer a form over 8 kB with a page, no stack trace', async () => {
    const { loginPath, cookies, csrf } = await loginPage();
    const res = await as.request({
      method: 'POST',
      path: `${loginPath}/login`,
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${csrf}&username=1&password=${'x'.repeat(9000)}`,
    });
    expectHtmlError(res, 413);
  });

  it('answer an unsupported charset on a form with a page', async () => {
    const { loginPath, cookies, csrf } = await loginPage();
    const res = await as.request({
      method: 'POST',
      path: `${loginPath}/login`,
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' },
      body: `csrf=${csrf}&username=1&password=x`,
    });
    expectHtmlError(res, 415);
  });

  it('answer bad percent-encoding in an interaction id with a page, no stack trace', async () => {
    expectHtmlError(await as.request({ path: '/interaction/%E0%A4%A' }), 400);
    expectHtmlError(
      await as.request({
        method: 'POST',
        path: '/interaction/%E0%A4%A/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=1',
      }),
      400,
    );
  });
});

describe('headers over 16 kB, which Node refuses before the app', () => {
  const padding = { 'x-padding': 'x'.repeat(20_000) };

  it('are answered by the gateway with 431 in OFB format', async () => {
    const res = await gateway.request({ path: `${OFB_CONSENTS}/consents`, headers: padding });
    expectOfbError(res, 431);
  });

  it('are answered by the authorization server with 431 as an OAuth error', async () => {
    expectOAuthError(await as.request({ path: '/token', headers: padding }), 431, 'invalid_request');
  });
});
