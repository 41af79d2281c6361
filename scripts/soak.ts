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
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Connection, Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { tlsFetch } from '../lib/http/tls-fetch.js';
import type { Grant } from '../examples/recipient-app/sessions.js';
import { launchBrowser, openPerson } from './soak/browser.js';
import {
  abandonConsent,
  activate,
  createConsent,
  CUSTOMERS,
  readData,
  revokeConsent,
  type ActiveRecipient,
  type Customer,
  type Http,
} from './soak/consents.js';
import { metered } from './soak/http.js';
import { customerSelfService, developerVisit, staffVisit } from './soak/journeys.js';
import { malformedBurst } from './soak/malformed.js';
import { MemorySampler } from './soak/memory.js';
import { Meter } from './soak/meter.js';
import { attachPlatform, startPlatform, type Platform } from './soak/platform.js';
import { printReport, type Report, type RollupRuns } from './soak/report.js';
import { provisionRecipient } from './soak/setup.js';

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

const SAMPLE_MS = 15_000;
const BURST_MS = 60_000;

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
const jitter = (min: number, max: number) => min + Math.random() * (max - min);

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
  // Every loop's pause listens to it.
  setMaxListeners(64, stop.signal);
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
    const malformedHttp = httpFor('malformed');
    const probeHttp = httpFor('probe');

    browser = await launchBrowser();
    log('setting up: an OFB and an FDX recipient, each from sign-up to credentials, in Chromium');
    const setupCtx = { browser, meter, platform: p, deadlineMs };
    const ofb = activate(await provisionRecipient(setupCtx, 'OFB'), http);
    const fdx = activate(await provisionRecipient(setupCtx, 'FDX'), http);
    const recipients = [ofb, fdx];

    // The workload.
    const startedAt = Date.now();
    const until = startedAt + minutes * 60_000;
    const running = () => Date.now() < until && !interrupted && p.alive();
    const pause = (ms: number) => sleep(Math.max(0, Math.min(ms, until - Date.now())), stop.signal);
    // A platform that exits ends the workload at once.
    const watchdog = setInterval(() => {
      if (!p.alive()) stop.abort();
    }, 1000);
    const counts: Record<string, number> = {};
    const count = (what: string, n = 1) => (counts[what] = (counts[what] ?? 0) + n);
    const loop = async (name: string, gapMs: () => number, body: () => Promise<void>) => {
      while (running()) {
        try {
          await body();
        } catch (err) {
          meter.fail(name, err);
          await pause(2000);
        }
        await pause(gapMs());
      }
    };

    interface Held {
      r: ActiveRecipient;
      customer: Customer;
      grant: Grant;
    }
    const pool: Held[] = [];
    const take = (i: number) => pool.splice(i, 1)[0]!;
    const usable = (h: Held) => h.grant.expiresAt > Date.now() + 15_000;

    const consentLoop = (r: ActiveRecipient, customer: Customer) => {
      let n = 0;
      return loop(
        `consent ${r.standard} ${customer.name}`,
        () => jitter(3000, 6000),
        async () => {
          // Keep a few consents per recipient and customer (the bank allows 10): revoke the oldest
          // and any whose token is about to expire.
          for (let i = pool.length - 1; i >= 0; i--) {
            const h = pool[i]!;
            if (h.r === r && h.customer === customer && !usable(h)) await revoke(take(i));
          }
          const mine = pool.filter((h) => h.r === r && h.customer === customer);
          if (mine.length >= 3) await revoke(take(pool.indexOf(mine[0]!)));
          if (++n % 4 === 0) {
            await abandonConsent(r, customer);
            count('consents left unauthorised');
            return;
          }
          const grant = await createConsent(http, r, customer);
          count(`consents authorised ${r.standard}`);
          pool.push({ r, customer, grant });
        },
      );
    };
    const revoke = async (h: Held) => {
      const { revocation, after } = await revokeConsent(h.r, h.grant);
      count(`consents revoked by the recipient ${h.r.standard}`);
      if (revocation >= 300) throw new Error(`the revocation answered ${revocation}`);
      if (after !== 401 && after !== 403)
        throw new Error(`a data call with a revoked consent's token answered ${after}, not 401`);
    };

    const dataLoop = (i: number) =>
      loop(
        `data reads ${i}`,
        () => jitter(300, 1500),
        async () => {
          const live = pool.filter(usable);
          if (!live.length) {
            await pause(1000);
            return;
          }
          const h = live[Math.floor(Math.random() * live.length)]!;
          const statuses = await readData(h.r, h.grant);
          count(`data reads ${h.r.standard}`, statuses.length);
          // A consent revoked in the meantime answers 401; anything else not 200 is a finding.
          const odd = statuses.filter((s) => s !== 200 && !(s === 401 && !pool.includes(h)));
          if (odd.length) throw new Error(`data calls answered ${odd.join(', ')} for a live consent`);
        },
      );

    const journeys = [
      async (k: number) => {
        const customer = CUSTOMERS[k % CUSTOMERS.length]!;
        // Every other visit stops one of the customer's consents in self-service.
        const i = k % 4 < 2 ? pool.findIndex((h) => h.customer === customer) : -1;
        const held = i >= 0 ? take(i) : undefined;
        await person(async (page) => {
          const done = await customerSelfService(page, http, customer, held?.grant.consentId);
          count(done === 'revoked' ? 'consents revoked in self-service' : 'self-service visits');
        });
      },
      async (k: number) => {
        const known = recipients[k % 2]!.developer;
        const fresh = `soak-dev-${Date.now().toString(36)}-${k}@fintech.example`;
        await person((page) =>
          developerVisit(page, p.marketplaceUrl, k % 3 === 0 ? { signUpAs: fresh } : { logInAs: known }),
        );
        count(k % 3 === 0 ? 'developer sign-ups' : 'developer visits');
      },
      async () => {
        await person((page) => staffVisit(page, p.marketplaceUrl));
        count('console visits');
      },
    ];
    const person = async (walk: (page: Page) => Promise<void>) => {
      const someone = await openPerson(browser!, meter, p.components, deadlineMs);
      try {
        await walk(someone.page);
      } finally {
        await someone.close();
      }
    };
    const browserLoop = (offset: number) => {
      let k = offset;
      return loop(
        `browser journeys ${offset}`,
        () => jitter(2000, 5000),
        async () => {
          const j = k++;
          await journeys[j % journeys.length]!(Math.floor(j / journeys.length));
        },
      );
    };

    const probes = () =>
      loop(
        'readiness probes',
        () => SAMPLE_MS,
        async () => {
          await Promise.all(
            Object.values(p.readyz).map((u) =>
              (u.startsWith('https') ? probeHttp.tls : probeHttp.plain)(u).catch(() => undefined),
            ),
          );
        },
      );

    const malformed = async () => {
      await pause(20_000);
      await loop(
        'malformed burst',
        () => BURST_MS,
        async () => {
          await malformedBurst({
            http: malformedHttp,
            authUrl: p.authUrl,
            gatewayUrl: p.gatewayUrl,
            ofb,
            fdx,
          });
          count('malformed bursts');
        },
      );
    };

    const sampler = p.supervisorPid ? new MemorySampler(p.supervisorPid, startedAt) : undefined;
    const memory = async () => {
      if (!sampler) return;
      sampler.sample();
      while (running()) {
        await pause(SAMPLE_MS);
        sampler.sample();
      }
    };
    const progress = async () => {
      while (running()) {
        await pause(60_000);
        const t = meter.totals();
        const rss = sampler?.samples.at(-1)?.rss ?? {};
        log(
          `${Math.round((Date.now() - startedAt) / 60_000)} min: ${t.requests} requests, 5xx ${t['5xx']}, hangs ${t.hangs}, errors ${t.errors}; RSS MiB ${Object.entries(
            rss,
          )
            .map(([k, v]) => `${k} ${Math.round(v)}`)
            .join(', ')}`,
        );
      }
    };

    log(
      `workload for ${minutes} min: 4 consent loops, 3 data loops, 2 browser loops, a malformed burst every minute`,
    );
    await Promise.all([
      consentLoop(ofb, CUSTOMERS[0]!),
      consentLoop(ofb, CUSTOMERS[1]!),
      consentLoop(fdx, CUSTOMERS[0]!),
      consentLoop(fdx, CUSTOMERS[1]!),
      dataLoop(1),
      dataLoop(2),
      dataLoop(3),
      browserLoop(0),
      browserLoop(1),
      probes(),
      malformed(),
      memory(),
      progress(),
    ]);
    clearInterval(watchdog);
    if (!p.alive()) meter.fail('platform', new Error('the platform (npm start) exited during the soak'));
    const endedAt = Date.now();

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

/** The `analyticsRollup` runs Temporal knows of, by status, and the longest one. */
async function rollupRuns(address: string): Promise<RollupRuns> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 10_000 });
    const client = new Client({ connection });
    const byStatus: Record<string, number> = {};
    let longest = 0;
    for await (const w of client.workflow.list({ query: "WorkflowType = 'analyticsRollup'" })) {
      const status = w.status.name;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const end = w.closeTime ?? new Date();
      longest = Math.max(longest, (end.getTime() - w.startTime.getTime()) / 1000);
    }
    return { byStatus, longestSeconds: Math.round(longest * 10) / 10 };
  } catch (err) {
    return { byStatus: {}, longestSeconds: 0, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

// Exit now: idle keep-alive sockets to the stopped platform need not hold the process open.
process.exit(await main());
