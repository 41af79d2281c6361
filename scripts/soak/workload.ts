// The workload, all at once for the soak's minutes: four consent loops (each recipient with each
// demo customer: created, authorised, some left unauthorised, the oldest revoked), three data
// loops (a live consent's data over mTLS), two browser loops (customers in self-service, who stop
// a consent every other visit; developers signing up or logging in; staff in the console),
// /readyz probes, a malformed burst every minute, and each platform process's memory.
import { setMaxListeners } from 'node:events';
import type { Browser, Page } from 'playwright-core';
import type { Grant } from '../../examples/recipient-app/sessions.js';
import { openPerson } from './browser.js';
import {
  abandonConsent,
  createConsent,
  CUSTOMERS,
  readData,
  revokeConsent,
  type ActiveRecipient,
  type Customer,
  type Http,
} from './consents.js';
import { customerSelfService, developerVisit, staffVisit } from './journeys.js';
import { malformedBurst } from './malformed.js';
import { MemorySampler } from './memory.js';
import type { Meter } from './meter.js';
import type { Platform } from './platform.js';

const SAMPLE_MS = 15_000;
const BURST_MS = 60_000;

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
const jitter = (min: number, max: number) => min + Math.random() * (max - min);

export interface WorkloadContext {
  platform: Platform;
  browser: Browser;
  meter: Meter;
  deadlineMs: number;
  /** The workload's clients; the malformed bursts and the probes are counted apart. */
  http: Http;
  malformedHttp: Http;
  probeHttp: Http;
  ofb: ActiveRecipient;
  fdx: ActiveRecipient;
  minutes: number;
  /** Ends the workload early (Ctrl-C). */
  signal: AbortSignal;
  log: (line: string) => void;
}

export async function runWorkload(ctx: WorkloadContext) {
  const {
    platform: p,
    browser,
    meter,
    deadlineMs,
    http,
    malformedHttp,
    probeHttp,
    ofb,
    fdx,
    minutes,
    log,
  } = ctx;
  const recipients = [ofb, fdx];
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  // Every loop's pause listens to it.
  setMaxListeners(64, signal);
  const startedAt = Date.now();
  const until = startedAt + minutes * 60_000;
  const running = () => Date.now() < until && !signal.aborted && p.alive();
  const pause = (ms: number) => sleep(Math.max(0, Math.min(ms, until - Date.now())), signal);
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
    if (after === 401 || after === 403) return;
    // The gateway may serve a consent's state cached for a moment (GATEWAY_STATE_CACHE): ask again.
    await sleep(1500, signal);
    const [again] = await readData(h.r, h.grant);
    if (again !== 401 && again !== 403)
      throw new Error(`a data call with a revoked consent's token answered ${again} 1.5 s later, not 401`);
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
    const someone = await openPerson(browser, meter, p.components, deadlineMs);
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
      const memory = Object.entries(rss).map(([k, v]) => `${k} ${Math.round(v)}`);
      log(
        `${Math.round((Date.now() - startedAt) / 60_000)} min: ${t.requests} requests, 5xx ${t['5xx']}, hangs ${t.hangs}, errors ${t.errors}; RSS MiB ${memory.join(', ')}`,
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
  return { startedAt, endedAt: Date.now(), counts, sampler };
}
