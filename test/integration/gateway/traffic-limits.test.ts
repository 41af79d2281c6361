// Traffic limits under load from a separate process, against two gateway replicas that share their
// counters in Redis: an organization's calls per minute to an endpoint and an application's plan
// are refused with 429 and Retry-After exactly past their thresholds and never below them, and the
// global ceiling answers 529 in OFB's format to a burst while paced traffic below it passes. The
// authorization server limits its token endpoint per client and its log-in page per address, and
// the marketplace its sign-ups and enrolments per address.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { clientIdFor } from '../../../db/models/application.js';
import { subscriptionId } from '../../../db/models/subscription.js';
import { issueCertificate } from '../../../lib/pki/dev-pki.js';
import { trafficLimits } from '../../../lib/traffic/limits.js';
import { tlsFetch } from '../../../lib/http/tls-fetch.js';
import { startTestAuthServer } from '../../helpers/auth-server.js';
import { HttpSession, hiddenField } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { OFB_CONSENTS, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startMarketplaceStack } from '../../helpers/marketplace.js';
import { registerRecipient, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';
import {
  roomInWindow,
  runLoad,
  sharedCounters,
  statuses,
  type LoadAnswer,
  type LoadRequest,
} from '../../helpers/traffic.js';

const names = uniqueNames(import.meta.url);
let stack: OfbStack;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'traffic-recipient', { names });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

interface AppClient {
  token: string;
  tls: { ca: string; cert: string; key: string };
}

/**
 * A client the marketplace would have provisioned (`mkt-<application id>`, registered with the
 * Discovery Agent's token), its application of `organizationId` and that organization's
 * subscription to OFB Consents on `planId`; and a client-credentials token.
 */
async function marketplaceClient(
  organizationId: string,
  planId: 'sandbox' | 'production',
): Promise<AppClient> {
  const applicationId = randomUUID();
  const clientId = clientIdFor(applicationId);
  const rp = await registerRecipient(
    { ...stack.as, registrationToken: stack.as.discoveryAgentToken },
    clientId,
    {
      metadata: { client_id: clientId },
    },
  );
  await stack.db.models.Application.create({
    _id: applicationId,
    organizationId,
    name: 'Traffic app',
    standard: 'OFB',
    redirectUris: ['https://recipient.example/cb'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    createdBy: 'developer@fintech.example',
    workflowId: `provisioning-${applicationId}`,
    client: { status: 'ACTIVE', clientId },
  });
  await stack.db.models.Subscription.create({
    _id: subscriptionId(organizationId, 'ofb-consents'),
    organizationId,
    productId: 'ofb-consents',
    planId,
    status: 'ACTIVE',
    requestedBy: 'developer@fintech.example',
    requestedAt: new Date(),
  });
  const { access_token } = await oidc.clientCredentialsGrant(rp.config, { scope: 'consents' });
  return { token: access_token, tls: { ca: stack.as.pki.ca.cert, ...rp.cert } };
}

/** `n` calls by `client` to `path` under the consents API, spread over the replicas in turn. */
function calls(gateways: TestGateway[], client: AppClient, path: string, n: number): LoadRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    url: `${gateways[i % gateways.length]!.url}${OFB_CONSENTS}${path}`,
    headers: { authorization: `Bearer ${client.token}`, 'x-fapi-interaction-id': randomUUID() },
  }));
}

const unknownConsent = () => `/consents/urn:bank:${randomUUID()}`;
const errorsOf = (a: LoadAnswer) =>
  (JSON.parse(a.body) as { errors: { code: string; detail: string }[] }).errors;

describe('two gateway replicas sharing their counters', () => {
  const counters = sharedCounters();
  // The consents API's extensions list is a low-frequency endpoint: 20 a minute here.
  const limits = trafficLimits({ globalTps: 10_000, classes: { low: 20 } });
  let gateways: TestGateway[];
  beforeAll(async () => {
    gateways = [
      await startTestGateway(stack, { traffic: { limits, counters }, stateCacheMs: 250 }),
      await startTestGateway(stack, { traffic: { limits, counters }, stateCacheMs: 250 }),
    ];
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways ?? []) await g.stop();
  });

  it("refuses an organization's calls to an endpoint past its class's limit per minute, and none before", async () => {
    const client = await marketplaceClient(`org-${randomUUID()}`, 'production');
    await roomInWindow('minute', 25_000);
    const answers = await runLoad({
      requests: calls(gateways, client, `${unknownConsent()}/extensions`, 30),
      concurrency: 6,
      tls: client.tls,
    });
    // 20 answered (the consent is unknown: 404), 10 refused, whichever replica each reached.
    expect(statuses(answers)).toEqual({ 404: 20, 429: 10 });
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
      expect(refused.contentType).toMatch(/^application\/json/);
      expect(errorsOf(refused)).toEqual([
        {
          code: 'TOO_MANY_REQUESTS',
          title: 'Muitas requisições',
          detail: "the organization's calls per minute to this endpoint are at their limit",
        },
      ]);
    }
  }, 180_000);

  it("refuses an application's calls past its plan's calls per minute, and none before", async () => {
    // The sandbox plan: 60 calls a minute, far below the endpoint's 2,000 for the organization.
    const client = await marketplaceClient(`org-${randomUUID()}`, 'sandbox');
    await roomInWindow('minute', 25_000);
    const answers = await runLoad({
      requests: calls(gateways, client, unknownConsent(), 70),
      concurrency: 8,
      tls: client.tls,
    });
    expect(statuses(answers)).toEqual({ 404: 60, 429: 10 });
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(errorsOf(refused)[0]).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        detail: "the application's plan allows 60 calls per minute to this product",
      });
    }
  }, 180_000);
});

describe('the global ceiling across two replicas', () => {
  const counters = sharedCounters();
  const limits = trafficLimits({ globalTps: 15 });
  let gateways: TestGateway[];
  let client: AppClient;
  beforeAll(async () => {
    gateways = [
      await startTestGateway(stack, { traffic: { limits, counters }, stateCacheMs: 250 }),
      await startTestGateway(stack, { traffic: { limits, counters }, stateCacheMs: 250 }),
    ];
    client = await marketplaceClient(`org-${randomUUID()}`, 'production');
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways ?? []) await g.stop();
  });

  it('lets paced calls below it through', async () => {
    // One call at a time with 150 ms between answers: under 7 a second, never 15.
    const answers = await runLoad({
      requests: calls(gateways, client, unknownConsent(), 25),
      gapMs: 150,
      tls: client.tls,
    });
    expect(statuses(answers)).toEqual({ 404: 25 });
  }, 180_000);

  it("answers a burst beyond it with OFB's 529 and Retry-After, letting at most the ceiling through each second", async () => {
    const answers = await runLoad({
      requests: calls(gateways, client, unknownConsent(), 80),
      concurrency: 40,
      tls: client.tls,
    });
    const overloaded = answers.filter((a) => a.status === 529);
    const served = answers.filter((a) => a.status !== 529);
    expect(overloaded.length).toBeGreaterThan(0);
    expect(served.every((a) => a.status === 404)).toBe(true);
    // Each clock second the burst touched lets at most 15 calls through, across both replicas.
    const seconds =
      Math.floor(Math.max(...answers.map((a) => a.answeredAt)) / 1000) -
      Math.floor(Math.min(...answers.map((a) => a.sentAt)) / 1000) +
      1;
    expect(served.length).toBeLessThanOrEqual(15 * seconds);
    for (const a of overloaded) {
      expect(a.retryAfter).toBe('1');
      expect(errorsOf(a)[0]).toMatchObject({ code: 'SITE_IS_OVERLOADED', title: 'Site sobrecarregado' });
    }
  }, 180_000);
});

describe('the authorization server', () => {
  it('limits token requests per client certificate, and log-ins per address', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-traffic-as-'));
    const as = await startTestAuthServer(stack.db, dir, {
      traffic: {
        limits: trafficLimits({ classes: { high: 5 }, perAddress: { loginsPerMinute: 3 } }),
        counters: sharedCounters(),
      },
    });
    try {
      await roomInWindow('minute', 25_000);
      const load = await issueCertificate(as.pki.ca, { subject: 'CN=load,O=Token Flooder', usage: 'client' });
      const answers = await runLoad({
        requests: Array.from({ length: 8 }, () => ({
          url: `${as.issuer}/token`,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=nobody',
        })),
        concurrency: 4,
        tls: { ca: as.pki.ca.cert, ...load },
      });
      const refused = answers.filter((a) => a.status === 429);
      // The first five reach the endpoint (which refuses an unknown client); three are refused unread.
      expect(refused).toHaveLength(3);
      expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 400 || a.status === 401)).toBe(
        true,
      );
      for (const a of refused) {
        expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(JSON.parse(a.body)).toMatchObject({ error: 'temporarily_unavailable' });
      }

      // Another client's certificate is another origin: its token is issued.
      const other = await registerRecipient(as, 'traffic-other-origin');
      await expect(oidc.clientCredentialsGrant(other.config, { scope: 'consents' })).resolves.toMatchObject({
        token_type: expect.stringMatching(/bearer/i),
      });

      // Password spraying from one address: the log-in page takes three a minute.
      const tries = [];
      for (let i = 0; i < 5; i++) {
        const res = await tlsFetch({ ca: as.pki.ca.cert })(`${as.issuer}/interaction/${randomUUID()}/login`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/html',
            'accept-language': 'en',
          },
          body: `username=user${i}&password=guess`,
        });
        tries.push({
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          text: await res.text(),
        });
      }
      expect(tries.slice(0, 3).every((t) => t.status !== 429)).toBe(true);
      expect(tries.slice(3).map((t) => t.status)).toEqual([429, 429]);
      expect(tries[4]!.text).toContain('Too many attempts');
      expect(Number(tries[4]!.retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await as.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('the marketplace', () => {
  it('limits sign-ups and enrolments per address', async () => {
    const marketplace = await startMarketplaceStack(names, {
      shared: { db: stack.db, as: stack.as },
      traffic: {
        limits: trafficLimits({ perAddress: { signupsPerHour: 2, enrolmentsPerHour: 2 } }),
        counters: sharedCounters(),
      },
    });
    try {
      await roomInWindow('hour', 60_000);
      const signUp = async (i: number) => {
        const web = new HttpSession(marketplace.baseUrl);
        const form = await web.request('/signup');
        return web.request('/signup', {
          form: {
            csrf: hiddenField(form.text, 'csrf'),
            name: 'Ana Souza',
            email: `traffic-${i}-${names.prefix}@fintech.example`,
            password: 'correct horse battery',
          },
          headers: { accept: 'text/html' },
        });
      };
      expect((await signUp(1)).status).toBe(201);
      expect((await signUp(2)).status).toBe(201);
      const third = await signUp(3);
      expect(third.status).toBe(429);
      expect(third.text).toContain('Too many attempts');

      const enrol = () =>
        fetch(`${marketplace.baseUrl}/api/organizations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ legalName: 'Flood Ltda' }),
        });
      expect((await enrol()).status).not.toBe(429);
      expect((await enrol()).status).not.toBe(429);
      const refused = await enrol();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    } finally {
      await marketplace.stop();
    }
  }, 240_000);
});
