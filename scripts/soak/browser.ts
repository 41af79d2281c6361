// People in Chromium: each gets a context of their own whose every request is metered like the
// soak's own HTTP (endpoint kind, status, latency; unanswered past the deadline is a hang).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../test/helpers/browser.js';
import { endpointKind } from './http.js';
import type { Meter } from './meter.js';

/**
 * Headless Chromium with the flags the project's browser tests use (test/helpers/browser.ts).
 * Ctrl-C is the soak's to handle: it stops the workload and the platform, then the browser.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: CHROMIUM_ARGS,
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openPerson(
  browser: Browser,
  meter: Meter,
  components: Map<string, string>,
  deadlineMs: number,
): Promise<Person> {
  // The development CA is not in Chromium's store.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  context.setDefaultTimeout(deadlineMs);
  context.setDefaultNavigationTimeout(deadlineMs);
  const inFlight = new Map<Request, number>();
  const kindOf = (r: Request) => `browser ${endpointKind(components, r.method(), new URL(r.url()))}`;
  const urlOf = (r: Request) => {
    const u = new URL(r.url());
    return u.origin + u.pathname;
  };
  context.on('request', (r) => {
    if (/^https?:/.test(r.url())) inFlight.set(r, performance.now());
  });
  context.on('requestfinished', (r) => {
    const started = inFlight.get(r);
    if (started === undefined) return;
    inFlight.delete(r);
    const ms = performance.now() - started;
    void r
      .response()
      .then(async (res) => {
        if (!res) return;
        const status = res.status();
        const detail =
          status >= 500 ? ((await res.text().catch(() => '')) || '').replace(/\s+/g, ' ').slice(0, 400) : '';
        meter.record(kindOf(r), urlOf(r), status, ms, detail);
      })
      .catch(() => undefined);
  });
  context.on('requestfailed', (r) => {
    const started = inFlight.get(r);
    if (started === undefined) return;
    inFlight.delete(r);
    // A navigation that replaced another aborts the first: the browser's doing, not an answer.
    const text = r.failure()?.errorText ?? '';
    if (/ERR_ABORTED/.test(text)) return;
    meter.record(kindOf(r), urlOf(r), 'error', performance.now() - started, text);
  });
  // Requests still open past the deadline are hangs, once each.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [r, started] of inFlight)
      if (now - started > deadlineMs) {
        inFlight.delete(r);
        meter.record(kindOf(r), urlOf(r), 'hang', now - started, 'no answer within the deadline (browser)');
      }
  }, 1000);
  const page = await context.newPage();
  return {
    context,
    page,
    async close() {
      clearInterval(sweep);
      await context.close().catch(() => undefined);
    },
  };
}
