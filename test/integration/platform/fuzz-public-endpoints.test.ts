// Seeded fuzzing of the public endpoints, as a careless or hostile client would call them: the OFB
// and FDX gateway routes (with valid tokens and without), the authorization server's OAuth
// endpoints, and the bank's login and consent pages. Methods, path ids (bad percent-encoding,
// Unicode, dot segments), queries, headers (charsets, content encodings, tokens, interaction ids)
// and bodies (JSON, forms with repeated fields, bytes, gzip, oversized, deeply nested) are
// generated. Every answer must come in time, below 500, without a stack trace or a server path,
// and every error in the standard of its endpoint. FUZZ_SEED, FUZZ_RUNS and FUZZ_BUDGET_MS replay or
// widen a run.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  authorisedConsent,
  customerJourney,
  pushAuthorization,
  pushFdxAuthorization,
  registerFdxRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';
import {
  INTERNALS,
  rawClient,
  type RawClient,
  type RawRequest,
  type RawResponse,
} from '../../helpers/raw-https.js';

const SEED = Number(process.env.FUZZ_SEED ?? 16_2026);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Per family: on a loaded machine fewer cases run, never a longer test (FUZZ_BUDGET_MS widens it). */
const FAMILY_BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 9_000);
/** An answer later than this is a hang (the servers' own budget is 10 s). */
const HANG_MS = 15_000;

const [ana] = DEMO_CUSTOMERS;
let stack: OfbStack;
let gw: TestGateway;
let fdx: FdxRecipient;
let gateway: RawClient;
let as: RawClient;
/** Valid credentials, so that generated requests get past the access checks too. */
const known = {
  ofbClientToken: '',
  ofbDataToken: '',
  ofbConsentId: '',
  fdxClientToken: '',
  fdxDataToken: '',
  fdxConsentId: '',
  interactions: [] as { uid: string; cookie: string; csrf: string }[],
};

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'fuzz-recipient');
  gw = await startTestGateway(stack, { introspectionCacheMs: 60_000 });
  fdx = await registerFdxRecipient(stack.as, 'FDX Fuzz Recipient', 'CN=fdx-fuzz,O=Recipient,C=US');
  gateway = rawClient(gw.url, stack.as.pki.ca.cert);
  as = rawClient(stack.as.issuer, stack.as.pki.ca.cert);

  known.ofbClientToken = (
    await oidc.clientCredentialsGrant(stack.rp.config, { scope: 'consents' })
  ).access_token;
  known.fdxClientToken = (await oidc.clientCredentialsGrant(fdx.config, {})).access_token;
  known.ofbDataToken = (
    await authorisedConsent(stack, {
      customer: ana!,
      request: {
        permissions: [
          'ACCOUNTS_READ',
          'ACCOUNTS_BALANCES_READ',
          'ACCOUNTS_TRANSACTIONS_READ',
          'RESOURCES_READ',
        ],
      },
    })
  ).token;
  known.ofbConsentId = (await stack.lodge()).consentId;

  const fdxAuth = await pushFdxAuthorization(fdx, [
    {
      type: 'fdx_v1.0',
      consentRequest: {
        durationType: 'PERSISTENT',
        lookbackPeriod: 60,
        resources: [
          { resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS'] },
        ],
      },
    },
  ]);
  const fdxJourney = await customerJourney(stack.as, stack.db, fdxAuth.url, ana!);
  const fdxTokens = await oidc.authorizationCodeGrant(fdx.config, fdxJourney.callback, fdxAuth.checks);
  known.fdxDataToken = fdxTokens.access_token;
  known.fdxConsentId = String(fdxTokens.grant_id);

  // Login pages with their cookies and CSRF tokens, for the page fuzzing to post into.
  for (let i = 0; i < 3; i++) {
    const { url } = await pushAuthorization(stack.rp, (await stack.lodge()).consentId);
    const started = await as.request({ path: url.pathname + url.search });
    const loginPath = new URL(started.headers.location as string, stack.as.issuer).pathname;
    const cookie = ([] as string[])
      .concat(started.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await as.request({ path: loginPath, headers: { cookie } });
    const csrf = /name="csrf" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
    known.interactions.push({ uid: loginPath.split('/').pop()!, cookie, csrf });
  }
});

afterAll(async () => {
  gateway?.close();
  as?.close();
  await gw?.stop();
  await stack?.stop();
});

// ---- What is generated ----

/** Printable ASCII: what a header value may carry. */
const headerText = fc.string({ unit: 'grapheme-ascii', maxLength: 80 });
const BAD_PERCENT = ['%', '%E0%A4%A', '%ZZ', '%00', '%2F', '%25', '%C0%AF', '%FF', '%u0041', '%%'];

/** A path segment: plain, Unicode, with broken percent-encoding, dot segments, very long. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.webSegment() },
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.webSegment(), fc.constantFrom(...BAD_PERCENT), fc.webSegment())
      .map(([a, bad, b]) => `${a}${bad}${b}`),
  },
  fc.constantFrom('..', '.', '%2E%2E', 'urn:bank:x', 'acc-ana-checking', '0123456789abcdef01234567', 'null'),
  fc.integer({ min: 300, max: 9000 }).map((n) => 'a'.repeat(n)),
);

const queryValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom(
    ...BAD_PERCENT,
    '-1',
    '0',
    '1e309',
    'NaN',
    '2026-02-30',
    '9999-12-31T23:59:59Z',
    '1'.repeat(40),
  ),
  fc.integer().map(String),
);
const query = fc.option(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(
            'page',
            'page-size',
            'fromBookingDate',
            'toBookingDate',
            'offset',
            'limit',
            'startTime',
            'endTime',
            'pagination-key',
            'creditDebitIndicator',
          ),
          fc.webSegment(),
        ),
        queryValue,
      ),
      { maxLength: 4 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  { nil: '' },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=koi8-r',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/jwt',
  'text/plain',
  'multipart/form-data; boundary=x',
  'garbage',
  '',
];
const ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'];

const formKey = fc.oneof(
  fc.constantFrom(
    'csrf',
    'username',
    'password',
    'code',
    'decision',
    'accountIds',
    'grant_type',
    'client_id',
    'client_assertion',
    'client_assertion_type',
    'scope',
    'redirect_uri',
    'request',
    'request_uri',
    'token',
    'refresh_token',
    'response_type',
    '__proto__',
    'constructor',
    'username[]',
    'code[$ne]',
  ),
  fc.webSegment(),
);
/** A urlencoded form; keys may repeat (`username=1&username=2`). */
const form = fc
  .array(fc.tuple(formKey, fc.string({ unit: 'grapheme', maxLength: 40 })), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

const body = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: form },
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.integer({ min: 4_000, max: 40_000 }).map((n) => JSON.stringify({ pad: 'x'.repeat(n) })),
    fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    fc.constantFrom('{"__proto__":{"polluted":true}}', '{"data":{"$where":"1"}}', 'null', '[]', '""'),
  ),
  { nil: undefined },
);

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/** Method, headers and body around a path; `auth` is the authorization header's choices. */
function request(path: fc.Arbitrary<string>, auth: fc.Arbitrary<string | undefined>) {
  return fc
    .record({
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      path,
      query,
      auth,
      interactionId: fc.oneof(
        { weight: 6, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: headerText },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      contentType: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(CONTENT_TYPES[0]!, CONTENT_TYPES[4]!) },
        { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      contentEncoding: fc.option(fc.constantFrom(...ENCODINGS), { nil: undefined, freq: 4 }),
      gzipped: fc.boolean(),
      accept: fc.option(fc.constantFrom('text/html', 'application/json', '*/*', 'image/png'), {
        nil: undefined,
      }),
      body,
    })
    .map((r): RawRequest => {
      const headers: Record<string, string> = {};
      if (r.auth !== undefined) headers.authorization = r.auth;
      if (r.interactionId !== undefined) headers['x-fapi-interaction-id'] = r.interactionId;
      if (r.contentType !== undefined) headers['content-type'] = r.contentType;
      if (r.contentEncoding !== undefined) headers['content-encoding'] = r.contentEncoding;
      if (r.accept !== undefined) headers.accept = r.accept;
      const sent =
        r.body === undefined
          ? undefined
          : r.gzipped && r.contentEncoding === 'gzip'
            ? gzipSync(r.body)
            : r.body;
      return {
        method: r.method,
        path: `${r.path}${r.query}`,
        headers,
        ...(sent !== undefined ? { body: sent } : {}),
        timeoutMs: HANG_MS,
      };
    });
}

const bearer = (tokens: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...tokens).map((t) => `Bearer ${t}`) },
    fc.constant(undefined),
    headerText.map((t) => `Bearer ${t}`),
    headerText,
    fc.constant('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'),
  );

/** `/base/{segment}/{segment}`: some of the route's own words, some generated. */
const route = (bases: string[], words: string[], ids: string[], maxDepth = 3) =>
  fc
    .tuple(
      fc.constantFrom(...bases),
      fc.array(
        fc.oneof(
          { weight: 2, arbitrary: fc.constantFrom(...ids) },
          { weight: 2, arbitrary: fc.constantFrom(...words) },
          { weight: 1, arbitrary: segment },
        ),
        { maxLength: maxDepth },
      ),
    )
    .map(([base, rest]) => [base, ...rest].join('/'));

// ---- What every answer must be ----

type Standard = 'ofb' | 'fdx' | 'oauth-or-page';

function judge(standard: Standard, req: RawRequest, res: RawResponse): string | undefined {
  const what = `${req.method} ${req.path.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status >= 500) return `a 5xx: ${what}`;
  if (INTERNALS.test(res.text)) return `internals in the body: ${what}`;
  if (res.status < 400 || req.method === 'HEAD') return undefined;
  if (res.text === '') return `an empty error body: ${what}`;
  const type = String(res.headers['content-type'] ?? '');
  let json: Record<string, unknown> | undefined;
  try {
    json = type.includes('json') ? (JSON.parse(res.text) as Record<string, unknown>) : undefined;
  } catch {
    return `an error body that is not the JSON it says: ${what}`;
  }
  if (standard === 'ofb') {
    const errors = json?.errors as { code?: unknown; title?: unknown; detail?: unknown }[] | undefined;
    const ok =
      Array.isArray(errors) &&
      errors.length > 0 &&
      errors.every(
        (e) => typeof e.code === 'string' && typeof e.title === 'string' && typeof e.detail === 'string',
      ) &&
      typeof (json?.meta as { requestDateTime?: unknown } | undefined)?.requestDateTime === 'string';
    return ok ? undefined : `not an OFB error: ${what}`;
  }
  if (standard === 'fdx')
    return typeof json?.code === 'number' && typeof json.message === 'string'
      ? undefined
      : `not an FDX error: ${what}`;
  if (json) return typeof json.error === 'string' ? undefined : `not an OAuth error: ${what}`;
  return type.startsWith('text/html') && /<html/i.test(res.text)
    ? undefined
    : `neither OAuth nor a page: ${what}`;
}

/** A generated request; `withCert`: sent with the family's client certificate (kept out of reports). */
type Generated = RawRequest & { withCert?: boolean };

async function fuzz(
  client: () => RawClient,
  standard: Standard,
  requests: fc.Arbitrary<Generated>,
  cert?: RawRequest['cert'],
) {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requests, async ({ withCert, ...req }) => {
      const res = await client().request({ ...req, ...(withCert && cert ? { cert } : {}) });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const problem = judge(standard, req, res);
      if (problem) throw new Error(problem);
    }),
    { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: FAMILY_BUDGET_MS, markInterruptAsFailure: false },
  );
  if (process.env.FUZZ_STATS) console.log(standard, Object.fromEntries(statuses));
  const count = (from: number, to: number) =>
    [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
  // However loaded the machine, enough cases to mean something, and some of them past the access
  // checks (the valid credentials worked), not only refusals.
  expect(count(0, 600)).toBeGreaterThanOrEqual(Math.min(RUNS, 40));
  expect(count(200, 400)).toBeGreaterThan(0);
  expect(count(400, 500)).toBeGreaterThan(0);
}

describe('fuzzing the public endpoints', () => {
  it('OFB gateway routes', async () => {
    const path = route(
      [
        '/open-banking/consents/v3/consents',
        '/open-banking/accounts/v2/accounts',
        '/open-banking/credit-cards-accounts/v2/accounts',
        '/open-banking/customers/v2/personal',
        '/open-banking/customers/v2/business',
        '/open-banking/resources/v3/resources',
        '/open-banking/no-such-api/v1',
      ],
      [
        'extends',
        'extensions',
        'balances',
        'transactions',
        'transactions-current',
        'overdraft-limits',
      ].concat(['limits', 'bills', 'identifications', 'qualifications', 'financial-relations']),
      [known.ofbConsentId, 'acc-ana-checking', 'acc-ana-savings'],
    );
    await fuzz(
      () => gateway,
      'ofb',
      request(path, bearer([known.ofbClientToken, known.ofbDataToken])).map((r) => ({
        ...r,
        withCert: true,
      })),
      stack.rp.cert,
    );
  });

  it('FDX gateway routes', async () => {
    const path = route(
      ['/fdx/v6/accounts', '/fdx/v6/consents', '/fdx/v6/customers/current', '/fdx/v6/no-such'],
      ['transactions', 'statements', 'contact', 'payment-networks', 'revocation'],
      [known.fdxConsentId, 'acc-ana-checking'],
    );
    await fuzz(
      () => gateway,
      'fdx',
      request(path, bearer([known.fdxClientToken, known.fdxDataToken])).map((r) => ({
        ...r,
        withCert: true,
      })),
      fdx.cert,
    );
  });

  it("the authorization server's OAuth endpoints", async () => {
    const path = route(
      [
        '/token',
        '/token/introspection',
        '/token/revocation',
        '/request',
        '/reg',
        '/me',
        '/auth',
        '/jwks',
        '/.well-known/openid-configuration',
        '',
      ],
      ['x'],
      [stack.rp.config.clientMetadata().client_id],
      1,
    );
    const requests = fc
      .tuple(request(path, fc.option(headerText, { nil: undefined })), fc.boolean())
      .map(([r, withCert]) => ({ ...r, withCert }));
    await fuzz(() => as, 'oauth-or-page', requests, stack.rp.cert);
  });

  it("the bank's login and consent pages", async () => {
    const page = fc
      .tuple(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...known.interactions) },
          segment.map((uid) => ({ uid, cookie: '', csrf: '' })),
        ),
        fc.constantFrom('', '/login', '/code', '/consent', '/abort'),
        fc.boolean(),
        form,
        fc.constantFrom(ana!.username, '00000000191', ''),
      )
      .chain(([interaction, step, validCsrf, fields, username]) =>
        request(fc.constant(`/interaction/${interaction.uid}${step}`), fc.constant(undefined)).map((r) => ({
          ...r,
          headers: { ...r.headers, ...(interaction.cookie ? { cookie: interaction.cookie } : {}) },
          // Forms mostly, with the page's own CSRF token half the time so the handlers run.
          ...(r.method === 'POST' &&
          String(r.headers?.['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
            ? {
                body: [validCsrf ? `csrf=${interaction.csrf}` : '', `username=${username}`, fields]
                  .filter(Boolean)
                  .join('&'),
              }
            : {}),
        })),
      );
    await fuzz(() => as, 'oauth-or-page', page);
  });
});
