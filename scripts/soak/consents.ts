// The recipients' and customers' side of the workload, over HTTP as the sample recipient app
// (examples/recipient-app) makes it: consents created (OFB: lodged at the gateway with a
// client-credentials token, then PAR; FDX: PAR with RAR details), authorised by the customer at
// the bank (login, the one-time code from the development mailbox, the consent page), tokens,
// data reads with the consent's token over mTLS, and revocations by the recipient.
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../auth/idp/demo-customers.js';
import { fdxJourney, FDX } from '../../examples/recipient-app/fdx-journey.js';
import { gatewayCaller } from '../../examples/recipient-app/gateway.js';
import type { Journey } from '../../examples/recipient-app/journey.js';
import { ACCOUNTS, ofbJourney, RESOURCES } from '../../examples/recipient-app/ofb-journey.js';
import {
  discoverClient,
  lazyClient,
  type RecipientClient,
} from '../../examples/recipient-app/oidc-client.js';
import type { Grant } from '../../examples/recipient-app/sessions.js';
import { CookieAgent, hiddenField } from './http.js';
import type { Recipient } from './setup.js';

export interface Customer {
  name: string;
  email: string;
  username: string;
  password: string;
  cpf: string;
  /** One login at a time per customer: the mailbox's newest code is then this login's. */
  lock: Lock;
}

class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export const CUSTOMERS: Customer[] = DEMO_CUSTOMERS.map((c) => ({
  name: c.name,
  email: c.email,
  username: c.username,
  password: c.password,
  cpf: c.cpf,
  lock: new Lock(),
}));

export interface Http {
  /** Plain http (the marketplace). */
  plain: typeof fetch;
  /** https trusting the development CA, no client certificate (the AS's pages). */
  tls: typeof fetch;
  /** Wraps a recipient's own mTLS fetch with the soak's deadline and meter. */
  wrap(f: typeof fetch, note?: string): typeof fetch;
  /** The same clients, saying `note` with each 5xx or hang. */
  noted(note: string): Pick<Http, 'plain' | 'tls'>;
  marketplaceUrl: string;
}

/** A recipient as the sample app sees it, with every call it makes metered. */
export interface ActiveRecipient extends Recipient {
  journey: Journey;
  client: () => Promise<RecipientClient>;
  /** The recipient's mTLS fetch without the soak's meter (to wrap differently). */
  rawMtls: () => Promise<typeof fetch>;
}

export function activate(recipient: Recipient, http: Http): ActiveRecipient {
  let raw: typeof fetch | undefined;
  const client = lazyClient(recipient.cfg, async (cfg) => {
    const c = await discoverClient(cfg);
    raw = c.mtls;
    const mtls = http.wrap(c.mtls);
    c.config[oidc.customFetch] = mtls;
    return { ...c, mtls };
  });
  const journey =
    recipient.standard === 'OFB' ? ofbJourney(recipient.cfg, client) : fdxJourney(recipient.cfg, client);
  return { ...recipient, journey, client, rawMtls: async () => (await client(), raw!) };
}

/** Codes already used, by address: the mailbox's newest code is a new login's once it is not one of them. */
const usedCodes = new Set<string>();

/** The newest one-time code in the development mailbox that no login has used yet. */
export async function oneTimeCode(http: Http, customer: Customer): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await http.plain(
      `${http.marketplaceUrl}/dev/mailbox?to=${encodeURIComponent(customer.email)}`,
    );
    const code = /log in is (\d{6})/.exec(await res.text())?.[1];
    if (code && !usedCodes.has(`${customer.email}:${code}`)) {
      usedCodes.add(`${customer.email}:${code}`);
      return code;
    }
    if (Date.now() > deadline) throw new Error(`no new one-time code for ${customer.name} in the mailbox`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The customer logs in with the second factor. Returns where the bank sends them next. */
async function logInAtBank(http: Http, agent: CookieAgent, loginUrl: string, customer: Customer) {
  const page = await agent.request(loginUrl);
  if (page.status !== 200) throw new Error(`the login page answered ${page.status}`);
  const csrf = hiddenField(page.text, 'csrf');
  const login = await agent.request(`${loginUrl}/login`, {
    form: { csrf, username: customer.username, password: customer.password },
  });
  if (login.status >= 400) throw new Error(`the login answered ${login.status}`);
  const code = await oneTimeCode(http, customer);
  const coded = await agent.request(`${loginUrl}/code`, { form: { csrf, code } });
  if (!coded.location) throw new Error(`the one-time code answered ${coded.status}`);
  return coded.location;
}

/** The customer's part at the bank, to the redirect back to the recipient (its URL, with the answer). */
export async function authoriseAtBank(
  http: Http,
  authorizationUrl: URL,
  customer: Customer,
  redirectUri: string,
) {
  const agent = new CookieAgent(http.tls);
  const first = await agent.request(authorizationUrl.href);
  if (!first.location) throw new Error(`the authorization request answered ${first.status}`);
  let next = await customer.lock.run(() => logInAtBank(http, agent, first.location!, customer));
  for (let i = 0; i < 8; i++) {
    if (next.startsWith(redirectUri)) return new URL(next);
    const res = await agent.request(next);
    if (res.status === 200 && res.text.includes('name="decision"')) {
      const action = /<form method="post" action="([^"]+)"/.exec(res.text)?.[1];
      const accountIds = [...res.text.matchAll(/name="accountIds"\s+value="([^"]+)"/g)].map((m) => m[1]!);
      if (!action) throw new Error('the consent page has no form');
      const decided = await agent.request(new URL(action, next).href, {
        form: { csrf: hiddenField(res.text, 'csrf'), decision: 'authorise', accountIds },
      });
      if (!decided.location) {
        const why = /role="alert"[^>]*>([^<]*)</.exec(decided.text)?.[1] ?? '';
        throw new Error(`the consent page refused (${decided.status}): ${why.trim()}`);
      }
      next = decided.location;
    } else if (res.location) {
      next = res.location;
    } else {
      throw new Error(`${new URL(next).pathname} answered ${res.status} without a redirect`);
    }
  }
  throw new Error('the bank never redirected back to the recipient');
}

/** A consent created, authorised by the customer, and its token. */
export async function createConsent(http: Http, r: ActiveRecipient, customer: Customer): Promise<Grant> {
  const { url, pending } = await r.journey.start({ cpf: customer.cpf });
  const callback = await authoriseAtBank(http, url, customer, r.cfg.redirectUri);
  const error = new URLSearchParams(callback.hash.slice(1) || callback.search.slice(1)).get('error');
  if (error) throw new Error(`the bank answered ${error} to the authorization`);
  return r.journey.finish(callback, pending);
}

/** A consent created and left for the customer to never authorise (OFB: lodged, then PAR). */
export async function abandonConsent(r: ActiveRecipient, customer: Customer): Promise<void> {
  await r.journey.start({ cpf: customer.cpf });
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The data calls one consent allows, as a recipient app reads them. Returns the statuses. */
export async function readData(r: ActiveRecipient, grant: Grant): Promise<number[]> {
  const { mtls } = await r.client();
  const call = gatewayCaller(r.cfg.gatewayUrl, mtls);
  const statuses: number[] = [];
  const get = async <T>(path: string) => {
    const res = await call<T>('GET', path, grant.accessToken);
    statuses.push(res.status);
    return res;
  };
  if (r.standard === 'OFB') {
    await get(RESOURCES);
    const accounts = await get<{ data?: { accountId: string }[] }>(ACCOUNTS);
    const id = accounts.body?.data?.[0]?.accountId;
    if (id) {
      const account = `${ACCOUNTS}/${encodeURIComponent(id)}`;
      await get(account);
      await get(`${account}/balances`);
      const query = new URLSearchParams({
        fromBookingDate: day(-30),
        toBookingDate: day(0),
        'page-size': '25',
      });
      await get(`${account}/transactions?${query}`);
    }
  } else {
    const accounts = await get<{ accounts?: { accountId: string }[] }>(`${FDX}/accounts`);
    const id = accounts.body?.accounts?.[0]?.accountId;
    if (id) {
      const account = `${FDX}/accounts/${encodeURIComponent(id)}`;
      await get(account);
      await get(`${account}/transactions?limit=25`);
      await get(`${account}/statements`);
    }
  }
  return statuses;
}

/** The recipient revokes (OFB DELETE, FDX PUT revocation); the next data call must be refused. */
export async function revokeConsent(
  r: ActiveRecipient,
  grant: Grant,
): Promise<{ revocation: number; after: number }> {
  const result = await r.journey.revoke(grant);
  return { revocation: result.revocation.status, after: result.after.status };
}
