// A burst of what a careless or hostile client sends: bad JSON, oversized bodies, wrong content
// types, garbage tokens and cookies, broken percent-encoding, to every component. Each must get a
// 4xx quickly; a 5xx or a hang is a finding.
import { randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import type { ActiveRecipient, Http } from './consents.js';
import { CONSENTS } from '../../examples/recipient-app/ofb-journey.js';
import { FDX } from '../../examples/recipient-app/fdx-journey.js';

const OVERSIZED = 2 * 1024 * 1024;
const bigJson = () => JSON.stringify({ data: { filler: 'x'.repeat(OVERSIZED) } });
const GARBAGE_TOKEN = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJzb2FrIn0.garbage';

interface Shot {
  /** What is wrong with it, said with a 5xx or a hang. */
  what: string;
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Every request of one burst, at once. `http` meters them apart from the rest of the workload;
 * `wrap` does the same for the recipients' mTLS clients.
 */
export async function malformedBurst(o: {
  http: Http;
  authUrl: string;
  gatewayUrl: string;
  ofb: ActiveRecipient;
  fdx: ActiveRecipient;
}): Promise<void> {
  const { http, authUrl, gatewayUrl } = o;
  const m = http.marketplaceUrl;
  const { config } = await o.ofb.client();
  const ofbMtls = await o.ofb.rawMtls();
  const fdxMtls = await o.fdx.rawMtls();
  // A real client-credentials token: the gateway then gets as far as reading the body.
  const cc = await oidc.clientCredentialsGrant(config, { scope: 'consents' }).catch(() => undefined);
  const bearer = cc ? `Bearer ${cc.access_token}` : GARBAGE_TOKEN;
  const json = { 'content-type': 'application/json' };

  const auth = (h: string) => ({ authorization: h });
  const shot = (
    what: string,
    method: string,
    url: string,
    headers?: Record<string, string>,
    body?: string,
  ): Shot => ({
    what,
    method,
    url,
    ...(headers ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
  });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const consents = `${gatewayUrl}${CONSENTS}`;
  const accounts = `${gatewayUrl}/open-banking/accounts/v2/accounts`;

  const viaMtls: Shot[] = [
    shot('truncated JSON', 'POST', consents, { ...json, ...auth(bearer) }, '{"data": {'),
    shot('text/plain body', 'POST', consents, { 'content-type': 'text/plain', ...auth(bearer) }, 'data=1'),
    shot('2 MiB JSON body', 'POST', consents, { ...json, ...auth(bearer) }, bigJson()),
    shot('JSON array body', 'POST', consents, { ...json, ...auth(bearer) }, '[1,2,3]'),
    shot('unknown consent id', 'GET', `${consents}/urn:bank:not-a-consent`, auth(bearer)),
    shot('JWT-shaped garbage token', 'GET', accounts, auth(GARBAGE_TOKEN)),
    shot('no token', 'GET', accounts),
    shot('malformed interaction id', 'GET', accounts, {
      'x-fapi-interaction-id': 'not-a-uuid',
      ...auth(bearer),
    }),
    shot('broken percent-encoding', 'GET', `${accounts}/%E0%A4%A`, auth(GARBAGE_TOKEN)),
    shot('unknown API', 'GET', `${gatewayUrl}/open-banking/nothing/v1/here`, auth(GARBAGE_TOKEN)),
    shot('opaque garbage token', 'GET', accounts, auth('Bearer not-a-token')),
  ];
  // OFB checks its FAPI headers before the token: send them, so the token is what is judged.
  for (const s of viaMtls) s.headers = { 'x-fapi-interaction-id': randomUUID(), ...s.headers };
  const viaFdxMtls: Shot[] = [
    shot('JWT-shaped garbage token', 'GET', `${gatewayUrl}${FDX}/accounts`, auth(GARBAGE_TOKEN)),
    shot('opaque garbage token', 'GET', `${gatewayUrl}${FDX}/accounts`, auth('Bearer not-a-token')),
    shot(
      'truncated JSON, garbage token',
      'PUT',
      `${gatewayUrl}${FDX}/consents/not-a-consent/revocation`,
      { ...json, ...auth(GARBAGE_TOKEN) },
      '{"reason":',
    ),
    shot(
      '2 MiB JSON body, garbage token',
      'POST',
      `${gatewayUrl}${FDX}/consents`,
      { ...json, ...auth(GARBAGE_TOKEN) },
      bigJson(),
    ),
    shot(
      'bad paging parameters',
      'GET',
      `${gatewayUrl}${FDX}/accounts?limit=-1&offset=abc`,
      auth(GARBAGE_TOKEN),
    ),
  ];
  const viaTls: Shot[] = [
    shot(
      'unknown client',
      'POST',
      `${authUrl}/token`,
      form,
      'grant_type=client_credentials&client_id=nobody',
    ),
    shot('JSON to the token endpoint', 'POST', `${authUrl}/token`, json, '{"grant_type":'),
    shot('2 MiB form', 'POST', `${authUrl}/token`, form, `grant_type=${'x'.repeat(OVERSIZED)}`),
    shot('garbage request object', 'POST', `${authUrl}/request`, form, 'request=not.a.jwt&client_id=nobody'),
    shot('introspection without client', 'POST', `${authUrl}/token/introspection`, form, 'token=garbage'),
    shot(
      'truncated JSON, garbage token',
      'POST',
      `${authUrl}/reg`,
      { ...json, ...auth(GARBAGE_TOKEN) },
      '{"redirect_uris":[',
    ),
    shot(
      '2 MiB JSON, garbage token',
      'POST',
      `${authUrl}/reg`,
      { ...json, ...auth(GARBAGE_TOKEN) },
      bigJson(),
    ),
    shot(
      'garbage request_uri',
      'GET',
      `${authUrl}/auth?client_id=nobody&response_type=code&request_uri=urn:garbage`,
    ),
    shot('unknown interaction', 'GET', `${authUrl}/interaction/not-an-interaction`),
    shot(
      'login for an unknown interaction',
      'POST',
      `${authUrl}/interaction/not-an-interaction/login`,
      form,
      'csrf=x&username=1&password=2',
    ),
    shot('no client certificate', 'GET', accounts, auth(GARBAGE_TOKEN)),
  ];
  const viaPlain: Shot[] = [
    shot('truncated JSON', 'POST', `${m}/api/organizations`, json, '{"legalName":'),
    shot('2 MiB JSON', 'POST', `${m}/api/organizations`, json, bigJson()),
    shot('text/xml body', 'POST', `${m}/api/organizations`, { 'content-type': 'text/xml' }, '<org/>'),
    shot('JSON to a form', 'POST', `${m}/login`, json, '{"email":"a@b.c"}'),
    shot('2 MiB form', 'POST', `${m}/login`, form, `email=${'a'.repeat(OVERSIZED)}`),
    shot('invalid sign-up', 'POST', `${m}/signup`, form, 'name=&email=not-an-email&password=x'),
    shot('garbage session cookie', 'GET', `${m}/admin/api/consents`, {
      cookie: 'admin_session=garbage; sid=garbage',
    }),
    shot(
      'truncated JSON, garbage cookie',
      'POST',
      `${m}/admin/api/consents/x/revoke`,
      { ...json, cookie: 'admin_session=garbage' },
      '{',
    ),
    shot('invalid CPF', 'POST', `${m}/my/login`, form, 'cpf=not-a-cpf&password='),
    shot('code without a login', 'POST', `${m}/my/login/code`, form, 'code=abc'),
    shot('broken percent-encoding', 'GET', `${m}/apps/%E0%A4%A`, { cookie: 'developer_session=garbage' }),
    shot('markup in a query', 'GET', `${m}/dev/mailbox?to=${encodeURIComponent('"><script>')}`),
    shot('garbage query', 'GET', `${m}/api/insights?from=garbage&to=-1`),
  ];

  type Client = (note: string) => typeof fetch;
  const fire = (client: Client) => (s: Shot) =>
    client(s.what)(s.url, {
      method: s.method,
      ...(s.headers ? { headers: s.headers } : {}),
      ...(s.body !== undefined ? { body: s.body } : {}),
    })
      // The outcome is recorded by the meter; a refused connection is recorded there too.
      .catch(() => undefined);
  await Promise.all([
    ...viaMtls.map(fire((note) => http.wrap(ofbMtls, note))),
    ...viaFdxMtls.map(fire((note) => http.wrap(fdxMtls, note))),
    ...viaTls.map(fire((note) => http.noted(note).tls)),
    ...viaPlain.map(fire((note) => http.noted(note).plain)),
  ]);
}
