// Consumer insights in the developer portal, on the whole marketplace (real workers and AS): two
// organizations, each with one application whose client the Discovery Agent registered; a known set
// of gateway calls of both clients (and of strangers) rolled up by the analytics activity; then the
// exact numbers each developer sees of their own applications — pages and JSON — and nothing of
// the other's: another organization's application is a 404 by every route, a client id cannot be
// asked for, bad periods are 400s. Also: onboarding and provisioning transitions leave analytics
// events once each, with ids and statuses only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyticsActivities } from '../../../activities/analytics.js';
import { createOnboardingActivities } from '../../../activities/onboarding.js';
import { createProvisioningActivities } from '../../../activities/provisioning.js';
import { GRANULARITY_MS, floorTo } from '../../../lib/analytics/buckets.js';
import { INSIGHTS_ASSETS } from '../../../lib/analytics/insights-view.js';
import { gatewayCalls, stats } from '../../helpers/analytics-events.js';
import { launchBrowser } from '../../helpers/browser.js';
import { HttpSession, pageText } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import {
  approvedOrganization,
  developer,
  MARKETPLACE_SECRETS_KEY,
  startMarketplaceStack,
  type MarketplaceStack,
} from '../../helpers/marketplace.js';

const names = uniqueNames(import.meta.url);
let stack: MarketplaceStack;

const ACCOUNTS = '/open-banking/accounts/v2/accounts';
const BALANCES = '/open-banking/accounts/v2/accounts/:accountId/balances';
/** Called by B only. */
const BILLS = '/open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/bills';

interface Org {
  web: HttpSession;
  email: string;
  legalName: string;
  taxId: string;
  organizationId: string;
  applicationId: string;
  clientId: string;
  appName: string;
}
let A: Org;
let B: Org;

/** Two minutes three hours ago: inside the last 24 hours and the last 30 days, whenever the test runs. */
const MINUTE = GRANULARITY_MS.minute;
const M1 = floorTo(Date.now() - 3 * GRANULARITY_MS.hour, MINUTE);
const M2 = M1 + MINUTE;
const minuteIso = (ms: number) => new Date(ms).toISOString();
/** A minute as the query takes it: YYYY-MM-DDTHH:MMZ. */
const minuteParam = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

const at = (minute: number, second: number) => new Date(minute + second * 1000);
const call = gatewayCalls(names.prefix);

// A: 6 calls, 2 errors; latencies 4, 20, 40, 300 | 90, 3 → histogram bounds 5, 25, 50, 500 | 100, 5.
const A_TOTAL = stats(6, 2, 0.3333, 380, 76.2, 25, 500);
const A_ENDPOINTS = [
  { method: 'GET', endpoint: ACCOUNTS, ...stats(4, 1, 0.25, 320, 29.3, 5, 100) },
  { method: 'GET', endpoint: BALANCES, ...stats(2, 1, 0.5, 60, 170, 50, 500) },
];
const A_MINUTES = [
  { bucket: minuteIso(M1), ...stats(4, 1, 0.25, 260, 91, 25, 500) },
  { bucket: minuteIso(M2), ...stats(2, 1, 0.5, 120, 46.5, 5, 100) },
];
// B: 3 calls, 1 error; latencies 1200, 2, 45000 → 2500, 5, slower than every bound (30000).
const B_TOTAL = stats(3, 1, 0.3333, 5200, 15400.7, 2500, 30_000);
const NOTHING = stats(0, 0, 0, 0, null, null, null);

const events = () => [
  call(at(M1, 1), A.clientId, ACCOUNTS, 200, 4, 100),
  call(at(M1, 2), A.clientId, ACCOUNTS, 200, 20, 100),
  call(at(M1, 3), A.clientId, BALANCES, 200, 40, 50),
  call(at(M1, 4), A.clientId, BALANCES, 500, 300, 10),
  call(at(M1, 5), B.clientId, ACCOUNTS, 200, 1200, 200),
  call(at(M2, 1), A.clientId, ACCOUNTS, 200, 90, 100),
  call(at(M2, 2), A.clientId, ACCOUNTS, 404, 3, 20),
  call(at(M2, 3), B.clientId, BILLS, 429, 2, 0),
  call(at(M2, 4), B.clientId, BILLS, 200, 45_000, 5000),
  // Nobody's: a call without a token, and a client of no marketplace application.
  call(at(M2, 5), undefined, ACCOUNTS, 401, 1, 0),
  call(at(M2, 6), `${names.prefix}-stranger`, BILLS, 200, 7, 70),
];

/** A developer in an approved organization with an ACTIVE ofb-consents subscription and one application. */
async function organization(slug: string, legalName: string, appName: string): Promise<Org> {
  const email = `${slug}@${slug}.example`;
  const web = await developer(stack, email, `Developer ${slug}`);
  const taxId = await approvedOrganization(stack, web, legalName);
  const sub = await web.request('/api/subscriptions', {
    json: { productId: 'ofb-consents', planId: 'sandbox' },
  });
  expect(sub.json()).toMatchObject({ status: 'ACTIVE' });
  const created = await web.request('/api/applications', {
    json: {
      name: appName,
      standard: 'OFB',
      redirectUris: [`https://${slug}.example/cb`],
      tokenEndpointAuthMethod: 'private_key_jwt',
      credential: { source: 'generate' },
    },
  });
  expect(created.status).toBe(201);
  const app = created.json<{ applicationId: string; client: { clientId: string; status: string } }>();
  expect(app.client.status).toBe('ACTIVE');
  const me = (await web.request('/api/me')).json<{ organizationId: string }>();
  return {
    web,
    email,
    legalName,
    taxId,
    organizationId: me.organizationId,
    applicationId: app.applicationId,
    clientId: app.client.clientId,
    appName,
  };
}

interface ReportBody {
  range: { from: string; to: string; granularity: string };
  applications: { applicationId: string; name: string; clientId: string | null }[];
  summary: ReturnType<typeof stats>;
  calls: ({ bucket: string } & ReturnType<typeof stats>)[];
  endpoints: { method: string; endpoint: string }[];
}

beforeAll(async () => {
  stack = await startMarketplaceStack(names);
  A = await organization('fintech-a', 'Fintech A Pagamentos', 'A budget');
  B = await organization('fintech-b', 'Fintech B Credito', 'B cards');
  await stack.db.connection.collection('analytics_events').insertMany(events() as never[]);
  // Minutes from the raw events (the workflow transitions of the set-up included), hours, days.
  const rollUp = createAnalyticsActivities({ models: stack.db.models }).rollUp;
  const end = new Date(Date.now() + MINUTE).toISOString();
  await rollUp({ granularity: 'minute', from: minuteIso(M1), to: end });
  await rollUp({ granularity: 'hour', from: minuteIso(M1), to: end });
  await rollUp({ granularity: 'day', from: minuteIso(M1), to: end });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a developer's insights JSON", () => {
  it("shows exactly the application's calls, error rate, latency percentiles and endpoints", async () => {
    const res = await A.web.request(`/api/applications/${A.applicationId}/insights`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = res.json<ReportBody>();
    expect(body.range.granularity).toBe('hour');
    expect(body.calls).toHaveLength(24);
    expect(body.applications).toEqual([
      { applicationId: A.applicationId, name: 'A budget', clientId: A.clientId },
    ]);
    expect(body.summary).toEqual(A_TOTAL);
    expect(body.endpoints).toEqual(A_ENDPOINTS);
    expect(body.calls.reduce((n, b) => n + b.calls, 0)).toBe(6);
    expect(res.text).not.toContain(BILLS);
    expect(res.text).not.toContain(B.clientId);

    // The last 30 days by day, and two minutes bucket by bucket.
    const days = (
      await A.web.request(`/api/applications/${A.applicationId}/insights?granularity=day`)
    ).json<ReportBody>();
    expect(days.calls).toHaveLength(30);
    expect(days.summary).toEqual(A_TOTAL);
    expect(days.endpoints).toEqual(A_ENDPOINTS);
    const minutes = (
      await A.web.request(
        `/api/applications/${A.applicationId}/insights?granularity=minute&from=${minuteParam(M1)}&to=${minuteParam(M2 + MINUTE)}`,
      )
    ).json<ReportBody>();
    expect(minutes.range).toEqual({
      from: minuteIso(M1),
      to: minuteIso(M2 + MINUTE),
      granularity: 'minute',
    });
    expect(minutes.calls).toEqual(A_MINUTES);
  });

  it("shows the organization's applications together, or one of them", async () => {
    for (const path of ['/api/insights', `/api/insights?applicationId=${A.applicationId}`]) {
      const body = (await A.web.request(path)).json<ReportBody>();
      expect(body.applications.map((a) => a.applicationId)).toEqual([A.applicationId]);
      expect(body.summary).toEqual(A_TOTAL);
      expect(body.endpoints).toEqual(A_ENDPOINTS);
    }
    const b = (await B.web.request('/api/insights?granularity=day')).json<ReportBody>();
    expect(b.summary).toEqual(B_TOTAL);
    expect(b.endpoints.map((e) => e.endpoint)).toEqual([BILLS, ACCOUNTS]);
  });

  it("answers 404 for another organization's application, and never widens the scope", async () => {
    const theirs = await A.web.request(`/api/applications/${B.applicationId}/insights`);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain(BILLS);
    expect((await A.web.request(`/api/insights?applicationId=${B.applicationId}`)).status).toBe(404);
    expect((await A.web.request('/api/insights?applicationId=no-such-app')).status).toBe(404);
    // A client id is no parameter: asking for B's is refused, not answered.
    const byClient = await A.web.request(`/api/insights?clientId=${B.clientId}`);
    expect(byClient.status).toBe(400);
    expect(byClient.json()).toMatchObject({ errors: [{ field: 'clientId' }] });
    expect(
      (await A.web.request(`/api/applications/${A.applicationId}/insights?applicationId=${B.applicationId}`))
        .status,
    ).toBe(400);
  });

  it('needs a session', async () => {
    const anonymous = new HttpSession(stack.baseUrl);
    expect((await anonymous.request('/api/insights')).status).toBe(401);
    expect((await anonymous.request(`/api/applications/${A.applicationId}/insights`)).status).toBe(401);
    const page = await anonymous.request(`/apps/${A.applicationId}/insights`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/login?next=${encodeURIComponent(`/apps/${A.applicationId}/insights`)}`);
    expect((await anonymous.request('/insights')).status).toBe(303);
  });

  it('refuses bad periods with 400 naming the field', async () => {
    const base = `/api/applications/${A.applicationId}/insights`;
    const cases: [string, string][] = [
      ['granularity=week', 'granularity'],
      ['from=2026-02-30', 'from'],
      ['from=yesterday', 'from'],
      ['from=2026-03-02&to=2026-03-01', 'to'],
      ['granularity=minute&from=2026-01-01&to=2026-03-01', 'from'],
      ['granularity=hour&granularity=day', 'granularity'],
    ];
    for (const [query, field] of cases) {
      const res = await A.web.request(`${base}?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
    }
    const badId = await A.web.request('/api/insights?applicationId=..%2Fx');
    expect(badId.status).toBe(400);
    expect(badId.json()).toMatchObject({ errors: [{ field: 'applicationId' }] });
  });
});

describe("a developer's insights pages", () => {
  it("show the application's numbers as tables and charts, with the assets served locally", async () => {
    const res = await A.web.request(`/apps/${A.applicationId}/insights?granularity=day`);
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('Insights: A budget');
    expect(text).toContain('API calls 6');
    expect(text).toContain('Errors (status 400 and above) 2');
    expect(text).toContain('Error rate 33.3%');
    expect(text).toContain('Latency p50 25 ms');
    expect(text).toContain('Latency p95 500 ms');
    expect(text).toContain(`GET ${ACCOUNTS} 4 1 25.0% 5 ms 100 ms`);
    expect(text).toContain(`GET ${BALANCES} 2 1 50.0% 50 ms 500 ms`);
    expect(text).not.toContain(BILLS);
    expect(text).not.toContain(B.clientId);
    expect(res.text).toContain('data-insights-charts');
    expect(res.text).toContain(`<script src="${INSIGHTS_ASSETS.chartJs}" defer></script>`);
    expect(res.text).toContain('<a href="/insights">Insights</a>');
    for (const asset of Object.values(INSIGHTS_ASSETS)) {
      const served = await A.web.request(asset);
      expect([asset, served.status]).toEqual([asset, 200]);
    }

    const all = await A.web.request('/insights');
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toBe('no-store');
    const allText = pageText(all.text);
    expect(allText).toContain('API calls 6');
    expect(allText).toContain(A.clientId);
    expect(allText).not.toContain(BILLS);

    const bPage = pageText((await B.web.request(`/apps/${B.applicationId}/insights`)).text);
    expect(bPage).toContain('API calls 3');
    expect(bPage).toContain(BILLS);
  });

  it("answer 404 for another organization's application and 400 for a bad period", async () => {
    const theirs = await A.web.request(`/apps/${B.applicationId}/insights`);
    expect(theirs.status).toBe(404);
    expect(pageText(theirs.text)).not.toContain(BILLS);
    expect((await A.web.request(`/insights?applicationId=${B.applicationId}`)).status).toBe(404);
    const bad = await A.web.request(`/apps/${A.applicationId}/insights?granularity=week`);
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain('granularity must be minute, hour or day');
    expect((await A.web.request(`/insights?clientId=${B.clientId}`)).status).toBe(400);
  });
});

describe('the endpoint chart', () => {
  it('shows each endpoint whole, wrapped to the width of the screen', async () => {
    const browser = await launchBrowser();
    try {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const url = new URL(stack.baseUrl);
        await context.addCookies(
          [...B.web.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' })),
        );
        const page = await context.newPage();
        await page.goto(`${stack.baseUrl}/apps/${B.applicationId}/insights?granularity=day`);
        await page.waitForSelector('[data-insights-charts][data-drawn]');
        // Runs in the page: the y axis's labels as chart.js draws them, and the room it gives them.
        const axis = await page.evaluate(() => {
          type Scale = {
            left: number;
            width: number;
            ticks: { label: string | string[] }[];
            options: { ticks: { font: unknown } };
          };
          const g = globalThis as unknown as {
            document: { querySelector(s: string): unknown };
            Chart: {
              getChart(c: unknown): {
                ctx: { font: string; measureText(t: string): { width: number } };
                scales: { y: Scale };
              };
              helpers: { toFont(f: unknown): { string: string } };
            };
          };
          const chart = g.Chart.getChart(g.document.querySelector('canvas[data-chart="endpoints"]'))!;
          const y = chart.scales.y;
          chart.ctx.font = g.Chart.helpers.toFont(y.options.ticks.font).string;
          const lines = y.ticks.map((t) => ([] as string[]).concat(t.label));
          return {
            left: y.left,
            width: y.width,
            labels: lines.map((l) => l.join('')),
            widest: Math.max(...lines.flat().map((l) => chart.ctx.measureText(l).width)),
          };
        });
        expect(axis.labels).toEqual([`GET ${BILLS}`, `GET ${ACCOUNTS}`]);
        expect(axis.left).toBeGreaterThanOrEqual(0);
        expect(axis.widest).toBeLessThanOrEqual(axis.width);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });
});

describe('workflow transitions as analytics events', () => {
  const ALLOWED = [
    '_id',
    'type',
    'at',
    'toStatus',
    'organizationId',
    'applicationId',
    'clientId',
    'standard',
  ];
  const events = (filter: Record<string, unknown>) =>
    stack.db.connection.collection('analytics_events').find(filter).sort({ at: 1 }).toArray();

  it('records each onboarding and provisioning transition once, with ids and statuses only', async () => {
    for (const org of [A, B]) {
      const onboarding = await events({ type: 'onboarding.transition', organizationId: org.organizationId });
      expect(onboarding.map((e) => e.toStatus)).toEqual(['PENDING_REVIEW', 'APPROVED']);
      const provisioning = await events({
        type: 'provisioning.transition',
        applicationId: org.applicationId,
      });
      expect(provisioning.map((e) => e.toStatus)).toEqual(['ACTIVE']);
      expect(provisioning[0]).toMatchObject({
        organizationId: org.organizationId,
        clientId: org.clientId,
        standard: 'OFB',
      });
      for (const e of [...onboarding, ...provisioning]) {
        expect(Object.keys(e).filter((k) => !ALLOWED.includes(k))).toEqual([]);
        const stored = JSON.stringify(e);
        for (const personal of [org.email, '@', org.legalName, org.taxId, 'Developer', 'staff'])
          expect([personal, stored.includes(personal)]).toEqual([personal, false]);
      }
    }
    // The roll-ups read them (the window covered them) and count nothing of them.
    const kinds = await stack.db.models.AnalyticsRollup.distinct('kind');
    expect(kinds.every((k) => ['call', 'consent', 'auth'].includes(k))).toBe(true);
  });

  it('writes once however often the same activity is retried', async () => {
    const provisioning = createProvisioningActivities({
      models: stack.db.models,
      registrationEndpoint: 'https://unused.example/reg',
      registrationToken: async () => 'unused',
      secretsKey: MARKETPLACE_SECRETS_KEY,
      fetch,
    });
    const onboarding = createOnboardingActivities({ models: stack.db.models });
    const applicationId = `${names.prefix}-retried-app`;
    const organizationId = `${names.prefix}-retried-org`;
    const attempt = (activityId: string, n: number) =>
      new MockActivityEnvironment({
        activityId,
        attempt: n,
        workflowExecution: { workflowId: `wf-${names.prefix}`, runId: `run-${names.prefix}` },
      });
    for (const n of [1, 2, 3]) {
      await attempt('5', n).run(provisioning.recordStatus, { applicationId, status: 'SUSPENDED' as const });
      await attempt('6', n).run(onboarding.recordOutcome, { organizationId, status: 'EXPIRED' as const });
    }
    await attempt('7', 1).run(provisioning.recordStatus, { applicationId, status: 'ACTIVE' as const });
    expect((await events({ applicationId })).map((e) => e.toStatus)).toEqual(['SUSPENDED', 'ACTIVE']);
    expect((await events({ organizationId })).map((e) => [e.type, e.toStatus])).toEqual([
      ['onboarding.transition', 'EXPIRED'],
    ]);
  });
});

describe('an application without a client yet', () => {
  it('shows zeros, and the organization still only its own clients', async () => {
    const applicationId = `${names.prefix}-no-client`;
    await stack.db.models.Application.create({
      _id: applicationId,
      organizationId: A.organizationId,
      name: 'A draft',
      standard: 'OFB',
      redirectUris: ['https://fintech-a.example/cb'],
      tokenEndpointAuthMethod: 'private_key_jwt',
      createdBy: A.email,
      workflowId: `provisioning-${applicationId}`,
      client: { status: 'FAILED' },
    });
    const one = (await A.web.request(`/api/applications/${applicationId}/insights`)).json<ReportBody>();
    expect(one.applications).toEqual([{ applicationId, name: 'A draft', clientId: null }]);
    expect(one.summary).toEqual(NOTHING);
    expect(one.endpoints).toEqual([]);
    const page = pageText((await A.web.request(`/apps/${applicationId}/insights`)).text);
    expect(page).toContain('none has a client yet');
    expect(page).toContain('API calls 0');
    const all = (await A.web.request('/api/insights')).json<ReportBody>();
    expect(all.applications).toHaveLength(2);
    expect(all.summary).toEqual(A_TOTAL);
  });
});
