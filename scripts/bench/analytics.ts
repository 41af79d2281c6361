// Benchmark: what the gateway's analytics costs in throughput (issue 7: on ≥ 0.9× off). In one
// run it starts a Temporal dev server and a FerretDB of its own, then in this process the consent
// worker, the authorization server and the gateway (the integration tests'
// helpers: the same wiring the tests check), authorises one consent, and drives
// GET …/accounts/{id}/balances with N concurrent clients, in blocks of a fixed number of requests,
// analytics off and on alternately:
//   on   the gateway's EventBuffer records every call and writes batches to the database, with the
//        gateway process's settings (EVENT_BUFFER_SETTINGS: capacity 50 000, batches of 500, every
//        1 s). The block's time includes flushing what is left at its end, so it pays for all of
//        its writes (a little more than in steady state: that last write overlaps no requests).
//   off  the same buffer with record() a no-op: nothing is buffered or written. The recordCalls
//        middleware still runs and builds each event (createGatewayApp always installs it), so
//        this measures the buffer and the writes, not the middleware's own microseconds.
// Blocks come in pairs, one of each, in a random order within the pair: adjacent blocks cancel
// drift, and the random order keeps periodic effects from landing on one side. (A strict off, on,
// off, on order measured the per-consent data session of the time instead: it continues as new about every
// 1 000 fetches, i.e. every other block of 500, and the blocks with the longer history and the
// continue-as-new were always the same side: "on" came out 1.2× faster than "off", and as much
// with the labels swapped.) The verdict is the median of the pairs' on/off ratios.
// Everything shares this machine's cores (and whatever else runs on it; the load average is
// printed); absolute numbers are not the platform's, the ratio is the point.
// Usage: npm run bench:analytics [-- --requests 250 --pairs 10 --concurrency 8 --warmup 500]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import * as oidc from 'openid-client';
import { pino } from 'pino';
import type { GatewayCallEvent } from '../../api/gateway/analytics.js';
import { DEMO_CUSTOMERS } from '../../auth/idp/demo-customers.js';
import { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { EVENT_BUFFER_SETTINGS, writeEvents } from '../../lib/analytics/write-events.js';
import { ensureSearchAttributes } from '../../lib/temporal.js';
import { freePort } from '../../runtime/ports.js';
import { startTemporalDevServer } from '../../runtime/temporal-dev-server.js';
import { resolveTool, TEMPORAL_CLI } from '../../runtime/tools.js';
import { startOwnFerretDb } from '../../test/helpers/ferretdb.js';
import { startTestGateway } from '../../test/helpers/gateway.js';
import { customerJourney, pushAuthorization, startOfbStack } from '../../test/helpers/ofb-journey.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '250' },
    pairs: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '500' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const PAIRS = Number(values.pairs);
const WARMUP = Number(values.warmup);
const TARGET = 0.9;
const BALANCES = '/open-banking/accounts/v2/accounts/acc-ana-checking/balances';
const NAMESPACE = 'default';

/** The gateway's buffer, switchable: while `recording` is false, record() does nothing. */
class SwitchableBuffer extends EventBuffer<GatewayCallEvent> {
  recording = true;
  override record(event: GatewayCallEvent): void {
    if (this.recording) super.record(event);
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  const progress = (line: string) => console.error(line);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-bench-analytics-'));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  try {
    progress('starting Temporal dev server and FerretDB…');
    const [temporal, ferret] = await Promise.all([
      (async () =>
        startTemporalDevServer({
          binary: (await resolveTool(TEMPORAL_CLI, progress)).path,
          port: await freePort(),
          namespace: NAMESPACE,
          logFile: path.join(dir, 'temporal.log'),
        }))(),
      startOwnFerretDb(dir, progress),
    ]);
    cleanups.unshift(
      () => temporal.stop(5000),
      () => ferret.stop(),
    );
    const admin = await Connection.connect({ address: temporal.address });
    await ensureSearchAttributes(admin, NAMESPACE, pino({ level: 'warn' }));
    await admin.close();
    // The test helpers find their servers here (set by jest's global setup in tests).
    process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
    process.env.TEST_TEMPORAL_NAMESPACE = NAMESPACE;
    process.env.TEST_MONGODB_URI = ferret.uri;

    progress('starting workers, authorization server and gateway…');
    const stack = await startOfbStack(import.meta.url, 'bench-analytics');
    cleanups.unshift(() => stack.stop());
    let writeErrors = 0;
    const events = new SwitchableBuffer({
      ...EVENT_BUFFER_SETTINGS,
      write: writeEvents<GatewayCallEvent>(stack.db.models.AnalyticsEvent),
      onError: () => void writeErrors++,
    }).start();
    cleanups.unshift(() => events.stop());
    const gw = await startTestGateway(stack, { events });
    cleanups.unshift(() => gw.stop());

    progress('authorising a consent…');
    const consent = await stack.lodge({
      permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
    });
    const { url, checks } = await pushAuthorization(stack.rp, consent.consentId);
    const { callback } = await customerJourney(stack.as, stack.db, url, DEMO_CUSTOMERS[0]!);
    const token = (await oidc.authorizationCodeGrant(stack.rp.config, callback, checks)).access_token;

    const fetcher = gw.fetcher(stack.rp.cert);
    let failures = 0;
    const call = async () => {
      const res = await fetcher(`${gw.url}${BALANCES}`, {
        headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
      });
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
    };
    const drive = async (requests: number) => {
      let left = requests;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (left-- > 0) await call();
        }),
      );
      return (performance.now() - started) / 1000;
    };

    progress(`warming up (${WARMUP} requests)…`);
    await drive(WARMUP);
    await events.flush();

    type Mode = 'off' | 'on';
    const blocks: { mode: Mode; seconds: number }[] = [];
    const block = async (pair: number, mode: Mode) => {
      events.recording = mode === 'on';
      const started = performance.now();
      await drive(REQUESTS);
      if (mode === 'on') await events.flush();
      const seconds = (performance.now() - started) / 1000;
      blocks.push({ mode, seconds });
      console.log(
        `  pair ${String(pair).padStart(2)} analytics ${mode.padEnd(3)} ${REQUESTS} requests in ` +
          `${seconds.toFixed(2).padStart(6)} s = ${(REQUESTS / seconds).toFixed(1).padStart(6)} req/s`,
      );
      return REQUESTS / seconds;
    };
    console.log(
      `analytics benchmark: GET ${BALANCES}, ${PAIRS} pairs of blocks (off and on, random order) of ` +
        `${REQUESTS} requests, ${CONCURRENCY} concurrent clients; ${os.cpus().length} cores, load average ${loadAverage()}`,
    );
    const ratios: number[] = [];
    for (let pair = 1; pair <= PAIRS; pair++) {
      const order: Mode[] = Math.random() < 0.5 ? ['off', 'on'] : ['on', 'off'];
      const rates: Partial<Record<Mode, number>> = {};
      for (const mode of order) rates[mode] = await block(pair, mode);
      ratios.push(rates.on! / rates.off!);
    }
    events.recording = true;

    const rate = (mode: Mode) => {
      const bs = blocks.filter((b) => b.mode === mode);
      return (bs.length * REQUESTS) / bs.reduce((s, b) => s + b.seconds, 0);
    };
    const sorted = [...ratios].sort((a, b) => a - b);
    const median =
      (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
    const off = rate('off');
    const on = rate('on');
    console.log(`analytics off: ${off.toFixed(1)} req/s (all off blocks)`);
    console.log(`analytics on:  ${on.toFixed(1)} req/s (all on blocks)`);
    console.log(`ratio on/off:  ${(on / off).toFixed(3)}× overall`);
    console.log(
      `               pairs: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${median.toFixed(3)}×`,
    );
    console.log(
      `target: on/off ≥ ${TARGET}× (median of pairs): ${median >= TARGET ? 'MET' : 'NOT MET'} ` +
        `(load average at the end ${loadAverage()})`,
    );
    const stats = events.stats();
    const stored = await stack.db.models.AnalyticsEvent.countDocuments({ type: 'gateway.call' });
    console.log(
      `event buffer: written ${stats.written}, dropped ${stats.dropped}, buffered ${stats.buffered}, ` +
        `failed writes ${stats.failedWrites}${writeErrors ? ` (${writeErrors} errors)` : ''}; ` +
        `${stored} gateway.call events in the database (calls recorded, warm-up and "on" blocks: ${WARMUP + PAIRS * REQUESTS})`,
    );
    if (failures > 0)
      console.log(`WARNING: ${failures} requests did not answer 200: the figures are not valid`);
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((err: unknown) => progress(`cleanup: ${String(err)}`));
  }
}

await main();
