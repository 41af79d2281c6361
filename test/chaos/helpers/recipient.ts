// The recipient's side in the chaos tests, from the soak's harness (scripts/soak/): one OFB data
// recipient made as people make one (sign-up to credentials in Chromium), and consent lifecycles
// as the sample recipient app runs them — lodged, authorised by the customer at the bank, read
// through the gateway, revoked — where a step the bank failed is tried again, as an app would: a
// failed lodging or authorisation starts a new consent, a failed read or revocation is repeated.
import * as oidc from 'openid-client';
import { tlsFetch } from '../../../lib/http/tls-fetch.js';
import { launchBrowser } from '../../../scripts/soak/browser.js';
import {
  activate,
  authoriseAtBank,
  CUSTOMERS,
  readData,
  type ActiveRecipient,
  type Http,
} from '../../../scripts/soak/consents.js';
import { metered } from '../../../scripts/soak/http.js';
import { Meter } from '../../../scripts/soak/meter.js';
import type { Platform } from '../../../scripts/soak/platform.js';
import { provisionRecipient } from '../../../scripts/soak/setup.js';
import type { Grant } from '../../../examples/recipient-app/sessions.js';
import { ACCOUNTS } from '../../../examples/recipient-app/ofb-journey.js';
import { discoverClient } from '../../../examples/recipient-app/oidc-client.js';
import { type Answer, isOAuthError, isOfbError } from './load.js';

/** Per request of the lifecycles (not of the load, which has its own). */
const DEADLINE_MS = 30_000;

export function chaosHttp(p: Platform, meter = new Meter()): Http {
  const tls = tlsFetch({ ca: p.ca });
  return {
    plain: metered(fetch, meter, p.components, DEADLINE_MS),
    tls: metered(tls, meter, p.components, DEADLINE_MS),
    wrap: (f, note) => metered(f, meter, p.components, DEADLINE_MS, undefined, note),
    noted: (note) => ({
      plain: metered(fetch, meter, p.components, DEADLINE_MS, undefined, note),
      tls: metered(tls, meter, p.components, DEADLINE_MS, undefined, note),
    }),
    marketplaceUrl: p.marketplaceUrl,
  };
}

/** An OFB recipient with ACTIVE credentials, provisioned through the marketplace in Chromium. */
export async function ofbRecipient(p: Platform, http: Http): Promise<ActiveRecipient> {
  const browser = await launchBrowser();
  try {
    const recipient = await provisionRecipient(
      { browser, meter: new Meter(), platform: p, deadlineMs: 120_000 },
      'OFB',
    );
    return activate(recipient, http);
  } finally {
    await browser.close();
  }
}

export interface Lifecycle {
  /** The consent that went all the way; undefined when the lifecycle gave up. */
  consentId?: string;
  /** Steps the bank failed and that were tried again. */
  retries: number;
  /** Consents lodged and left behind by a failed step (when the bank named them). */
  abandoned: string[];
  error?: string;
}

/** Tries `step` until it succeeds or `ceilingMs` passes; counts the failures. */
async function retried<T>(step: () => Promise<T>, ceilingMs: number, onFail: () => void): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      onFail();
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * One consent's lifecycle. `progress` is told each step done (`lodged`, `authorised`, `read`,
 * `revoked`), so a test can strike while consents are between steps.
 */
export async function consentLifecycle(
  http: Http,
  r: ActiveRecipient,
  customerIndex: number,
  progress: (step: string) => void,
  ceilingMs = 180_000,
): Promise<Lifecycle> {
  const customer = CUSTOMERS[customerIndex % CUSTOMERS.length]!;
  const result: Lifecycle = { retries: 0, abandoned: [] };
  const fail = () => result.retries++;
  try {
    const grant = await retried<Grant>(
      async () => {
        const { url, pending } = await r.journey.start({ cpf: customer.cpf });
        progress('lodged');
        try {
          const callback = await authoriseAtBank(http, url, customer, r.cfg.redirectUri);
          const error = new URLSearchParams(callback.hash.slice(1) || callback.search.slice(1)).get('error');
          if (error) throw new Error(`the bank answered ${error} to the authorisation`);
          const g = await r.journey.finish(callback, pending);
          progress('authorised');
          return g;
        } catch (err) {
          if (pending.consentId) result.abandoned.push(pending.consentId);
          throw err;
        }
      },
      ceilingMs,
      fail,
    );
    result.consentId = grant.consentId;
    await retried(
      async () => {
        const statuses = await readData(r, grant);
        if (statuses.some((s) => s !== 200)) throw new Error(`reads answered ${statuses.join(',')}`);
      },
      ceilingMs,
      fail,
    );
    progress('read');
    let first = true;
    await retried(
      async () => {
        const { revocation, after } = await r.journey
          .revoke(grant)
          .then((x) => ({ revocation: x.revocation.status, after: x.after.status }));
        // A repeated revocation of a consent the first one did revoke is refused, not failed.
        const accepted = revocation === 204 || (!first && revocation >= 400 && revocation < 500);
        first = false;
        if (!accepted || after < 400 || after >= 500)
          throw new Error(`revocation answered ${revocation}, the next read ${after}`);
      },
      ceilingMs,
      fail,
    );
    progress('revoked');
  } catch (err) {
    result.error = err instanceof Error ? err.message.slice(0, 300) : String(err);
  }
  return result;
}

/** A consent authorised and its token, for the load (tried again while the platform heals). */
export function authorisedGrant(http: Http, r: ActiveRecipient, ceilingMs = 120_000): Promise<Grant> {
  const customer = CUSTOMERS[0]!;
  return retried(
    async () => {
      const { url, pending } = await r.journey.start({ cpf: customer.cpf });
      const callback = await authoriseAtBank(http, url, customer, r.cfg.redirectUri);
      return r.journey.finish(callback, pending);
    },
    ceilingMs,
    () => undefined,
  );
}

/** GET accounts through the gateway over mTLS with the consent's certificate-bound token. */
export function accountsCall(r: ActiveRecipient, grant: Grant) {
  return async (signal: AbortSignal): Promise<Answer> => {
    const mtls = await r.rawMtls();
    const res = await mtls(`${r.cfg.gatewayUrl}${ACCOUNTS}`, {
      headers: {
        authorization: `Bearer ${grant.accessToken}`,
        accept: 'application/json',
        'x-fapi-interaction-id': crypto.randomUUID(),
      },
      signal,
    });
    const body = await res.text();
    return {
      status: res.status,
      wellFormed: isOfbError(body),
      ...(res.status >= 500 ? { detail: body.slice(0, 200) } : {}),
    };
  };
}

/**
 * Client-credentials token requests at the AS (private_key_jwt over mTLS), one discovered client
 * per caller of the load, so each call's answer is its own.
 */
export async function tokenCall(r: ActiveRecipient, callers: number) {
  const answers: { status: number; body: string }[] = [];
  const configs = await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      const c = await discoverClient(r.cfg);
      const mtls = c.mtls;
      c.config[oidc.customFetch] = async (url, init) => {
        const res = await mtls(url, init as RequestInit);
        answers[i] = { status: res.status, body: await res.clone().text() };
        return res;
      };
      return c.config;
    }),
  );
  return async (signal: AbortSignal, caller: number): Promise<Answer> => {
    answers[caller] = { status: 0, body: '' };
    const timeout = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
    );
    try {
      await Promise.race([oidc.clientCredentialsGrant(configs[caller]!, { scope: 'consents' }), timeout]);
      return { status: answers[caller]!.status };
    } catch (err) {
      const a = answers[caller]!;
      if (a.status === 0) throw err;
      return { status: a.status, wellFormed: isOAuthError(a.body), detail: a.body.slice(0, 200) };
    }
  };
}
