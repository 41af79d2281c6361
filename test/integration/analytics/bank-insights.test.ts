// The bank's insights page and JSON API in the consoles, over the activities' roll-ups of the
// known raw events (test/helpers/analytics-rollups.ts): staff sessions, the exact numbers per
// scope and granularity, bad queries, and the charts drawn in a real browser under the CSP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import { INSIGHTS_ASSETS } from '../../../lib/analytics/insights-view.js';
import { stats } from '../../helpers/analytics-events.js';
import {
  A_TOTAL,
  ACCOUNTS,
  B_FUNNEL,
  BALANCES,
  BANK_TOTAL,
  consentBucket,
  FDX_ACCOUNTS,
  FDX_TRANSACTIONS,
  knownEvents,
  M1,
  M2,
  NOTHING,
  rollUpAll,
} from '../../helpers/analytics-rollups.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import { HttpSession, pageText, staffSession, startConsoles } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { testClient, testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const { A, B, EVENTS } = knownEvents(names.prefix);
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let marketplace: Awaited<ReturnType<typeof startConsoles>>;

const logIn = (who: { email: string; password: string }) =>
  staffSession(marketplace.baseUrl, who, '/admin/insights');

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  // Written as stored, so that the organization id the gateway may record is kept too.
  await db.connection.collection('analytics_events').insertMany(EVENTS as never[]);
  await rollUpAll(db.models);
});

afterAll(async () => {
  await marketplace?.stop();
  await temporal?.close();
  await db?.drop();
});

describe("the bank's insights page and API", () => {
  let viewer: HttpSession;
  let anonymous: HttpSession;
  const [, VIEWER] = DEMO_STAFF as [(typeof DEMO_STAFF)[0], (typeof DEMO_STAFF)[0]];
  const MINUTE_QUERY = `granularity=minute&from=${M1}&to=2026-03-15T00:00`;

  beforeAll(async () => {
    await seedDemoStaff(db.models);
    marketplace = await startConsoles({ client, db, taskQueue: names.taskQueue });
    viewer = await logIn(VIEWER);
    anonymous = new HttpSession(marketplace.baseUrl);
  });

  it('needs a staff session: the API answers 401, the page sends to the log-in form', async () => {
    for (const path of ['summary', 'endpoints', 'consents']) {
      const res = await anonymous.request(`/admin/api/analytics/${path}?${MINUTE_QUERY}`);
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    }
    const page = await anonymous.request('/admin/insights?granularity=day');
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/admin/login?next=${encodeURIComponent('/admin/insights?granularity=day')}`);
  });

  it('answers the summary, endpoints and consents as JSON for VIEW staff, for the bank or one client', async () => {
    const summary = await viewer.request(`/admin/api/analytics/summary?${MINUTE_QUERY}`);
    expect(summary.status).toBe(200);
    expect(summary.headers.get('cache-control')).toBe('no-store');
    expect(summary.json()).toEqual({
      range: { from: `${M1}:00.000Z`, to: '2026-03-15T00:00:00.000Z', granularity: 'minute' },
      summary: BANK_TOTAL,
      auth: { tokensIssued: 4, tokensDenied: 1, loginsSucceeded: 2, loginsFailed: 1 },
      data: [
        { bucket: `${M1}:00.000Z`, ...stats(5, 1, 0.2, 460, 74.4, 25, 500) },
        { bucket: `${M2}:00.000Z`, ...stats(6, 3, 0.5, 5320, 7716, 5, 30_000) },
      ],
    });

    // A whole day given as a date, for one client.
    const ofA = await viewer.request(
      `/admin/api/analytics/summary?granularity=day&from=2026-03-14&to=2026-03-14&clientId=${A}`,
    );
    expect(ofA.json()).toMatchObject({
      range: {
        from: '2026-03-14T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        granularity: 'day',
        clientId: A,
      },
      summary: A_TOTAL,
      data: [{ bucket: '2026-03-14T00:00:00.000Z', ...A_TOTAL }],
    });

    const endpoints = await viewer.request(
      '/admin/api/analytics/endpoints?granularity=hour&from=2026-03-14T23:00Z&to=2026-03-15T00:00Z&limit=2',
    );
    expect(endpoints.status).toBe(200);
    expect(
      endpoints
        .json<{ data: { endpoint: string; calls: number }[] }>()
        .data.map((e) => [e.endpoint, e.calls]),
    ).toEqual([
      [ACCOUNTS, 5],
      [FDX_ACCOUNTS, 3],
    ]);

    const consents = await viewer.request(`/admin/api/analytics/consents?${MINUTE_QUERY}&clientId=${B}`);
    expect(consents.json()).toEqual({
      range: { from: `${M1}:00.000Z`, to: '2026-03-15T00:00:00.000Z', granularity: 'minute', clientId: B },
      funnel: B_FUNNEL,
      data: [
        consentBucket(`${M1}:00.000Z`, { created: 1 }),
        consentBucket(`${M2}:00.000Z`, { authorised: 1, held: 1 }),
      ],
    });

    // Defaults: the last 24 hours, per hour.
    const recent = await viewer.request('/admin/api/analytics/summary');
    expect(recent.status).toBe(200);
    expect(recent.json<{ data: unknown[]; range: { granularity: string } }>()).toMatchObject({
      range: { granularity: 'hour' },
      summary: NOTHING,
    });
    expect(recent.json<{ data: unknown[] }>().data).toHaveLength(24);
  });

  it('answers a bad query with 400 problem details naming the field', async () => {
    const bad = async (query: string, field: string) => {
      const res = await viewer.request(`/admin/api/analytics/summary?${query}`);
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      const body = res.json<{ title: string; errors: { field: string; message: string }[] }>();
      expect(body.title).toBe('Invalid query');
      expect(body.errors.map((e) => e.field)).toEqual([field]);
      return body.errors[0]!.message;
    };
    expect(await bad('granularity=week', 'granularity')).toBe('must be minute, hour or day');
    expect(await bad('from=yesterday', 'from')).toMatch(/^must be a date, YYYY-MM-DD/);
    expect(await bad('from=2026-02-30', 'from')).toMatch(/^must be a date/);
    expect(await bad('from=2026-03-15&to=2026-03-14T12:00Z', 'to')).toBe('must be a time after from');
    expect(await bad('granularity=minute&from=2026-03-01&to=2026-03-03', 'from')).toMatch(
      /at most 1440 minutes/,
    );
    expect(await bad('from=2026-03-14&from=2026-03-15', 'from')).toMatch(/\(once\)/);
    expect(await bad(`clientId=${encodeURIComponent('a b')}`, 'clientId')).toBe('must be a client id');
    const limit = await viewer.request('/admin/api/analytics/endpoints?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('limit');
  });

  it('shows the dashboard: tables that need no script, charts drawn by local scripts from a JSON block', async () => {
    const res = await viewer.request(`/admin/insights?${MINUTE_QUERY}`);
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('API calls 11');
    expect(text).toContain('Errors (status 400 and above) 4');
    expect(text).toContain('Error rate 36.4%');
    expect(text).toContain('Latency p50 25 ms');
    expect(text).toContain('Latency p95 30000 ms');
    expect(text).toContain('Tokens issued / denied 4 / 1');
    expect(text).toContain(`GET ${ACCOUNTS} 5 2 40.0% 5 ms 100 ms`);
    expect(text).toContain('Created Authorised Authorisation rate Rejected Revoked Expired 5 3 60.0% 1 1 1');
    expect(text).toContain('2026-03-14 23:59 6 3 50.0% 5 ms 30000 ms');
    expect(res.text).toContain('<a href="/admin/insights">Insights</a>');

    // Scripts only from this server; the only inline <script> is the data block, which runs nothing.
    const scripts = [...res.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!.trim());
    expect(scripts).toEqual([
      'type="application/json"',
      `src="${INSIGHTS_ASSETS.chartJs}" defer`,
      `src="${INSIGHTS_ASSETS.script}" defer`,
    ]);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const data = JSON.parse(/<script type="application\/json">([\s\S]*?)<\/script>/.exec(res.text)![1]!);
    expect(data).toMatchObject({
      labels: ['2026-03-14 23:58', '2026-03-14 23:59'],
      calls: [5, 6],
      errors: [1, 3],
      p50Ms: [25, 5],
      p95Ms: [500, 30_000],
      endpoints: {
        labels: [`GET ${ACCOUNTS}`, `GET ${FDX_ACCOUNTS}`, `GET ${BALANCES}`, `GET ${FDX_TRANSACTIONS}`],
      },
      consents: { created: [3, 2], authorised: [1, 2] },
      funnel: { values: [5, 3, 1, 1, 1] },
    });
    expect(res.text.match(/<canvas data-chart="(\w+)"/g)).toHaveLength(5);

    // One recipient's dashboard shows none of the other's endpoints.
    const ofA = await viewer.request(`/admin/insights?${MINUTE_QUERY}&clientId=${A}`);
    expect(pageText(ofA.text)).toContain('API calls 6');
    expect(ofA.text).not.toContain('/fdx/');

    const bad = await viewer.request('/admin/insights?granularity=week');
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain('granularity must be minute, hour or day');

    const consoleNav = await viewer.request('/admin/consents');
    expect(consoleNav.text).toContain('href="/admin/insights"');
  });

  it('draws the five charts in a real browser under the CSP, without a console error', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const url = new URL(marketplace.baseUrl);
      await context.addCookies(
        [...viewer.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/admin' })),
      );
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // A failed request is reported below, with its URL.
        if (['error', 'warning'].includes(m.type()) && !m.text().startsWith('Failed to load resource'))
          problems.push(m.text());
      });
      page.on('pageerror', (err) => problems.push(err.message));
      // The browser asks for /favicon.ico on its own; every other request must succeed.
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
      });
      await withScreenshot(page, 'analytics-insights', async () => {
        await page.goto(`${marketplace.baseUrl}/admin/insights?${MINUTE_QUERY}`);
        await page.waitForSelector('[data-insights-charts][data-drawn]');
        // Runs in the page: what chart.js holds for each canvas.
        const drawn = await page.evaluate(() => {
          const g = globalThis as unknown as {
            document: { querySelectorAll(s: string): Iterable<{ getAttribute(n: string): string | null }> };
            Chart: { getChart(c: unknown): { data: { datasets: { data: unknown[] }[] } } | undefined };
          };
          return [...g.document.querySelectorAll('canvas[data-chart]')].map((canvas) => [
            canvas.getAttribute('data-chart'),
            g.Chart.getChart(canvas)?.data.datasets[0]?.data,
          ]);
        });
        expect(drawn).toEqual([
          ['calls', [5, 6]],
          ['latency', [25, 5]],
          ['endpoints', [5, 3, 2, 1]],
          ['consents', [3, 2]],
          ['funnel', [5, 3, 1, 1, 1]],
        ]);
      });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('serves chart.js and the chart initializer from this server, without a session', async () => {
    const chartJs = await anonymous.request(INSIGHTS_ASSETS.chartJs);
    expect(chartJs.status).toBe(200);
    expect(chartJs.contentType).toMatch(/javascript/);
    expect(chartJs.text).toContain('Chart.js v4.6.1');
    const script = await anonymous.request(INSIGHTS_ASSETS.script);
    expect(script.status).toBe(200);
    expect(script.contentType).toMatch(/javascript/);
    expect(script.text).toContain('data-insights-charts');
    const style = await anonymous.request(INSIGHTS_ASSETS.style);
    expect(style.status).toBe(200);
    expect(style.contentType).toMatch(/^text\/css/);
    expect((await anonymous.request('/assets/chart.js/package.json')).status).toBe(404);
  });
});
