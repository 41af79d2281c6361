// OFB consents 3.3.1 on the gateway, over HTTPS with mTLS against the real AS, Temporal and
// database: create, read, renew, list renewals, revoke — and every answer, success or error,
// checked against the official OpenAPI file.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { issueCertificate } from '../../../lib/pki/dev-pki.js';
import { eventually } from '../../helpers/eventually.js';
import { OFB_CONSENTS, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { recordHistory } from '../../helpers/histories.js';
import { loadOpenApi } from '../../helpers/openapi.js';
import {
  customerJourney,
  pushAuthorization,
  registerRecipient,
  startOfbStack,
  type OfbStack,
  type Recipient,
} from '../../helpers/ofb-journey.js';

const SPEC = loadOpenApi(
  path.resolve(new URL('../../../specs/ofb/consents/3.3.1.yml', import.meta.url).pathname),
);
const [ana] = DEMO_CUSTOMERS;
const ACCOUNTS = ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'];

let stack: OfbStack;
let gw: TestGateway;
let rp: Recipient;
let call: ReturnType<typeof caller>;

function caller(recipient: Recipient, token: () => Promise<string>, gateway?: TestGateway) {
  const target = gateway ?? gw;
  const fetcher = target.fetcher(recipient.cert);
  return async (
    method: string,
    route: string,
    opts: { body?: unknown; headers?: Record<string, string>; bearer?: string; template?: string } = {},
  ) => {
    const interactionId = randomUUID();
    const res = await fetcher(`${target.url}${OFB_CONSENTS}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${opts.bearer ?? (await token())}`,
        'x-fapi-interaction-id': interactionId,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    // Every answer, success or error, must match the official file.
    SPEC.assertResponse(method, opts.template ?? templateOf(route), {
      status: res.status,
      headers: res.headers,
      body,
    });
    // The OpenAPI check above types the body; the assertions read it freely.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, headers: res.headers, body: body as Record<string, any>, interactionId };
  };
}

/** `/consents/urn:bank:…/extends` → `/consents/{consentId}/extends`, as the file names its paths. */
const templateOf = (route: string) =>
  route.split('?')[0]!.replace(/^\/consents\/[^/]+/, '/consents/{consentId}');

const clientCredentials = (r: Recipient) => async () =>
  (await oidc.clientCredentialsGrant(r.config, { scope: 'consents' })).access_token;

const createBody = (over: Record<string, unknown> = {}) => ({
  data: {
    loggedUser: { document: { identification: ana!.cpf, rel: 'CPF' } },
    permissions: ACCOUNTS,
    ...over,
  },
});

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'consents-api-recipient');
  gw = await startTestGateway(stack, { introspectionCacheMs: 60_000 });
  rp = stack.rp;
  call = caller(rp, clientCredentials(rp));
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

describe('POST /consents', () => {
  it('lodges a consent awaiting authorisation, dropping products the bank does not offer', async () => {
    const expirationDateTime = new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const res = await call('POST', '/consents', {
      template: '/consents',
      body: createBody({ permissions: [...ACCOUNTS, 'EXCHANGES_READ'], expirationDateTime }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fapi-interaction-id')).toBe(res.interactionId);
    expect(res.headers.get('x-v')).toBe('3.3.1');
    expect(res.body.data).toMatchObject({
      status: 'AWAITING_AUTHORISATION',
      permissions: ACCOUNTS,
      expirationDateTime,
    });
    expect(res.body.data.consentId).toMatch(/^urn:bank:[0-9a-f-]{36}$/);
    expect(res.body.links.self).toBe(`${gw.url}${OFB_CONSENTS}/consents/${res.body.data.consentId}`);
    const workflow = await stack.client.workflow.getHandle(res.body.data.consentId).describe();
    expect(workflow.status.name).toBe('RUNNING');
  });

  it.each([
    [
      'an unknown permission',
      { permissions: ['ACCOUNTS_READ', 'NOT_A_PERMISSION'] },
      400,
      'PARAMETRO_INVALIDO',
    ],
    [
      'an invalid CPF',
      { loggedUser: { document: { identification: '12345678900', rel: 'CPF' } } },
      400,
      'PARAMETRO_INVALIDO',
    ],
    ['no loggedUser', { loggedUser: undefined }, 400, 'PARAMETRO_NAO_INFORMADO'],
    [
      'an incomplete group',
      { permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'] },
      422,
      'COMBINACAO_PERMISSOES_INCORRETA',
    ],
    [
      'personal and business permissions',
      {
        permissions: [
          'CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ',
          'CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ',
          'RESOURCES_READ',
        ],
        businessEntity: { document: { identification: '11222333000181', rel: 'CNPJ' } },
      },
      422,
      'PERMISSAO_PF_PJ_EM_CONJUNTO',
    ],
    [
      'business permissions without businessEntity',
      { permissions: ['CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ', 'RESOURCES_READ'] },
      422,
      'INFORMACOES_PJ_NAO_INFORMADAS',
    ],
    [
      'only products the bank does not offer',
      { permissions: ['EXCHANGES_READ', 'RESOURCES_READ'] },
      422,
      'SEM_PERMISSOES_FUNCIONAIS_RESTANTES',
    ],
    ['an expiry in the past', { expirationDateTime: '2020-01-01T00:00:00Z' }, 422, 'DATA_EXPIRACAO_INVALIDA'],
    [
      'an expiry with milliseconds',
      { expirationDateTime: '2030-01-01T00:00:00.000Z' },
      400,
      'PARAMETRO_INVALIDO',
    ],
  ])('refuses %s, lodging nothing', async (_name, over, status, code) => {
    const before = await stack.db.models.Consent.countDocuments();
    const res = await call('POST', '/consents', { template: '/consents', body: createBody(over) });
    expect(res.status).toBe(status);
    expect(res.body.errors[0].code).toBe(code);
    expect(res.headers.get('x-fapi-interaction-id')).toBe(res.interactionId);
    expect(await stack.db.models.Consent.countDocuments()).toBe(before);
  });

  it('refuses a request without x-fapi-interaction-id, answering with a fresh one', async () => {
    const res = await gw.fetcher(rp.cert)(`${gw.url}${OFB_CONSENTS}/consents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await clientCredentials(rp)()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(createBody()),
    });
    const body = await res.json();
    SPEC.assertResponse('POST', '/consents', { status: res.status, headers: res.headers, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses malformed JSON and non-JSON bodies', async () => {
    const token = await clientCredentials(rp)();
    const send = (contentType: string, body: string) =>
      gw.fetcher(rp.cert)(`${gw.url}${OFB_CONSENTS}/consents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-fapi-interaction-id': randomUUID(),
          'content-type': contentType,
        },
        body,
      });
    const malformed = await send('application/json', '{"data":');
    expect(malformed.status).toBe(400);
    SPEC.assertResponse('POST', '/consents', {
      status: 400,
      headers: malformed.headers,
      body: await malformed.json(),
    });
    const text = await send('text/plain', 'hello');
    expect(text.status).toBe(415);
    SPEC.assertResponse('POST', '/consents', { status: 415, headers: text.headers, body: await text.json() });
  });

  it('refuses callers without a certificate, with a token bound to another certificate, or without the consents scope', async () => {
    const token = await clientCredentials(rp)();
    const noCert = await gw.fetcher()(`${gw.url}${OFB_CONSENTS}/consents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-fapi-interaction-id': randomUUID(),
        'content-type': 'application/json',
      },
      body: JSON.stringify(createBody()),
    });
    expect(noCert.status).toBe(401);
    SPEC.assertResponse('POST', '/consents', {
      status: 401,
      headers: noCert.headers,
      body: await noCert.json(),
    });

    const other = await issueCertificate(stack.as.pki.ca, {
      subject: 'CN=thief,O=Elsewhere',
      usage: 'client',
    });
    const stolen = await caller({ ...rp, cert: other }, async () => token)('POST', '/consents', {
      template: '/consents',
      body: createBody(),
    });
    expect(stolen.status).toBe(401);
    expect(stolen.body.errors[0].detail).toMatch(/bound to another certificate/);

    const accountsOnly = (await oidc.clientCredentialsGrant(rp.config, { scope: 'accounts' })).access_token;
    const scope = await call('POST', '/consents', {
      template: '/consents',
      body: createBody(),
      bearer: accountsOnly,
    });
    expect(scope.status).toBe(403);

    const garbage = await call('POST', '/consents', {
      template: '/consents',
      body: createBody(),
      bearer: 'not-a-token',
    });
    expect(garbage.status).toBe(401);

    // Shaped like a JWT, which the AS refuses to introspect: still the caller's 401, not an outage.
    const jwtShaped = await call('POST', '/consents', {
      template: '/consents',
      body: createBody(),
      bearer: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln',
    });
    expect(jwtShaped.status).toBe(401);
  });
});

describe('GET and DELETE /consents/{consentId}', () => {
  it("reads the recipient's own consent; another recipient's answers 404 as an unknown one", async () => {
    const created = await call('POST', '/consents', { body: createBody() });
    const id = created.body.data.consentId as string;
    const read = await call('GET', `/consents/${id}`, { template: '/consents/{consentId}' });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(created.body.data);

    const other = await registerRecipient(stack.as, 'other-recipient');
    const foreign = await caller(other, clientCredentials(other))('GET', `/consents/${id}`, {
      template: '/consents/{consentId}',
    });
    const missing = await call('GET', '/consents/urn:bank:no-such-consent', {
      template: '/consents/{consentId}',
    });
    expect(missing.status).toBe(404);
    // Another recipient learns nothing, not even that the consent exists: the same answer as none.
    expect(foreign.status).toBe(404);
    const withoutTime = (body: Record<string, unknown>) => ({ ...body, meta: undefined });
    expect(withoutTime(foreign.body)).toEqual(withoutTime(missing.body));
    const foreignDelete = await caller(other, clientCredentials(other))('DELETE', `/consents/${id}`, {
      template: '/consents/{consentId}',
    });
    expect(foreignDelete.status).toBe(404);
  });

  it('revokes an awaiting consent as rejected by the user, then refuses to revoke it again', async () => {
    const id = (await call('POST', '/consents', { body: createBody() })).body.data.consentId as string;
    const deleted = await call('DELETE', `/consents/${id}`, { template: '/consents/{consentId}' });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('x-fapi-interaction-id')).toBe(deleted.interactionId);
    const read = await call('GET', `/consents/${id}`, { template: '/consents/{consentId}' });
    expect(read.body.data).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', reason: { code: 'CUSTOMER_MANUALLY_REJECTED' } },
    });
    const again = await call('DELETE', `/consents/${id}`, { template: '/consents/{consentId}' });
    expect(again.status).toBe(422);
    expect(again.body.errors[0].code).toBe('CONSENTIMENTO_EM_STATUS_REJEITADO');
  });
});

describe('an authorised consent: renewal, renewals list, revocation', () => {
  it('renews with the customer token, lists renewals newest first, and revocation ends its tokens within 1 s', async () => {
    const firstExpiry = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const id = (await call('POST', '/consents', { body: createBody({ expirationDateTime: firstExpiry }) }))
      .body.data.consentId as string;
    const { url, checks } = await pushAuthorization(rp, id);
    const { callback } = await customerJourney(stack.as, stack.db, url, ana!);
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, checks);
    expect((await call('GET', `/consents/${id}`)).body.data.status).toBe('AUTHORISED');

    const customer = {
      bearer: tokens.access_token,
      headers: { 'x-fapi-customer-ip-address': '203.0.113.9', 'x-customer-user-agent': 'TestAgent/1.0' },
    };
    const extend = (expirationDateTime: string, over: Record<string, unknown> = {}) =>
      call('POST', `/consents/${id}/extends`, {
        ...customer,
        template: '/consents/{consentId}/extends',
        body: {
          data: {
            loggedUser: { document: { identification: ana!.cpf, rel: 'CPF' } },
            expirationDateTime,
            ...over,
          },
        },
      });
    const secondExpiry = new Date(Date.now() + 60 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const thirdExpiry = new Date(Date.now() + 120 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const renewed = await extend(secondExpiry);
    expect(renewed.status).toBe(201);
    expect(renewed.body.data).toMatchObject({
      consentId: id,
      status: 'AUTHORISED',
      expirationDateTime: secondExpiry,
    });
    expect((await extend(thirdExpiry)).status).toBe(201);

    // Shortening, or a client-credentials token, is refused.
    const shorter = await extend(secondExpiry);
    expect(shorter.status).toBe(422);
    expect(shorter.body.errors[0].code).toBe('DATA_EXPIRACAO_INVALIDA');
    const withCc = await call('POST', `/consents/${id}/extends`, {
      headers: customer.headers,
      body: { data: { loggedUser: { document: { identification: ana!.cpf, rel: 'CPF' } } } },
    });
    expect(withCc.status).toBe(403);
    const noHeaders = await call('POST', `/consents/${id}/extends`, {
      bearer: tokens.access_token,
      template: '/consents/{consentId}/extends',
      body: {
        data: {
          loggedUser: { document: { identification: ana!.cpf, rel: 'CPF' } },
          expirationDateTime: thirdExpiry,
        },
      },
    });
    expect(noHeaders.status).toBe(400);

    const list = await call('GET', `/consents/${id}/extensions`, {
      template: '/consents/{consentId}/extensions',
    });
    expect(list.status).toBe(200);
    expect(list.body.meta).toMatchObject({ totalRecords: 2, totalPages: 1 });
    expect(list.body.data.map((e: { expirationDateTime: string }) => e.expirationDateTime)).toEqual([
      thirdExpiry,
      secondExpiry,
    ]);
    expect(list.body.data[1]).toMatchObject({
      previousExpirationDateTime: firstExpiry,
      xFapiCustomerIpAddress: '203.0.113.9',
    });
    expect((await call('GET', `/consents/${id}`)).body.data.expirationDateTime).toBe(thirdExpiry);

    // The recipient revokes: the consent ends as revoked, and introspection refuses its tokens at once.
    const deleted = await call('DELETE', `/consents/${id}`, { template: '/consents/{consentId}' });
    expect(deleted.status).toBe(204);
    const revokedAt = Date.now();
    await eventually(async () => {
      const info = await oidc.tokenIntrospection(rp.config, tokens.access_token);
      expect(info.active).toBe(false);
    }, 60_000);
    // How soon is a figure to read, not a timed assertion: a loaded machine may take longer.
    const elapsed = Date.now() - revokedAt;
    console.info(`introspection refused the revoked consent's token ${elapsed} ms after DELETE answered`);
    const read = await call('GET', `/consents/${id}`, { template: '/consents/{consentId}' });
    expect(read.body.data).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', reason: { code: 'CUSTOMER_MANUALLY_REVOKED' } },
    });
    await stack.client.workflow.getHandle(id).result();
    await recordHistory('consent-extended-revoked', stack.client.workflow.getHandle(id));
    const late = await extend(new Date(Date.now() + 200 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(late.status).toBe(401);
  });
});

describe('the OFB clock through the API', () => {
  it('rejects a consent not authorised within the window as CONSENT_EXPIRED', async () => {
    const quick = await startTestGateway(stack, { authorisationWindowMs: 1500 });
    try {
      const created = await caller(rp, clientCredentials(rp), quick)('POST', '/consents', {
        body: createBody(),
      });
      const id = created.body.data.consentId as string;
      await eventually(async () => {
        const read = await call('GET', `/consents/${id}`, { template: '/consents/{consentId}' });
        expect(read.body.data).toMatchObject({
          status: 'REJECTED',
          rejection: { rejectedBy: 'ASPSP', reason: { code: 'CONSENT_EXPIRED' } },
        });
      }, 60_000);
    } finally {
      await quick.stop();
    }
  });

  it('ends an authorised consent at expirationDateTime as CONSENT_MAX_DATE_REACHED', async () => {
    // Thirty seconds: time for the customer's journey and the token exchange on a loaded machine
    // (eight were not enough with both cores busy and a load average of 18).
    const expirationDateTime = new Date(Date.now() + 30_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const id = (await call('POST', '/consents', { body: createBody({ expirationDateTime }) })).body.data
      .consentId as string;
    const { url, checks } = await pushAuthorization(rp, id);
    const { callback } = await customerJourney(stack.as, stack.db, url, ana!);
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, checks);
    await eventually(async () => {
      const read = await call('GET', `/consents/${id}`, { template: '/consents/{consentId}' });
      expect(read.body.data).toMatchObject({
        status: 'REJECTED',
        expirationDateTime,
        rejection: { rejectedBy: 'ASPSP', reason: { code: 'CONSENT_MAX_DATE_REACHED' } },
      });
    }, 90_000);
    // Expiry, like revocation, ends the grant's tokens at the AS (within a second on a quiet machine).
    const expiredAt = Date.now();
    await eventually(async () => {
      expect((await oidc.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(false);
    }, 60_000);
    console.info(
      `introspection refused the expired consent's token ${Date.now() - expiredAt} ms after the record said REJECTED`,
    );
  });
});

describe('behind a TLS-terminating proxy', () => {
  it("takes the client certificate from the trusted proxy's header", async () => {
    const proxied = await startTestGateway(stack, {
      certificates: { proxyHeader: 'x-ssl-client-cert', trustedProxies: ['127.0.0.1', '::ffff:127.0.0.1'] },
    });
    try {
      const token = await clientCredentials(rp)();
      const send = (headers: Record<string, string>) =>
        proxied.fetcher()(`${proxied.url}${OFB_CONSENTS}/consents`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'x-fapi-interaction-id': randomUUID(),
            'content-type': 'application/json',
            ...headers,
          },
          body: JSON.stringify(createBody()),
        });
      // The proxy forwards the recipient's certificate: the token's binding holds.
      const forwarded = await send({ 'x-ssl-client-cert': encodeURIComponent(rp.cert.cert) });
      expect(forwarded.status).toBe(201);
      // Without the header there is no certificate at all.
      expect((await send({})).status).toBe(401);
      // Another certificate in the header does not match the token.
      const other = await issueCertificate(stack.as.pki.ca, {
        subject: 'CN=other,O=Elsewhere',
        usage: 'client',
      });
      expect((await send({ 'x-ssl-client-cert': encodeURIComponent(other.cert) })).status).toBe(401);
    } finally {
      await proxied.stop();
    }
  });
});
