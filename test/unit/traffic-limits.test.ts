// The traffic limits as configured (OFB's floors by default, the environment's numbers otherwise,
// every gateway endpoint in a class) and the counters under them: clock-aligned windows, Retry-After
// to the window's end, one count across replicas in Redis, and per-replica counting — never an
// error — while Redis is away.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ofbConsentsRouter, CONSENTS_BASE } from '../../api/gateway/ofb/consents/routes.js';
import { ACCOUNTS_BASE, ofbAccountsRouter } from '../../api/gateway/ofb/accounts/routes.js';
import { CREDIT_CARDS_BASE, ofbCreditCardsRouter } from '../../api/gateway/ofb/credit-cards/routes.js';
import { CUSTOMERS_BASE, ofbCustomersRouter } from '../../api/gateway/ofb/customers/routes.js';
import { ofbResourcesRouter, RESOURCES_BASE } from '../../api/gateway/ofb/resources/routes.js';
import { fdxConsentsRouter, FDX_BASE } from '../../api/gateway/fdx/consents/routes.js';
import { fdxCoreRouter } from '../../api/gateway/fdx/core/routes.js';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { counterStore, windowAt } from '../../lib/traffic/counters.js';
import { eventually } from '../helpers/eventually.js';
import {
  GATEWAY_ENDPOINT_CLASSES,
  OFB_ORIGIN_FLOORS,
  operationalLimit,
  OFB_OPERATIONAL_LIMITS,
} from '../../lib/traffic/limits.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });

function capturingLogger() {
  const lines: { msg: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string; level: number });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('traffic limits as configured', () => {
  it("defaults to OFB's floors, counts in process, and leaves operational limits off", () => {
    const { traffic } = loadConfig({});
    expect(traffic.redisUrl).toBeUndefined();
    expect(traffic.limits).toEqual({
      globalTps: 300,
      classes: { high: 2000, mediumHigh: 1500, medium: 1000, low: 500 },
      operationalLimits: false,
      perAddress: { loginsPerMinute: 30, codesPerMinute: 30, signupsPerHour: 10, enrolmentsPerHour: 10 },
    });
    expect(OFB_ORIGIN_FLOORS).toEqual(traffic.limits.classes);
  });

  it('takes every number, Redis and the operational limits from the environment', () => {
    const { traffic } = loadConfig({
      REDIS_URL: 'redis://cache.bank.internal:6379',
      REDIS_KEY_PREFIX: 'bank1:traffic',
      GATEWAY_GLOBAL_TPS: '450',
      TRAFFIC_LIMIT_HIGH: '3000',
      TRAFFIC_LIMIT_MEDIUM_HIGH: '2500',
      TRAFFIC_LIMIT_MEDIUM: '1200',
      TRAFFIC_LIMIT_LOW: '600',
      OFB_OPERATIONAL_LIMITS: 'true',
      LOGIN_LIMIT_PER_ADDRESS: '10',
      CODE_LIMIT_PER_ADDRESS: '11',
      SIGNUP_LIMIT_PER_ADDRESS: '3',
      ENROLMENT_LIMIT_PER_ADDRESS: '2',
    });
    expect(traffic).toEqual({
      enabled: true,
      redisUrl: 'redis://cache.bank.internal:6379',
      keyPrefix: 'bank1:traffic',
      limits: {
        globalTps: 450,
        classes: { high: 3000, mediumHigh: 2500, medium: 1200, low: 600 },
        operationalLimits: true,
        perAddress: { loginsPerMinute: 10, codesPerMinute: 11, signupsPerHour: 3, enrolmentsPerHour: 2 },
      },
    });
  });

  it('refuses a limit that is not a whole number of calls, and never echoes the Redis URL', () => {
    expect(() => loadConfig({ TRAFFIC_LIMIT_LOW: '0' })).toThrow(
      new ConfigError(
        'Invalid configuration: TRAFFIC_LIMIT_LOW must be a whole number of calls per minute (at least 1), got "0"',
      ),
    );
    expect(() => loadConfig({ REDIS_URL: 'http://user:secret@cache' })).toThrow(
      new ConfigError(
        'Invalid configuration: REDIS_URL must be a Redis URL, redis://host:6379 or rediss://…',
      ),
    );
  });

  it('puts every gateway endpoint in a class', () => {
    const stub = {} as never;
    const routers: [string, { stack: unknown[] }][] = [
      [
        CONSENTS_BASE,
        ofbConsentsRouter({
          access: stub,
          models: stub,
          lodge: stub,
          transitions: stub,
          baseUrl: '',
          logger: silent,
        }),
      ],
      [RESOURCES_BASE, ofbResourcesRouter({ access: stub, fetchData: stub, baseUrl: '', bank: stub })],
      [ACCOUNTS_BASE, ofbAccountsRouter({ access: stub, fetchData: stub, baseUrl: '', bank: stub })],
      [CREDIT_CARDS_BASE, ofbCreditCardsRouter({ access: stub, fetchData: stub, baseUrl: '', bank: stub })],
      [CUSTOMERS_BASE, ofbCustomersRouter({ access: stub, fetchData: stub, baseUrl: '', bank: stub })],
      [FDX_BASE, fdxConsentsRouter({ access: stub, models: stub, transitions: stub, provider: stub })],
      [FDX_BASE, fdxCoreRouter({ access: stub, fetchData: stub, baseUrl: '', routingNumber: '' })],
    ];
    const endpoints = routers.flatMap(([base, router]) =>
      router.stack.flatMap((layer) => {
        const route = (layer as { route?: { path: string; methods: Record<string, boolean> } }).route;
        if (!route) return [];
        return Object.keys(route.methods).map((m) => `${m.toUpperCase()} ${base}${route.path}`);
      }),
    );
    expect(endpoints.length).toBeGreaterThan(30);
    expect(endpoints.filter((e) => !(e in GATEWAY_ENDPOINT_CLASSES))).toEqual([]);
    expect(Object.keys(GATEWAY_ENDPOINT_CLASSES).filter((e) => !endpoints.includes(e))).toEqual([]);
  });

  it("holds OFB's operational floors, and none on consents or resources", () => {
    expect(new Set(Object.values(OFB_OPERATIONAL_LIMITS))).toEqual(new Set([4, 30, 240, 420]));
    expect(operationalLimit('GET /open-banking/accounts/v2/accounts/:accountId/balances')).toBe(420);
    expect(operationalLimit('GET /open-banking/customers/v2/personal/identifications')).toBe(4);
    expect(operationalLimit('GET /open-banking/consents/v3/consents/:consentId')).toBeUndefined();
    expect(operationalLimit('GET /open-banking/resources/v3/resources')).toBeUndefined();
  });
});

describe('windows', () => {
  it('are aligned to the clock, and months are Brasília months', () => {
    expect(windowAt('minute', Date.UTC(2026, 4, 2, 10, 25, 55, 123))).toEqual({
      id: String(Math.floor(Date.UTC(2026, 4, 2, 10, 25) / 60_000)),
      endsAt: Date.UTC(2026, 4, 2, 10, 26),
    });
    expect(windowAt('second', 1_700_000_000_400).endsAt).toBe(1_700_000_001_000);
    // 02:00 UTC on 1 January is still 31 December in Brasília (UTC-3).
    expect(windowAt('month', Date.UTC(2026, 0, 1, 2))).toEqual({
      id: '2025-12',
      endsAt: Date.UTC(2026, 0, 1, 3),
    });
    expect(windowAt('month', Date.UTC(2026, 0, 1, 3)).id).toBe('2026-1');
  });
});

describe('counters in this process', () => {
  it('let the limit through in each window, refuse the rest until the window ends, and start again', async () => {
    let now = Date.UTC(2026, 4, 2, 10, 25, 10);
    const store = counterStore({ keyPrefix: `t:${randomUUID()}`, logger: silent, now: () => now });
    const counter = store.counter('origin', 3, 'minute');
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await counter.hit('org:a'));
    expect(hits).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, retryAfterS: 50 },
      { allowed: false, retryAfterS: 50 },
    ]);
    expect(await counter.hit('org:b')).toEqual({ allowed: true });
    now = Date.UTC(2026, 4, 2, 10, 26, 0);
    expect(await counter.hit('org:a')).toEqual({ allowed: true });
    expect(store.shared).toBe(false);
    await store.close();
  });

  it('keep monthly counts without a timer, and a new month starts at 0', async () => {
    let now = Date.UTC(2026, 4, 2);
    const store = counterStore({ keyPrefix: `t:${randomUUID()}`, logger: silent, now: () => now });
    const counter = store.counter('operational', 4, 'month');
    for (let i = 0; i < 4; i++) expect(await counter.hit('k')).toEqual({ allowed: true });
    const refused = await counter.hit('k');
    expect(refused).toEqual({ allowed: false, retryAfterS: (Date.UTC(2026, 5, 1, 3) - now) / 1000 });
    now = Date.UTC(2026, 5, 1, 3);
    expect(await counter.hit('k')).toEqual({ allowed: true });
    await store.close();
  });
});

describe('counters in Redis', () => {
  it('are one count across replicas', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const registry = new Registry();
    const a = counterStore({ redisUrl: REDIS_URL, keyPrefix, logger: silent, registry });
    const b = counterStore({ redisUrl: REDIS_URL, keyPrefix, logger: silent });
    try {
      expect(a.shared).toBe(true);
      expect(await a.connected()).toBe(true);
      expect(await b.connected()).toBe(true);
      const [ca, cb] = [a.counter('plan', 5, 'hour'), b.counter('plan', 5, 'hour')];
      // Inside one hour window: wait out its last seconds rather than straddle two.
      const left = windowAt('hour', Date.now()).endsAt - Date.now();
      if (left < 5000) await new Promise((r) => setTimeout(r, left + 100));
      const verdicts = [];
      for (const c of [ca, cb, ca, cb, ca, cb, ca]) verdicts.push(await c.hit('app-1'));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
      expect(verdicts.slice(5).every((v) => !v.allowed && v.retryAfterS > 0 && v.retryAfterS <= 3600)).toBe(
        true,
      );
      expect(await registry.getSingleMetricAsString('traffic_counter_fallbacks_total')).toMatch(/ 0$/m);
      expect(await registry.getSingleMetricAsString('traffic_refused_total')).toContain('counter="plan"} 1');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fall back to this process while Redis is away: the limit holds, nothing fails, and it is said', async () => {
    const { logger, lines } = capturingLogger();
    const registry = new Registry();
    // Nothing listens on port 1.
    const store = counterStore({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'x', logger, registry });
    try {
      const counter = store.counter('origin', 2, 'hour');
      const verdicts = [];
      for (let i = 0; i < 4; i++) verdicts.push(await counter.hit('org:a'));
      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false, false]);
      expect(await registry.getSingleMetricAsString('traffic_counter_fallbacks_total')).toMatch(/ 4$/m);
      expect(await registry.getSingleMetricAsString('traffic_counter_store_up')).toMatch(/ 0$/m);
      // One line for the outage, however many reconnection attempts fail.
      await eventually(async () => {
        expect(lines.filter((l) => l.msg.startsWith('traffic counters: Redis unavailable'))).toHaveLength(1);
      });
      await new Promise((r) => setTimeout(r, 1000));
      expect(lines.filter((l) => l.msg.startsWith('traffic counters: Redis unavailable'))).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
