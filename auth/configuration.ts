// oidc-provider configuration as data: the FAPI 1.0 Advanced shape both Open Finance Brasil and
// FDX profile (PS256 only, private_key_jwt or tls_client_auth, sender-constrained tokens, PAR,
// signed request objects, JARM). Runtime pieces (keys, adapter, certificate source) are injected.
import { errors, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ENDPOINTS } from './endpoints.js';
import { FDX_RAR_TYPE, fdxTerms } from './fdx-authorization-details.js';
import { CLAIMS } from './identity-claims.js';

import {
  normalizeDn,
  presentedCertificate,
  type ClientCertificateSource,
} from '../lib/http/client-certificate.js';
import {
  EXTRA_CLIENT_METADATA,
  registrationClientId,
  registrationPolicies,
  rotatesRegistrationAccessToken,
  type RegistrationContext,
  type RegistrationRules,
} from './registration-policy.js';

/** OFB API scopes (ofb.md §4) and FDX data-cluster scopes (fdx.md). */
const OFB_SCOPES = ['consents', 'resources', 'accounts', 'credit-cards-accounts', 'customers'] as const;
const FDX_SCOPES = [
  'fdx:accountbasic:read',
  'fdx:accountdetailed:read',
  'fdx:transactions:read',
  'fdx:statements:read',
  'fdx:customercontact:read',
  'fdx:accountpayments:read',
] as const;

const SIGNING_ALGS = ['PS256'] as const satisfies readonly ['PS256'];

/** Token lifetimes in seconds. OFB wants access tokens of 300–900 s. */
export const TTL = {
  AccessToken: 300,
  ClientCredentials: 300,
  AuthorizationCode: 60,
  IdToken: 300,
  Interaction: 600,
  Session: 3600,
  Grant: 365 * 24 * 3600,
  RefreshToken: 365 * 24 * 3600,
} as const;

/** Longest life of anything signed with a key: how long a rotated key stays published. */
export const MAX_SIGNED_TOKEN_TTL = Math.max(
  TTL.AccessToken,
  TTL.ClientCredentials,
  TTL.IdToken,
  TTL.Interaction,
);

interface RuntimePieces {
  issuer: string;
  adapter: NonNullable<Configuration['adapter']>;
  jwks: NonNullable<Configuration['jwks']>;
  cookieKeys: string[];
  /** The gateway's base URL: the resource indicator of every API access token. */
  resourceServer: string;
  registration: RegistrationRules;
  /** Where registration remembers the software statements already used. */
  registrationRecords: RegistrationContext['records'];
  findAccount: NonNullable<Configuration['findAccount']>;
  /** Request-object claim checks, with jti replay detection (see request-object.ts). */
  requestObjectChecks: NonNullable<
    NonNullable<NonNullable<Configuration['features']>['requestObjects']>['assertJwtClaimsAndHeader']
  >;
  /** Consent scopes this request may carry (see consent-scope.ts). */
  consentScopes: (ctx: KoaContextWithOIDC, clientId: string) => Promise<string[]>;
  /** Clients (the gateway) allowed to introspect any token; others only their own. */
  introspectionClients: string[];
  /** Where client certificates come from: the TLS socket, or a trusted proxy's header. */
  certificates: ClientCertificateSource;
  /** The bank's own clients, such as the gateway that introspects tokens. */
  staticClients?: Configuration['clients'];
}

/** The gateway's client: it only introspects, authenticated by its certificate. */
export function gatewayClient(clientId: string, subjectDn: string): ClientMetadata {
  return {
    client_id: clientId,
    client_name: 'API gateway',
    token_endpoint_auth_method: 'tls_client_auth' as const,
    tls_client_auth_subject_dn: subjectDn,
    grant_types: [],
    response_types: [],
    redirect_uris: [],
  };
}

export function providerConfiguration(p: RuntimePieces): Configuration {
  const presented = (ctx: KoaContextWithOIDC) =>
    presentedCertificate(ctx.socket, ctx.headers, p.certificates);
  return {
    adapter: p.adapter,
    clients: p.staticClients ?? [],
    findAccount: p.findAccount,
    jwks: p.jwks,
    cookies: { keys: p.cookieKeys },
    clientAuthMethods: ['private_key_jwt', 'tls_client_auth'],
    extraClientMetadata: { properties: EXTRA_CLIENT_METADATA },
    // Every endpoint asks for a client certificate, so the mTLS aliases (RFC 8705 §5) are the
    // endpoints themselves; clients that look for aliases find them.
    discovery: {
      mtls_endpoint_aliases: Object.fromEntries(
        Object.entries(ENDPOINTS).map(([name, route]) => [name, `${p.issuer}${route}`]),
      ),
    },
    routes: {
      authorization: '/auth',
      token: ENDPOINTS.token_endpoint,
      introspection: ENDPOINTS.introspection_endpoint,
      revocation: ENDPOINTS.revocation_endpoint,
      pushed_authorization_request: ENDPOINTS.pushed_authorization_request_endpoint,
      userinfo: ENDPOINTS.userinfo_endpoint,
      registration: ENDPOINTS.registration_endpoint,
      jwks: '/jwks',
    },
    responseTypes: ['code id_token', 'code'],
    scopes: ['openid', 'offline_access', ...OFB_SCOPES, ...FDX_SCOPES],
    claims: CLAIMS,
    acrValues: ['urn:brasil:openbanking:loa2', 'urn:brasil:openbanking:loa3'],
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      id_token_signed_response_alg: 'PS256',
      authorization_signed_response_alg: 'PS256',
      token_endpoint_auth_method: 'private_key_jwt',
      tls_client_certificate_bound_access_tokens: true,
    },
    enabledJWA: {
      clientAuthSigningAlgValues: [...SIGNING_ALGS],
      requestObjectSigningAlgValues: [...SIGNING_ALGS],
      idTokenSigningAlgValues: [...SIGNING_ALGS],
      authorizationSigningAlgValues: [...SIGNING_ALGS],
      userinfoSigningAlgValues: [...SIGNING_ALGS],
      introspectionSigningAlgValues: [...SIGNING_ALGS],
      idTokenEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      idTokenEncryptionEncValues: ['A256GCM'],
      requestObjectEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      requestObjectEncryptionEncValues: ['A256GCM'],
      dPoPSigningAlgValues: [...SIGNING_ALGS],
    },
    features: {
      devInteractions: { enabled: false },
      // OFB 5.2.2-3: recipients ask for `acr` (essential) and `cpf`/`cnpj` through it.
      claimsParameter: { enabled: true },
      fapi: { enabled: true, profile: '1.0 Final' },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
      requestObjects: {
        enabled: true,
        requireSignedRequestObject: true,
        assertJwtClaimsAndHeader: p.requestObjectChecks,
      },
      jwtResponseModes: { enabled: true },
      encryption: { enabled: true },
      richAuthorizationRequests: {
        enabled: true,
        types: {
          [FDX_RAR_TYPE]: { validate: (_ctx, detail) => void fdxTerms(detail as Record<string, unknown>) },
        },
        authorizationDetailsForGrantSource: (ctx) =>
          (ctx.oidc as unknown as { grant?: { rar?: unknown } }).grant?.rar as never,
        authorizationDetailsForAccessToken: (_ctx, _token, source) =>
          (source as { rar?: unknown } | undefined)?.rar as never,
        authorizationDetailsForIntrospection: (_ctx, token) => (token as { rar?: unknown }).rar as never,
      },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) =>
          token.clientId === client.clientId || p.introspectionClients.includes(client.clientId),
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      dPoP: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      registration: {
        enabled: true,
        initialAccessToken: true,
        policies: registrationPolicies(p.registration, {
          trustedCertificate: (ctx) => presented(ctx)?.authorized === true,
          records: p.registrationRecords,
        }),
        idFactory: registrationClientId,
      },
      registrationManagement: {
        enabled: true,
        rotateRegistrationAccessToken: rotatesRegistrationAccessToken,
      },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        getCertificate: (ctx) => presented(ctx)?.certificate,
        certificateAuthorized: (ctx) => presented(ctx)?.authorized === true,
        certificateSubjectMatches: (ctx, property, expected) => {
          const cert = presented(ctx)?.certificate;
          return (
            property === 'tls_client_auth_subject_dn' &&
            !!cert &&
            normalizeDn(cert.subject) === normalizeDn(expected)
          );
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => p.resourceServer,
        useGrantedResource: () => true,
        getResourceServerInfo: async (ctx, resourceIndicator, client) => {
          if (resourceIndicator !== p.resourceServer) throw new errors.InvalidTarget();
          const consent = client ? await p.consentScopes(ctx, client.clientId) : [];
          return {
            // `openid` too: the consent's token also reads the customer's userinfo (OFB 5.2.2-8;
            // see userinfo-tokens.ts).
            scope: ['openid', ...OFB_SCOPES, ...FDX_SCOPES, ...consent].join(' '),
            // Opaque tokens live in the database, so introspection sees a revocation at once.
            accessTokenFormat: 'opaque',
            accessTokenTTL: TTL.AccessToken,
          };
        },
      },
    },
    ttl: {
      ...TTL,
      // A refresh token never outlives its grant, whose life is the consent's (see the consent page).
      RefreshToken: (ctx) => {
        const grantExp = (ctx?.oidc?.entities as { Grant?: { exp?: number } } | undefined)?.Grant?.exp;
        const left = grantExp ? grantExp - Math.floor(Date.now() / 1000) : TTL.RefreshToken;
        return Math.max(1, Math.min(TTL.RefreshToken, left));
      },
    },
    // The grant id is the consent id: tokens say which consent they act under.
    extraTokenClaims: async (_ctx, token) => {
      const grantId = 'grantId' in token ? token.grantId : undefined;
      if (!grantId) return undefined;
      // FDX recipients read the consent id from `fdxConsentId` (FDX consent ids are 24 hex digits).
      return /^[0-9a-f]{24}$/.test(grantId)
        ? { consent_id: grantId, fdxConsentId: grantId }
        : { consent_id: grantId };
    },
    // The consent, not `offline_access`, decides how long access lasts: recipients allowed the
    // refresh_token grant get one, ending with the consent.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: false,
    pkce: { required: () => true },
    conformIdTokenClaims: true,
    allowOmittingSingleRegisteredRedirectUri: false,
  };
}
