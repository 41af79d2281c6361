// Gateway call events name the product of the endpoint and, for clients the marketplace
// provisioned, their application and organization (from the record the access check reads); a
// refused call is its client's too, known by its token or its certificate; and an endpoint has one
// label, its route template with the full base path, however the call ended.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type NextFunction, type Request, type Response } from 'express';
import { recordCalls, type GatewayCallEvent } from '../../api/gateway/analytics.js';
import { thumbprint, type Caller } from '../../api/gateway/security/access-token.js';
import { clientStateReader } from '../../api/gateway/security/consent-state.js';
import type { TokenInfo } from '../../api/gateway/security/introspection.js';
import { productForPath } from '../../lib/products.js';
import { ensureDevPki, issueCertificate } from '../../lib/pki/dev-pki.js';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';

describe('productForPath', () => {
  it('finds the product by the longest base path', () => {
    expect(productForPath('/open-banking/accounts/v2/accounts/acc-1/balances')?.id).toBe('ofb-accounts');
    expect(productForPath('/open-banking/consents/v3/consents')?.id).toBe('ofb-consents');
    expect(productForPath('/fdx/v6/consents/abc/revocation')?.id).toBe('fdx-consent');
    expect(productForPath('/fdx/v6/accounts')?.id).toBe('fdx-core');
    expect(productForPath('/open-banking/accounts/v2x')).toBeUndefined();
    expect(productForPath('/healthz')).toBeUndefined();
  });
});

describe('clientStateReader', () => {
  const appId = '3a789ef7-f1d3-4d6d-8355-5b16246124f3';
  const fakeModels = (lookups: string[]) => ({
    Application: {
      findById: (id: string) => ({
        lean: async () => {
          lookups.push(id);
          return id === appId ? { organizationId: 'org-1', client: { status: 'SUSPENDED' } } : null;
        },
      }),
    },
  });

  it("names a marketplace client's application, organization and status, from its record", async () => {
    const lookups: string[] = [];
    const read = clientStateReader(fakeModels(lookups) as never);
    await expect(read(`mkt-${appId}`)).resolves.toEqual({
      applicationId: appId,
      organizationId: 'org-1',
      status: 'SUSPENDED',
    });
    // A client whose record is gone is treated as deprovisioned.
    const gone = '00000000-0000-4000-8000-000000000000';
    await expect(read(`mkt-${gone}`)).resolves.toEqual({ applicationId: gone, status: 'DEPROVISIONED' });
    expect(lookups).toEqual([appId, gone]);
  });

  it('leaves other clients alone', async () => {
    const lookups: string[] = [];
    const read = clientStateReader(fakeModels(lookups) as never);
    await expect(read('gateway')).resolves.toBeUndefined();
    await expect(read('mkt-not-a-uuid')).resolves.toBeUndefined();
    expect(lookups).toEqual([]);
  });
});

/**
 * A gateway in miniature: the analytics middleware, routers mounted under their base paths, an
 * access step that leaves `res.locals.caller` as the real one does (what the test tells it), and
 * an app-level error handler, as api/gateway/app.ts has.
 */
async function miniGateway(caller: () => Caller | undefined) {
  const events: GatewayCallEvent[] = [];
  const app = express();
  app.use(
    recordCalls({
      record: (e: GatewayCallEvent) => events.push(e),
    } as unknown as EventBuffer<GatewayCallEvent>),
  );
  const access = (req: Request, res: Response, next: NextFunction) => {
    res.locals.caller = caller();
    if (req.headers.authorization === 'Bearer refused') return res.status(401).json({ code: 'refused' });
    next();
  };
  const fdx = express.Router();
  fdx.put('/consents/:consentId/revocation', access, express.json(), (_req, res) => {
    res.status(204).end();
  });
  fdx.get('/accounts/:accountId', access, () => {
    throw new Error('the core is away');
  });
  app.use('/fdx/v6', fdx);
  const ofb = express.Router();
  ofb.get('/accounts', access, (_req, res) => res.json({ data: [] }));
  app.use('/open-banking/accounts/v2', ofb);
  app.use((err: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ code: 'error' });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (p: string, init: RequestInit = {}) => {
    const before = events.length;
    const res = await fetch(`${base()}${p}`, init);
    await res.arrayBuffer();
    // The event is recorded when the response finishes, which the client may see first.
    for (let i = 0; events.length === before && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
    return events.at(-1)!;
  };
  return { call, close: () => new Promise((r) => server.close(r)) };
}

describe('the endpoint of a call event', () => {
  let gw: Awaited<ReturnType<typeof miniGateway>>;
  beforeAll(async () => {
    gw = await miniGateway(() => undefined);
  });
  afterAll(() => gw.close());

  it('is the route template with its full base path, answered or failed', async () => {
    const revocation = '/fdx/v6/consents/:consentId/revocation';
    const json = { 'content-type': 'application/json' };
    const put = (body: string) => ({ method: 'PUT', headers: json, body });
    await expect(
      gw.call('/fdx/v6/consents/abc/revocation', put('{"reason":"USER_ACTION"}')),
    ).resolves.toMatchObject({
      status: 204,
      endpoint: revocation,
    });
    // A body that does not parse leaves the router for the app's error handler.
    await expect(gw.call('/fdx/v6/consents/abc/revocation', put('{bad'))).resolves.toMatchObject({
      status: 400,
      endpoint: revocation,
    });
    await expect(gw.call('/fdx/v6/consents/abc/revocation/', put('{bad'))).resolves.toMatchObject({
      endpoint: revocation,
    });
    await expect(gw.call('/fdx/v6/accounts/acc-1?x=/y/z')).resolves.toMatchObject({
      status: 500,
      endpoint: '/fdx/v6/accounts/:accountId',
    });
    await expect(gw.call('/open-banking/accounts/v2/accounts')).resolves.toMatchObject({
      status: 200,
      endpoint: '/open-banking/accounts/v2/accounts',
    });
    await expect(gw.call('/nowhere')).resolves.toMatchObject({ status: 404, endpoint: 'unmatched' });
  });
});

describe('the client of a call event', () => {
  let dir: string;
  let certificate: X509Certificate;
  let stranger: X509Certificate;
  let caller: Caller | undefined;
  let gw: Awaited<ReturnType<typeof miniGateway>>;
  const client = { applicationId: 'app-1', organizationId: 'org-1', status: 'ACTIVE' };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'obp-call-owner-'));
    const pki = await ensureDevPki(dir);
    const issue = async (subject: string) =>
      new X509Certificate((await issueCertificate(pki.ca, { subject, usage: 'client' })).cert);
    certificate = await issue('CN=recipient,O=Fintech');
    stranger = await issue('CN=stranger,O=Elsewhere');
    gw = await miniGateway(() => caller);
  });
  afterAll(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const token = (over: Partial<TokenInfo> = {}): TokenInfo => ({
    clientId: 'mkt-app-1',
    scopes: ['accounts'],
    exp: Math.floor(Date.now() / 1000) + 300,
    consentId: 'urn:bank:consent-1',
    audience: ['https://gateway.test'],
    ...over,
  });
  const refused = { headers: { authorization: 'Bearer refused' } };
  const accounts = '/open-banking/accounts/v2/accounts';

  it("names the token's client and consent, also when the call is refused", async () => {
    const bound = token({ certificateThumbprint: thumbprint(certificate.raw) });
    caller = { certificate, token: bound, client };
    await expect(gw.call(accounts)).resolves.toMatchObject({
      status: 200,
      clientId: 'mkt-app-1',
      applicationId: 'app-1',
      organizationId: 'org-1',
      consentId: 'urn:bank:consent-1',
    });
    // The consent was revoked: the token is still active for a moment, and refused.
    caller = { certificate, token: bound, client };
    await expect(gw.call(accounts, refused)).resolves.toMatchObject({
      status: 401,
      clientId: 'mkt-app-1',
      applicationId: 'app-1',
      consentId: 'urn:bank:consent-1',
    });
  });

  it("names the certificate's client when the token is gone or missing", async () => {
    caller = { certificate };
    const event = await gw.call(accounts, refused);
    expect(event).toMatchObject({
      status: 401,
      clientId: 'mkt-app-1',
      applicationId: 'app-1',
      organizationId: 'org-1',
    });
    expect(event.consentId).toBeUndefined();
  });

  it('names nobody for a certificate no token was bound to, or for no certificate', async () => {
    caller = { certificate: stranger };
    const unknown = await gw.call(accounts, refused);
    expect(unknown.status).toBe(401);
    expect(unknown.clientId).toBeUndefined();
    caller = {};
    expect((await gw.call(accounts, refused)).clientId).toBeUndefined();
  });
});
