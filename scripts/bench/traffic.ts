// Benchmark: what the gateway's traffic limits add to a call. It runs the two middlewares every
// gateway call passes — the global ceiling and, after the access check, the organization's, the
// plan's and (with --operational) the operational limits — on a synthetic call to
// GET …/accounts/{id}/balances, with limits high enough that nothing is refused, and reports per
// call: the CPU time this process spent, and the wall time a call waited (one at a time, then 64
// in flight). Counters in this process, then in Redis (REDIS_URL, default redis://127.0.0.1:6379,
// under a prefix of this run). Nothing else runs: the numbers are the limiter's own, on whatever
// else shares this machine's cores (the load average is printed).
// Usage: npm run bench:traffic [-- --calls 20000 --redis-calls 5000 --operational]
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { NextFunction, Request, Response } from 'express';
import { pino } from 'pino';
import { gatewayTraffic } from '../../api/gateway/traffic.js';
import { counterStore, type CounterStore } from '../../lib/traffic/counters.js';
import { trafficLimits } from '../../lib/traffic/limits.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '20000' },
    'redis-calls': { type: 'string', default: '5000' },
    operational: { type: 'boolean', default: false },
  },
});
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'warn' });
const limits = trafficLimits({
  globalTps: 1e9,
  classes: { high: 1e9, mediumHigh: 1e9, medium: 1e9, low: 1e9 },
  operationalLimits: values.operational,
});

/** One synthetic call of one of 100 organizations' applications, for one of 1,000 accounts. */
function call(i: number): { req: Request; res: Response } {
  const org = i % 100;
  const req = {
    method: 'GET',
    baseUrl: '/open-banking/accounts/v2',
    originalUrl: `/open-banking/accounts/v2/accounts/acc-${i % 1000}/balances`,
    route: { path: '/accounts/:accountId/balances' },
    params: { accountId: `acc-${i % 1000}` },
  } as unknown as Request;
  const res = {
    locals: {
      token: { clientId: `mkt-${org}`, consentId: `urn:bank:${i % 500}`, scopes: [], exp: 0, audience: [] },
      client: { applicationId: `app-${org}`, organizationId: `org-${org}`, status: 'ACTIVE' },
      consent: { _id: `urn:bank:${i % 500}`, loggedUserDocument: `${10_000_000_000 + (i % 500)}` },
    },
    setHeader() {},
  } as unknown as Response;
  return { req, res };
}

async function measure(store: CounterStore, calls: number, inFlight: number) {
  // A huge plan: counted, never refused.
  const traffic = gatewayTraffic({ store, limits, planLimit: async () => 1e9 });
  const one = async (i: number) => {
    const { req, res } = call(i);
    let passed = false;
    const next = (() => void (passed = true)) as NextFunction;
    await traffic.ceiling(req, res, next);
    if (!passed) throw new Error('refused by the ceiling');
    passed = false;
    await traffic.afterAccess(req, res, next);
    if (!passed) throw new Error('refused after access');
  };
  for (let i = 0; i < Math.min(1000, calls); i++) await one(i); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  let i = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (i < calls) await one(i++);
    }),
  );
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    cpuUsPerCall: Math.round(((used.user + used.system) / calls) * 10) / 10,
    wallUsPerCall: Math.round(((wallMs * 1000) / calls) * 10) / 10,
    callsPerSecond: Math.round((calls / wallMs) * 1000),
  };
}

const calls = Number(values.calls);
const redisCalls = Number(values['redis-calls']);
const results: Record<string, unknown> = {
  loadAverage: os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
};
const memory = counterStore({ keyPrefix: 'bench', logger });
results['memory, one at a time'] = await measure(memory, calls, 1);
results['memory, 64 in flight'] = await measure(memory, calls, 64);
await memory.close();
const redis = counterStore({ redisUrl, keyPrefix: `bench:${randomUUID()}`, logger });
if (!(await redis.connected())) throw new Error(`no Redis at ${redisUrl}`);
results['redis, one at a time'] = await measure(redis, redisCalls, 1);
results['redis, 64 in flight'] = await measure(redis, redisCalls, 64);
await redis.close();
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
