// `npm run soak [-- --minutes 15]`: a mixed workload against the whole embedded platform, as
// several people use it at once, reporting hangs, 5xx and each process's memory over time. It
// exits 1 when any request hung or answered 5xx (or a roll-up timed out), 2 when the soak itself
// could not run.
//
// It starts the platform as `npm start` does (scripts/start.ts, its own DATA_DIR and free ports,
// roll-ups every 30 s) and stops it at the end, always; or, given --marketplace-url, --auth-url,
// --gateway-url and --ca, it soaks a platform that is already running (memory with --pid).
// Workload, concurrently from this process: customers' consents (created, authorised at the bank
// with the one-time code, read through the gateway over mTLS, revoked by the recipient or in
// self-service), browser journeys in Chromium (customers in /my, developers in the marketplace,
// staff in the console), a burst of malformed requests every minute, and /readyz probes.
//
// Options: --minutes N (or SOAK_MINUTES; default 15), --deadline S (per request, default 30),
// --json FILE (default test-artifacts/soak-<time>.json), --port-base N (the 8 ports from N; default
// free ports), --data-dir DIR (default a new temporary one, removed after a passing run).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { tlsFetch } from '../lib/http/tls-fetch.js';
import { launchBrowser } from './soak/browser.js';
import { activate, type Http } from './soak/consents.js';
import { metered } from './soak/http.js';
import { Meter } from './soak/meter.js';
import { attachPlatform, startPlatform, type Platform } from './soak/platform.js';
import { bySource, printReport, type Report } from './soak/report.js';
import { rollupRuns } from './soak/rollups.js';
import { provisionRecipient } from './soak/setup.js';
import { runWorkload } from './soak/workload.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string' },
    deadline: { type: 'string', default: '30' },
    json: { type: 'string' },
    'port-base': { type: 'string' },
    'data-dir': { type: 'string' },
    'rollup-every': { type: 'string', default: '30' },
    'marketplace-url': { type: 'string' },
    'auth-url': { type: 'string' },
    'gateway-url': { type: 'string' },
    'worker-url': { type: 'string' },
    ca: { type: 'string' },
    pid: { type: 'string' },
    'temporal-address': { type: 'string' },
  },
});

const minutes = Number(args.minutes ?? process.env.SOAK_MINUTES ?? 15);
const deadlineMs = Number(args.deadline) * 1000;
if (!(minutes > 0) || !(deadlineMs > 0)) {
  console.error('--minutes and --deadline must be positive numbers');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const jsonFile = path.resolve(args.json ?? path.join(root, 'test-artifacts', `soak-${stamp}.json`));
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<number> {
  const meter = new Meter();
  const attach = Boolean(args['marketplace-url']);
  const ownDataDir = !attach && !args['data-dir'];
  const dataDir = attach
    ? undefined
    : path.resolve(args['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'obp-soak-')));
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let stopping = false;
  let interrupted = false;
  const stop = new AbortController();
  const onSignal = () => {
    if (interrupted) {
      // Quit at once, but never leave the platform running.
      platform?.kill();
      process.exit(130);
    }
    interrupted = true;
    stop.abort();
    log('interrupted: stopping the workload and the platform (again to quit at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (attach) {
      if (!args['auth-url'] || !args['gateway-url'] || !args.ca)
        throw new Error('with --marketplace-url, also give --auth-url, --gateway-url and --ca');
      platform = attachPlatform({
        marketplaceUrl: args['marketplace-url']!,
        authUrl: args['auth-url'],
        gatewayUrl: args['gateway-url'],
        ...(args['worker-url'] ? { workerUrl: args['worker-url'] } : {}),
        caPath: args.ca,
        ...(args.pid ? { supervisorPid: Number(args.pid) } : {}),
        ...(args['temporal-address'] ? { temporalAddress: args['temporal-address'] } : {}),
      });
    } else {
      mkdirSync(dataDir!, { recursive: true });
      log(`starting the platform (DATA_DIR ${dataDir})`);
      platform = await startPlatform({
        dataDir: dataDir!,
        ...(args['port-base'] ? { portBase: Number(args['port-base']) } : {}),
        rollupEverySeconds: Number(args['rollup-every']),
        readyTimeoutMs: 180_000,
        log,
        signal: stop.signal,
        // One address plays every customer, developer and staff member, and the recipients are on
        // the Sandbox plan (60 calls a minute): the soak measures the platform, not its traffic
        // limits (test/integration/gateway/traffic-limits.test.ts loads those).
        env: { TRAFFIC_LIMITS: 'false' },
      });
      log(
        `platform ready: marketplace ${platform.marketplaceUrl}, auth ${platform.authUrl}, gateway ${platform.gatewayUrl}`,
      );
    }
    const p = platform;
    const tls = tlsFetch({ ca: p.ca });
    const httpFor = (prefix?: string): Http => ({
      plain: metered(fetch, meter, p.components, deadlineMs, prefix),
      tls: metered(tls, meter, p.components, deadlineMs, prefix),
      wrap: (f, note) => metered(f, meter, p.components, deadlineMs, prefix, note),
      noted: (note) => ({
        plain: metered(fetch, meter, p.components, deadlineMs, prefix, note),
        tls: metered(tls, meter, p.components, deadlineMs, prefix, note),
      }),
      marketplaceUrl: p.marketplaceUrl,
    });
    const http = httpFor();

    browser = await launchBrowser();
    log('setting up: an OFB and an FDX recipient, each from sign-up to credentials, in Chromium');
    const setupCtx = { browser, meter, platform: p, deadlineMs };
    const ofb = activate(await provisionRecipient(setupCtx, 'OFB'), http);
    const fdx = activate(await provisionRecipient(setupCtx, 'FDX'), http);

    const { startedAt, endedAt, counts, sampler } = await runWorkload({
      platform: p,
      browser,
      meter,
      deadlineMs,
      http,
      malformedHttp: httpFor('malformed'),
      probeHttp: httpFor('probe'),
      ofb,
      fdx,
      minutes,
      signal: stop.signal,
      log,
    });
    if (!p.alive()) meter.fail('platform', new Error('the platform (npm start) exited during the soak'));

    const rollups = p.temporalAddress ? await rollupRuns(p.temporalAddress) : undefined;
    stopping = true;
    await browser.close();
    browser = undefined;
    const { leftBehind } = await p.stop();
    platform = undefined;

    const t = meter.totals();
    const growth = sampler?.growth() ?? [];
    const rollupHangs = (rollups?.byStatus.TIMED_OUT ?? 0) + (rollups?.byStatus.FAILED ?? 0);
    const verdict = {
      hangs: t.hangs + rollupHangs,
      serverErrors: t['5xx'],
      memoryFlat: growth.every((g) => g.flat),
      passed: t.hangs + rollupHangs === 0 && t['5xx'] === 0,
    };
    const report: Report = {
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      minutes: Math.round(((endedAt - startedAt) / 60_000) * 10) / 10,
      deadlineSeconds: deadlineMs / 1000,
      platform: attach
        ? { attached: p.marketplaceUrl }
        : { dataDir, rollupEverySeconds: Number(process.env.ANALYTICS_ROLLUP_EVERY ?? args['rollup-every']) },
      totals: t,
      bySource: bySource(meter.summary()),
      workload: counts,
      endpoints: meter.summary(),
      problems: meter.problems,
      workloadFailures: [...meter.failures].map(([what, f]) => ({ what, ...f })),
      memory: { samples: sampler?.samples ?? [], growth },
      ...(rollups ? { rollups } : {}),
      leftBehind,
      verdict,
    };
    printReport(report, console.log);
    mkdirSync(path.dirname(jsonFile), { recursive: true });
    writeFileSync(jsonFile, JSON.stringify(report, null, 2));
    log(`figures written to ${path.relative(process.cwd(), jsonFile)}`);
    if (dataDir && ownDataDir) {
      if (verdict.passed) rmSync(dataDir, { recursive: true, force: true });
      else log(`the platform's data and logs are kept for a look: ${dataDir}`);
    }
    return verdict.passed ? 0 : 1;
  } catch (err) {
    console.error(`soak could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (dataDir) log(`the platform's data and logs: ${dataDir}`);
    return 2;
  } finally {
    await browser?.close().catch(() => undefined);
    if (platform && !stopping) await platform.stop().catch(() => undefined);
  }
}

// Exit now: idle keep-alive sockets to the stopped platform need not hold the process open.
process.exit(await main());
