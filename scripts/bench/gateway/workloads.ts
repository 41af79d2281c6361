// The benchmark's workloads, as lists of requests for the load generator, from the authorised
// consents: (a) the accounts list on one consent; (b) a recipient's mixed reads over every consent,
// OFB and FDX; (c) lodging consents and the token endpoint (client credentials, refresh).
import { FDX } from '../../../examples/recipient-app/fdx-journey.js';
import { ACCOUNTS, CONSENTS, RESOURCES } from '../../../examples/recipient-app/ofb-journey.js';
import type { AuthorisedConsent } from './consents.js';
import { ofbConsentRequest } from './consents.js';
import type { LoadGroup, LoadRequest } from './load.js';
import type { BenchRecipient } from './recipients.js';

export interface Workload {
  id: string;
  group: 'a' | 'b' | 'c';
  title: string;
  connections: number;
  /** Where the load goes: the gateway or the authorization server. */
  target: 'gateway' | 'auth';
  groups: LoadGroup[];
}

const CREDIT_CARDS = '/open-banking/credit-cards-accounts/v2/accounts';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const get = (path: string, token: string): LoadRequest => ({
  method: 'GET',
  path,
  headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
});

/** Discover the ids and the second pages the mixed workloads read, per customer. */
export async function discoverPaths(gatewayUrl: string, consent: AuthorisedConsent): Promise<string[]> {
  const { mtls } = consent.recipient.client;
  const read = async <T>(path: string): Promise<T> => {
    const res = await mtls(`${gatewayUrl}${path}`, {
      headers: {
        authorization: `Bearer ${consent.accessToken}`,
        accept: 'application/json',
        'x-fapi-interaction-id': crypto.randomUUID(),
      },
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const pathOf = (link: string) => {
    const u = new URL(link);
    return `${u.pathname}${u.search}`;
  };
  if (consent.standard === 'OFB') {
    const resources = await read<{ data: { resourceId: string; type: string }[] }>(RESOURCES);
    const account = resources.data.find((r) => r.type === 'ACCOUNT')?.resourceId;
    const card = resources.data.find((r) => r.type === 'CREDIT_CARD_ACCOUNT')?.resourceId;
    const customers =
      'cnpj' in consent.customer
        ? '/open-banking/customers/v2/business/identifications'
        : '/open-banking/customers/v2/personal/identifications';
    const paths = [RESOURCES, ACCOUNTS, customers];
    if (account) {
      const a = `${ACCOUNTS}/${encodeURIComponent(account)}`;
      const txs = `${a}/transactions?${new URLSearchParams({
        fromBookingDate: day(-90),
        toBookingDate: day(0),
        'page-size': '25',
      })}`;
      const first = await read<{ links?: { next?: string } }>(txs);
      paths.push(`${a}/balances`, txs, ...(first.links?.next ? [pathOf(first.links.next)] : []));
    }
    if (card) paths.push(CREDIT_CARDS, `${CREDIT_CARDS}/${encodeURIComponent(card)}/bills`);
    return paths;
  }
  const { accounts } = await read<{ accounts: { accountId: string }[] }>(`${FDX}/accounts`);
  const paths = [`${FDX}/accounts`];
  const account = accounts[0]?.accountId;
  if (account) {
    const a = `${FDX}/accounts/${encodeURIComponent(account)}`;
    const txs = `${a}/transactions?limit=25`;
    const first = await read<{ page?: { nextOffset?: string }; links?: { next?: { href?: string } } }>(txs);
    const next =
      first.links?.next?.href ??
      (first.page?.nextOffset ? `${txs}&offset=${encodeURIComponent(first.page.nextOffset)}` : undefined);
    paths.push(txs, ...(next ? [next.startsWith('http') ? pathOf(next) : next] : []), `${a}/statements`);
  }
  return paths;
}

/** Spread `connections` over the recipients, one load group each (at least one connection). */
function byRecipient(
  consents: AuthorisedConsent[],
  connections: number,
  requests: (c: AuthorisedConsent) => LoadRequest[],
): LoadGroup[] {
  const recipients = [...new Set(consents.map((c) => c.recipient))];
  const used = recipients.slice(0, connections);
  return used.map((r, i) => ({
    connections: Math.floor(connections / used.length) + (i < connections % used.length ? 1 : 0),
    cert: r.cfg.credentials.certificate,
    key: r.cfg.credentials.certificateKey,
    requests: consents.filter((c) => c.recipient === r).flatMap(requests),
  }));
}

export function accountsList(consent: AuthorisedConsent, connections: number): Workload {
  return {
    id: `accounts-${connections}`,
    group: 'a',
    title: `GET ${ACCOUNTS}, one consent, ${connections} connection${connections === 1 ? '' : 's'}`,
    connections,
    target: 'gateway',
    groups: byRecipient([consent], connections, (c) => [get(ACCOUNTS, c.accessToken)]),
  };
}

export function mixed(
  standard: 'OFB' | 'FDX',
  consents: AuthorisedConsent[],
  paths: Map<string, string[]>,
  connections: number,
): Workload {
  // Routes by template, without the standard's prefix: `accounts/v2/accounts/{id}/balances`.
  const kinds = new Set(
    [...paths.values()].flat().map((p) =>
      p
        .split('?')[0]!
        .replace(/^\/(open-banking|fdx)\//, '')
        .replace(/\/(accounts)\/[^/]+/g, '/$1/{id}'),
    ),
  );
  return {
    id: `${standard.toLowerCase()}-mixed`,
    group: 'b',
    title: `${standard} mixed reads over ${consents.length} consents (${[...kinds].join(', ')}), ${connections} connections`,
    connections,
    target: 'gateway',
    groups: byRecipient(consents, connections, (c) =>
      (paths.get(c.customer.username) ?? []).map((p) => get(p, c.accessToken)),
    ),
  };
}

export function lodgeConsents(
  recipient: BenchRecipient,
  token: string,
  consent: AuthorisedConsent,
  connections: number,
): Workload {
  return {
    id: 'consents-post',
    group: 'c',
    title: `POST ${CONSENTS} (client-credentials token), ${connections} connections`,
    connections,
    target: 'gateway',
    groups: [
      {
        connections,
        cert: recipient.cfg.credentials.certificate,
        key: recipient.cfg.credentials.certificateKey,
        requests: [
          {
            method: 'POST',
            path: CONSENTS,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              'content-type': 'application/json',
            },
            body: JSON.stringify(ofbConsentRequest(consent.customer)),
          },
        ],
      },
    ],
  };
}

/** Token requests of an OFB recipient (private_key_jwt: a fresh assertion each) over mTLS. */
export function tokenRequests(
  kind: 'client-credentials' | 'refresh',
  recipient: BenchRecipient,
  refreshTokens: string[],
  connections: number,
): Workload {
  const meta = recipient.client.config.serverMetadata();
  const endpoint = new URL(meta.mtls_endpoint_aliases?.token_endpoint ?? meta.token_endpoint!);
  const { clientId, kid, signingKey } = recipient.cfg.credentials;
  const request = (grant: Record<string, string>): LoadRequest => ({
    method: 'POST',
    path: endpoint.pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      ...grant,
      client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    }).toString(),
    assertion: { clientId, kid, keyPem: signingKey, audience: meta.issuer },
  });
  const requests =
    kind === 'client-credentials'
      ? [request({ grant_type: 'client_credentials', scope: 'consents' })]
      : refreshTokens.map((t) => request({ grant_type: 'refresh_token', refresh_token: t }));
  return {
    id: `token-${kind}`,
    group: 'c',
    title: `POST ${endpoint.pathname} grant_type=${kind === 'refresh' ? `refresh_token (${refreshTokens.length} grants)` : 'client_credentials'}, private_key_jwt, ${connections} connections`,
    connections,
    target: 'auth',
    groups: [
      {
        connections,
        cert: recipient.cfg.credentials.certificate,
        key: recipient.cfg.credentials.certificateKey,
        requests,
      },
    ],
  };
}
