// The authorization server's oidc-provider instance, assembled from its configuration, the keys in
// the database and the FerretDB-safe adapter.
import Provider from 'oidc-provider';
import type { Models } from '../db/models/index.js';
import type { ClientCertificateSource } from '../lib/http/client-certificate.js';
import type { Logger } from '../lib/logger.js';
import { createAdapterClass } from './adapter.js';
import { consentScopes } from './consent-scope.js';
import { requestObjectChecks } from './request-object.js';
import { providerConfiguration } from './configuration.js';
import { loadKeySet } from './keys/key-store.js';
import { FAPI_CLIENT_POLICY, type RegistrationRules } from './registration-policy.js';

export interface AuthorizationServerOptions {
  issuer: string;
  models: Pick<Models, 'AuthKey' | 'OidcRecord' | 'Customer' | 'Consent'>;
  /** 32-byte key that encrypts the server's private keys at rest. */
  keyEncryptionKey: Buffer;
  resourceServer: string;
  introspectionClients?: string[];
  registration: RegistrationRules;
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
      adapter: createAdapterClass(o.models.OidcRecord),
      jwks: keys.jwks as never,
      cookieKeys: keys.cookieKeys,
      resourceServer: o.resourceServer,
      introspectionClients: o.introspectionClients ?? [],
      registration: o.registration,
      consentScopes: (ctx, clientId) => consentScopes(ctx, clientId, o.models.Consent),
      requestObjectChecks: requestObjectChecks(o.models.OidcRecord) as never,
      // The subject is the bank's customer id; personal data stays out of tokens.
      findAccount: async (_ctx, sub) =>
        (await o.models.Customer.exists({ _id: sub }))
          ? { accountId: sub, claims: () => ({ sub }) }
          : undefined,
      certificates: o.certificates,
    }),
  );
  provider.proxy = o.proxy ?? false;

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
 * An initial access token for dynamic client registration that carries the FAPI client policy.
 * The Discovery Agent holds it; every client it registers is checked against the policy.
 */
export async function issueRegistrationToken(provider: Provider, expiresInSeconds?: number): Promise<string> {
  const iat = new provider.InitialAccessToken({
    policies: [FAPI_CLIENT_POLICY],
    ...(expiresInSeconds ? { expiresIn: expiresInSeconds } : {}),
  });
  return iat.save();
}
