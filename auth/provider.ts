// The authorization server's oidc-provider instance, assembled from its configuration, the keys in
// the database and the FerretDB-safe adapter.
import Provider from 'oidc-provider';
import type { Models } from '../db/models/index.js';
import type { FdxConsentTerms } from '../workflows/consent-types.js';
import type { ClientCertificateSource } from '../lib/http/client-certificate.js';
import type { Logger } from '../lib/logger.js';
import { createAdapterClass } from './adapter.js';
import { consentScopes } from './consent-scope.js';
import { fdxDetailIn, fdxTerms } from './fdx-authorization-details.js';
import { customerAccounts } from './identity-claims.js';
import { requestObjectChecks } from './request-object.js';
import { userinfoAcceptsGatewayTokens } from './userinfo-tokens.js';
import { gatewayClient, providerConfiguration } from './configuration.js';
import { answerUnavailable } from './unavailable.js';
import { loadKeySet } from './keys/key-store.js';
import type { DISCOVERY_AGENT_POLICY } from './registration-policy.js';
import { ENDPOINTS } from './endpoints.js';
import { FAPI_CLIENT_POLICY, OFB_DCR_POLICY, type RegistrationRules } from './registration-policy.js';

interface AuthorizationServerOptions {
  issuer: string;
  models: Pick<Models, 'AuthKey' | 'OidcRecord' | 'Customer' | 'Consent'>;
  /** 32-byte key that encrypts the server's private keys at rest. */
  keyEncryptionKey: Buffer;
  resourceServer: string;
  introspectionClients?: string[];
  /** The gateway's client id and certificate subject: a static client allowed to introspect. */
  gateway?: { clientId: string; subjectDn: string };
  registration: RegistrationRules;
  /** Lodges the FDX consent a successful PAR describes; returns its id. */
  lodgeFdxConsent?: (clientId: string, terms: FdxConsentTerms) => Promise<string>;
  certificates: ClientCertificateSource;
  /** Behind a TLS-terminating proxy: trust X-Forwarded-Proto/-For. */
  proxy?: boolean;
  logger: Logger;
}

export async function createProvider(
  o: AuthorizationServerOptions,
): Promise<Provider & { csrfSecret: string }> {
  const keys = await loadKeySet(o.models.AuthKey, o.keyEncryptionKey);
  const provider = new Provider(
    o.issuer,
    providerConfiguration({
      issuer: o.issuer,
      adapter: userinfoAcceptsGatewayTokens(createAdapterClass(o.models.OidcRecord), o.resourceServer),
      jwks: keys.jwks as never,
      cookieKeys: keys.cookieKeys,
      resourceServer: o.resourceServer,
      introspectionClients: [...(o.introspectionClients ?? []), ...(o.gateway ? [o.gateway.clientId] : [])],
      registration: o.registration,
      registrationRecords: o.models.OidcRecord,
      consentScopes: (ctx, clientId) => consentScopes(ctx, clientId, o.models.Consent),
      requestObjectChecks: requestObjectChecks(o.models.OidcRecord) as never,
      // The subject is the bank's customer id; CPF and CNPJ only when asked for (identity-claims.ts).
      findAccount: customerAccounts(o.models.Customer),
      certificates: o.certificates,
      staticClients: o.gateway ? [gatewayClient(o.gateway.clientId, o.gateway.subjectDn)] : [],
    }),
  );
  provider.proxy = o.proxy ?? false;
  // First, so that it wraps every other middleware: a database away is a 503, not a 500.
  answerUnavailable(provider);
  await openRegistration(provider);

  // FDX: a pushed request with fdx_v1.0 details creates its consent now; the consent page finds
  // it again through the PAR's id, which the interaction carries (`parJti`).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'pushed_authorization_request' || ctx.status !== 201 || !o.lodgeFdxConsent)
      return;
    const detail = fdxDetailIn(ctx.oidc.params?.authorization_details);
    const parJti = (ctx.body as { request_uri?: string } | undefined)?.request_uri?.split(':').pop();
    if (!detail || !parJti || !ctx.oidc.client) return;
    const consentId = await o.lodgeFdxConsent(ctx.oidc.client.clientId, fdxTerms(detail));
    await o.models.OidcRecord.create({
      _id: pushedConsentKey(parJti),
      model: 'PushedConsent',
      payload: JSON.stringify({ consentId }),
      expiresAt: new Date(Date.now() + 10 * 60_000),
    });
  });

  // FDX and OFB recipients read the consent id of a token response as `grant_id`.
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    const grantId = (ctx.oidc?.entities as { AccessToken?: { grantId?: string } } | undefined)?.AccessToken
      ?.grantId;
    if (ctx.oidc?.route === 'token' && ctx.status === 200 && body?.access_token && grantId)
      ctx.body = { ...body, grant_id: grantId };
  });
  // Interaction forms sign their CSRF tokens with the newest cookie key.
  const withSecret = Object.assign(provider, { csrfSecret: keys.cookieKeys[0]! });

  // Failures are logged with the client and the OAuth error, never with tokens or assertions.
  const log = o.logger.child({ component: 'oidc' });
  for (const event of [
    'server_error',
    'grant.error',
    'introspection.error',
    'revocation.error',
    'registration_create.error',
    'registration_update.error',
    'pushed_authorization_request.error',
    'authorization.error',
  ] as const) {
    (provider as unknown as NodeJS.EventEmitter).on(
      event,
      (
        ctx: { oidc?: { client?: { clientId: string } } },
        err: { error?: string; error_description?: string; message: string },
      ) => {
        const level = event === 'server_error' ? 'error' : 'info';
        log[level](
          {
            event,
            clientId: ctx?.oidc?.client?.clientId,
            error: err.error ?? err.message,
            description: err.error_description,
          },
          'oauth request refused',
        );
      },
    );
  }
  return withSecret;
}

/**
 * An initial access token for dynamic client registration. With the FAPI client policy it serves
 * recipients that register themselves with a directory's software statement; with the Discovery
 * Agent policy, the marketplace's provisioning workflow. Every client is checked against the policy.
 */
export async function issueRegistrationToken(
  provider: Provider,
  expiresInSeconds?: number,
  policy: typeof FAPI_CLIENT_POLICY | typeof DISCOVERY_AGENT_POLICY = FAPI_CLIENT_POLICY,
): Promise<string> {
  const iat = new provider.InitialAccessToken({
    policies: [policy],
    ...(expiresInSeconds ? { expiresIn: expiresInSeconds } : {}),
  });
  return iat.save();
}

/**
 * A registration without an initial access token is the OFB profile's open registration (OFB DCR
 * 7.1; the Brazil DCR plan's §9.3.1). oidc-provider applies registration policies only through an
 * initial access token, so such a request carries the server's own token of the OFB policy. That
 * token grants nothing a request without one would not get: its id is public, and the policy asks
 * for the directory's software statement and a client certificate the bank trusts.
 */
async function openRegistration(provider: Provider): Promise<void> {
  const token = await new provider.InitialAccessToken({
    jti: OPEN_REGISTRATION_TOKEN,
    policies: [OFB_DCR_POLICY],
  }).save();
  provider.use(async (ctx, next) => {
    if (
      ctx.method === 'POST' &&
      ctx.path.replace(/\/$/, '') === ENDPOINTS.registration_endpoint &&
      ctx.headers.authorization === undefined
    )
      ctx.headers.authorization = `Bearer ${token}`;
    await next();
  });
}

/** The id of the initial access token that stands for "no token" (see openRegistration). */
const OPEN_REGISTRATION_TOKEN = 'ofb-open-registration';

/** Where the consent of a pushed FDX request is found again, by the PAR's id. */
export function pushedConsentKey(parJti: string): string {
  return `PushedConsent:${parJti}`;
}
