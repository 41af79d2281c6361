// The gateway's traffic middleware on routes shaped like the gateway's, counted in this process:
// FDX callers get FDX's bodies (429 code 1207; 503 for the global ceiling), OFB's operational
// limits count only the calls the other limits let through and are per customer and object, and a
// subscription's plan is read once per replica, not per call.
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import { pino } from 'pino';
import { gatewayTraffic, subscriptionPlans, type PlanLimit } from '../../api/gateway/traffic.js';
import { counterStore } from '../../lib/traffic/counters.js';
import { trafficLimits, type TrafficLimits } from '../../lib/traffic/limits.js';
import { roomInWindow } from '../helpers/traffic.js';

const logger = pino({ level: 'silent' });

/** A caller the access check would have let through: a marketplace client with a consent. */
const caller =
  (customer: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.token = { clientId: 'mkt-x', consentId: 'urn:bank:c1', scopes: [], exp: 0, audience: [] };
    res.locals.client = { applicationId: 'app-1', organizationId: 'org-1', status: 'ACTIVE' };
    res.locals.consent = { _id: 'urn:bank:c1', loggedUserDocument: customer };
    next();
  };

async function serve(limits: TrafficLimits, planLimit: PlanLimit = async () => undefined) {
  const traffic = gatewayTraffic({
    store: counterStore({ keyPrefix: randomUUID(), logger }),
    limits,
    planLimit,
  });
  const app = express();
  app.use(traffic.ceiling);
  const fdx = express.Router();
  fdx.get('/accounts', caller('1'), traffic.afterAccess, (_req, res) => void res.json({ accounts: [] }));
  app.use('/fdx/v6', fdx);
  const ofb = express.Router();
  ofb.get(
    '/accounts/:accountId',
    (req, res, next) => caller(String(req.query.customer))(req, res, next),
    traffic.afterAccess,
    (_req, res) => void res.json({ data: {} }),
  );
  app.use('/open-banking/accounts/v2', ofb);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as unknown,
      };
    },
    stop: () => new Promise((r) => server.close(r)),
  };
}

describe('gateway traffic limits', () => {
  it("answer FDX callers in FDX's format", async () => {
    await roomInWindow('minute', 5000);
    const gw = await serve(trafficLimits({ classes: { mediumHigh: 2 } }));
    try {
      expect((await gw.get('/fdx/v6/accounts')).status).toBe(200);
      expect((await gw.get('/fdx/v6/accounts')).status).toBe(200);
      const refused = await gw.get('/fdx/v6/accounts');
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.body).toEqual({
        code: 1207,
        message: 'Too Many Requests',
        debugMessage: "the organization's calls per minute to this endpoint are at their limit",
      });
    } finally {
      await gw.stop();
    }
    const busy = await serve(trafficLimits({ globalTps: 1 }));
    try {
      await roomInWindow('second', 300);
      await busy.get('/fdx/v6/accounts');
      const overloaded = await busy.get('/fdx/v6/accounts');
      expect(overloaded).toEqual({
        status: 503,
        retryAfter: '1',
        body: {
          code: 501,
          message: 'Subsystem unavailable',
          debugMessage: 'the platform is at its limit of calls per second; try again shortly',
        },
      });
    } finally {
      await busy.stop();
    }
  });

  it('count operational limits per customer and object, only for calls the other limits let through', async () => {
    await roomInWindow('minute', 5000);
    // GET /accounts/{accountId}: 4 a month; the organization's 6 a minute for the endpoint.
    const gw = await serve(trafficLimits({ operationalLimits: true, classes: { medium: 6 } }));
    try {
      const statuses = async (path: string, n: number) => {
        const out = [];
        for (let i = 0; i < n; i++) out.push((await gw.get(path)).status);
        return out;
      };
      expect(await statuses('/open-banking/accounts/v2/accounts/a1?customer=52998224725', 5)).toEqual([
        200, 200, 200, 200, 429,
      ]);
      const monthly = await gw.get('/open-banking/accounts/v2/accounts/a1?customer=52998224725');
      expect((monthly.body as { errors: { detail: string }[] }).errors[0]!.detail).toBe(
        "this endpoint's operational limit of 4 calls a month for this customer is reached",
      );
      // Another account of the customer is another object; but the organization's minute is now spent
      // (6 calls counted), and those refusals take nothing from the month.
      expect(await statuses('/open-banking/accounts/v2/accounts/a2?customer=52998224725', 2)).toEqual([
        429, 429,
      ]);
    } finally {
      await gw.stop();
    }
    const other = await serve(trafficLimits({ operationalLimits: true }));
    try {
      for (let i = 0; i < 4; i++)
        expect((await other.get('/open-banking/accounts/v2/accounts/a1?customer=11111111111')).status).toBe(
          200,
        );
      expect((await other.get('/open-banking/accounts/v2/accounts/a1?customer=22222222222')).status).toBe(
        200,
      );
      expect((await other.get('/open-banking/accounts/v2/accounts/a2?customer=11111111111')).status).toBe(
        200,
      );
    } finally {
      await other.stop();
    }
  });

  it("read a subscription's plan once per replica, not per call", async () => {
    let reads = 0;
    const models = {
      Subscription: {
        findById: (id: string) => ({
          lean: async () => {
            reads++;
            return id === 'org-1:ofb-consents' ? { planId: 'sandbox' } : null;
          },
        }),
      },
    } as never;
    const plan = subscriptionPlans(models, { ttlMs: 60_000 });
    const client = { applicationId: 'app-1', organizationId: 'org-1', status: 'ACTIVE' };
    for (let i = 0; i < 10; i++) expect(await plan(client, 'ofb-consents')).toBe(60);
    expect(await plan(client, 'ofb-accounts')).toBeUndefined();
    expect(reads).toBe(2);
  });
});
