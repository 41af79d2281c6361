// The recipient's and the customer's steps of the OFB journey, shared by the journey and
// negative-case tests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { lodgeOfbConsent, type OfbConsentRequest } from '../../workflows/consent-client.js';
import { temporalConsentDecisions, temporalFdxLodging } from '../../auth/consent-decisions.js';
import { DEMO_CUSTOMERS, seedDemoCustomers } from '../../auth/idp/demo-customers.js';
import { issueCertificate } from '../../lib/pki/dev-pki.js';
import { consentWorker } from '../../workers/consent.js';
import { startTestAuthServer, type TestAuthServer } from './auth-server.js';
import { latestOneTimeCode } from './mailbox.js';
import { hiddenField, UserAgent } from './browser-agent.js';
import { uniqueNames } from './env.js';
import { startTestWorker, testClient, testDatabase } from './platform.js';
import { tracked } from './teardown.js';
import { ps256KeyPair, tlsFetch } from './tls-client.js';

export const REDIRECT = 'https://recipient.example/cb';

export interface Recipient {
  config: oidc.Configuration;
  key: { kid: string; key: oidc.CryptoKey };
  cert: { cert: string; key: string };
}

export async function registerRecipient(
  as: TestAuthServer,
  name: string,
  extra: { metadata?: Record<string, unknown>; keys?: oidc.JsonObject[] } = {},
): Promise<Recipient> {
  const cert = await issueCertificate(as.pki.ca, { subject: `CN=${name},O=Recipient`, usage: 'client' });
  const mtls = tlsFetch({ ca: as.pki.ca.cert, cert: cert.cert, key: cert.key });
  const { publicJwk, privateKey } = await ps256KeyPair(name);
  const config = await oidc.dynamicClientRegistration(
    new URL(as.issuer),
    {
      client_name: name,
      redirect_uris: [REDIRECT],
      grant_types: ['client_credentials', 'authorization_code', 'implicit', 'refresh_token'],
      response_types: ['code id_token'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      request_object_signing_alg: 'PS256',
      id_token_signed_response_alg: 'PS256',
      jwks: { keys: [publicJwk, ...(extra.keys ?? [])] },
      ...extra.metadata,
    },
    oidc.PrivateKeyJwt(privateKey),
    { initialAccessToken: as.registrationToken, [oidc.customFetch]: mtls },
  );
  config[oidc.customFetch] = mtls;
  oidc.useCodeIdTokenResponseType(config);
  return { config, key: privateKey, cert };
}

/** The authorization request's parameters for a consent, and what the callback is checked against. */
export async function authorizationParams(consentId: string) {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const expectedNonce = oidc.randomNonce();
  const expectedState = oidc.randomState();
  const params: Record<string, string> = {
    redirect_uri: REDIRECT,
    scope: `openid accounts resources consent:${consentId}`,
    nonce: expectedNonce,
    state: expectedState,
    code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    acr_values: 'urn:brasil:openbanking:loa3',
  };
  return { params, checks: { pkceCodeVerifier, expectedNonce, expectedState } };
}

/** PAR with a signed request object; `change` adds parameters, or removes them (undefined). */
export async function pushAuthorization(
  recipient: Recipient,
  consentId: string,
  change: Record<string, string | undefined> = {},
) {
  const { params, checks } = await authorizationParams(consentId);
  for (const [name, value] of Object.entries(change))
    if (value === undefined) delete params[name];
    else params[name] = value;
  const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(recipient.config, params, recipient.key);
  const url = await oidc.buildAuthorizationUrlWithPAR(recipient.config, searchParams);
  return { url, checks };
}

type DemoCustomer = (typeof DEMO_CUSTOMERS)[number];

/** The customer's part, in their browser: login, one-time code, and the consent page. */
export async function customerJourney(
  as: TestAuthServer,
  db: Awaited<ReturnType<typeof testDatabase>>,
  authorizationUrl: URL,
  customer: DemoCustomer,
  decide: (page: string) => Record<string, string> = () => ({
    decision: 'authorise',
    accountIds: 'acc-ana-checking',
  }),
) {
  // In English: the callers assert the consent page's English text.
  const agent = new UserAgent(as.pki.ca.cert, { language: 'en' });
  const loginUrl = (await agent.request(authorizationUrl.href)).location!;
  const csrf = hiddenField((await agent.request(loginUrl)).text, 'csrf');
  await agent.request(`${loginUrl}/login`, {
    form: { csrf, username: customer.username, password: customer.password },
  });
  const code = await latestOneTimeCode(db.models, customer.email);
  let next = (await agent.request(`${loginUrl}/code`, { form: { csrf, code } })).location!;
  let consentPage = '';
  for (let i = 0; i < 6 && !next.startsWith(REDIRECT); i++) {
    const res = await agent.request(next);
    if (res.status === 200 && res.text.includes('name="decision"')) {
      consentPage = res.text;
      const decided = await agent.request(`${next}/consent`, {
        form: { csrf: hiddenField(res.text, 'csrf'), ...decide(res.text) },
      });
      // A page instead of a redirect: the bank refused the decision and says why.
      if (!decided.location) return { callback: undefined as unknown as URL, consentPage, refusal: decided };
      next = decided.location;
    } else {
      next = res.location!;
    }
  }
  return { callback: new URL(next), consentPage, refusal: undefined };
}

/**
 * Everything an OFB journey test runs against: its own database, the consent worker on the test
 * Temporal server, the authorization server deciding through it, the demo customers, and one
 * registered recipient.
 */
export async function startOfbStack(
  testFileUrl: string,
  recipientName: string,
  options: {
    maxConsentsPerRecipient?: number;
    fdx?: { dayMs?: number; oneTimeAccessMs?: number };
    /** Task queue, database and prefix chosen by the caller (who shares them with other stacks). */
    names?: ReturnType<typeof uniqueNames>;
  } = {},
) {
  const names = options.names ?? uniqueNames(testFileUrl);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-ofb-'));
  // Each part below stops itself when the file ends should a later one fail to start.
  const removeDir = tracked(() => rmSync(dir, { recursive: true, force: true }));
  const db = await testDatabase(names.database);
  const temporal = await testClient();
  const worker = await startTestWorker(consentWorker({ models: db.models }, names.taskQueue));
  const as = await startTestAuthServer(db, dir, {
    decisions: temporalConsentDecisions(temporal.client),
    lodgeFdxConsent: temporalFdxLodging({
      client: temporal.client,
      taskQueue: names.taskQueue,
      authorisationWindowMs: 60 * 60_000,
      ...options.fdx,
    }),
    ...(options.maxConsentsPerRecipient ? { maxConsentsPerRecipient: options.maxConsentsPerRecipient } : {}),
  });
  await seedDemoCustomers(db.models);
  const rp = await registerRecipient(as, recipientName);
  const lodge = (req: Partial<OfbConsentRequest> = {}) =>
    lodgeOfbConsent(
      {
        client: temporal.client,
        taskQueue: names.taskQueue,
        bankId: 'bank',
        authorisationWindowMs: 60 * 60_000,
      },
      {
        clientId: rp.config.clientMetadata().client_id,
        permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
        loggedUserDocument: DEMO_CUSTOMERS[0]!.cpf,
        ...req,
      },
    );
  return {
    names,
    db,
    client: temporal.client,
    as,
    rp,
    lodge,
    stop: tracked(async () => {
      await as.stop();
      await worker.stop();
      await temporal.close();
      await db.drop();
      await removeDir();
    }),
  };
}

export type OfbStack = Awaited<ReturnType<typeof startOfbStack>>;

/** What {@link authorisedConsent} asks for; by default what stack.lodge lodges, authorised by Ana. */
export interface ConsentAsked {
  /** The consent's fields over stack.lodge's defaults (permissions, a business entity). */
  request?: Partial<OfbConsentRequest>;
  /** Who logs in and authorises, the consent lodged for their CPF; Ana by default. */
  customer?: DemoCustomer;
  /** The scopes asked for besides `openid` and the consent's own; `accounts resources` by default. */
  scopes?: string;
  /** The accounts the customer picks on the consent page, null for none; Ana's checking by default. */
  accountIds?: string | null;
}

/**
 * An OFB consent through the whole journey: lodged, pushed (PAR with a signed request object),
 * authorised by the customer in their browser, and the code exchanged for the recipient's access
 * token. Also the consent page the customer saw.
 */
export async function authorisedConsent(stack: OfbStack, asked: ConsentAsked = {}) {
  const customer = asked.customer ?? DEMO_CUSTOMERS[0]!;
  const { consentId } = await stack.lodge({ loggedUserDocument: customer.cpf, ...asked.request });
  const scope = asked.scopes ? { scope: `openid ${asked.scopes} consent:${consentId}` } : {};
  const { url, checks } = await pushAuthorization(stack.rp, consentId, scope);
  const accountIds = asked.accountIds === undefined ? 'acc-ana-checking' : asked.accountIds;
  const { callback, consentPage, refusal } = await customerJourney(stack.as, stack.db, url, customer, () => ({
    decision: 'authorise',
    ...(accountIds === null ? {} : { accountIds }),
  }));
  // Say why when the bank answered the decision with a page instead of the redirect.
  if (refusal)
    throw new Error(`the consent decision was answered ${refusal.status}: ${refusal.text.slice(0, 500)}`);
  const tokens = await oidc.authorizationCodeGrant(stack.rp.config, callback, checks);
  return { consentId, token: tokens.access_token, consentPage };
}

/** An FDX recipient: tls_client_auth, signed request objects, JARM, fdx_v1.0 details. */
export async function registerFdxRecipient(as: TestAuthServer, name: string, subject: string) {
  const cert = await issueCertificate(as.pki.ca, { subject, usage: 'client' });
  const mtls = tlsFetch({ ca: as.pki.ca.cert, cert: cert.cert, key: cert.key });
  // Request objects are signed (PAR requires them); the client authenticates by its certificate.
  const { publicJwk, privateKey } = await ps256KeyPair(`${name}-request-signing`);
  const config = await oidc.dynamicClientRegistration(
    new URL(as.issuer),
    {
      client_name: name,
      redirect_uris: [REDIRECT],
      // client_credentials: the FDX consent API's token (OAuthFapi1Baseline).
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: subject,
      request_object_signing_alg: 'PS256',
      authorization_signed_response_alg: 'PS256',
      authorization_details_types: ['fdx_v1.0'],
      jwks: { keys: [publicJwk] },
    },
    oidc.TlsClientAuth(),
    { initialAccessToken: as.registrationToken, [oidc.customFetch]: mtls },
  );
  config[oidc.customFetch] = mtls;
  oidc.useJwtResponseMode(config);
  return { config, key: privateKey, cert };
}

export type FdxRecipient = Awaited<ReturnType<typeof registerFdxRecipient>>;

/** PAR with RAR fdx_v1.0 details in a signed request object, JARM response mode. */
export async function pushFdxAuthorization(recipient: FdxRecipient, details: unknown) {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const expectedState = oidc.randomState();
  const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(
    recipient.config,
    {
      redirect_uri: REDIRECT,
      response_type: 'code',
      response_mode: 'jwt',
      scope: 'fdx:accountdetailed:read fdx:transactions:read fdx:statements:read',
      state: expectedState,
      code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      authorization_details: JSON.stringify(details),
    },
    recipient.key,
  );
  const url = await oidc.buildAuthorizationUrlWithPAR(recipient.config, searchParams);
  return { url, checks: { pkceCodeVerifier, expectedState } };
}

/**
 * A customer's access tokens on both standards, each through the whole journey: an OFB consent
 * with `permissions` authorised by the customer, and an FDX persistent consent to account details.
 */
export async function authorisedTokensOfBothStandards(
  stack: OfbStack,
  fdx: FdxRecipient,
  customer: (typeof DEMO_CUSTOMERS)[number],
  permissions: string[],
): Promise<{ ofbToken: string; fdxToken: string }> {
  const { token: ofbToken } = await authorisedConsent(stack, { customer, request: { permissions } });
  const consentRequest = {
    durationType: 'PERSISTENT',
    lookbackPeriod: 30,
    resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED'] }],
  };
  const fdxAuth = await pushFdxAuthorization(fdx, [{ type: 'fdx_v1.0', consentRequest }]);
  const fdxCallback = (await customerJourney(stack.as, stack.db, fdxAuth.url, customer)).callback;
  const fdxToken = (await oidc.authorizationCodeGrant(fdx.config, fdxCallback, fdxAuth.checks)).access_token;
  return { ofbToken, fdxToken };
}
