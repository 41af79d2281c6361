// What a data recipient's client may register (RFC 7591) or change (RFC 7592). oidc-provider
// already checks algorithms and grant/response-type consistency; these rules add the FAPI and OFB
// ones. Policies travel with the initial access token, and from it with the registration access
// token, so that an update is held to the rules of the registration.
import { createHash, randomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { applicationIdOfClient } from '../db/models/application.js';
import { insertOnce } from '../db/insert-once.js';
import type { Models } from '../db/models/index.js';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import {
  applySoftwareStatement,
  verifySoftwareStatement,
  type SoftwareStatementClaims,
} from './directory/software-statement.js';

/** Registration with an initial access token the bank issued to a recipient. */
export const FAPI_CLIENT_POLICY = 'fapi-client';
/**
 * The OFB DCR profile (OFB DCR 7.1), the default: a registration without an initial access token,
 * authorized by the directory's software statement and a client certificate the bank trusts — the
 * open registration the Brazil DCR conformance plan performs.
 */
export const OFB_DCR_POLICY = 'ofb-dcr';
/**
 * The bank's own Discovery Agent (the marketplace's `provisioning` workflow). Its organizations
 * were vetted at onboarding, so it registers without a software statement, and it chooses the
 * client id (`mkt-<applicationId>`) so that a registration retried after a lost answer
 * re-registers the same client instead of creating a second one.
 */
export const DISCOVERY_AGENT_POLICY = 'discovery-agent';

type Properties = Record<string, unknown>;

export interface RegistrationRules {
  /** The directory's public keys, for OFB software statements. */
  directoryJwks: JSONWebKeySet;
  /**
   * Refuse registrations without a software statement also under the bank's initial access
   * tokens (registrations without a token always need one).
   */
  requireSoftwareStatement: boolean;
}

/** What the policies need from the running server. */
export interface RegistrationContext {
  /** Whether the request came with a client certificate that chains to a CA the bank trusts. */
  trustedCertificate: (ctx: KoaContextWithOIDC) => boolean;
  /** Where the software statements already used are remembered. */
  records: Models['OidcRecord'];
}

/** OFB DCR 7.1-1: registration and management only over mTLS with a certificate the bank trusts. */
function certificateRule(ctx: KoaContextWithOIDC, rc: RegistrationContext): void {
  if (rc.trustedCertificate(ctx)) return;
  // 401, as the token endpoint answers a client it cannot authenticate.
  throw Object.assign(
    new errors.InvalidClient(
      'registration needs a client certificate issued by a certificate authority the bank trusts',
    ),
    { status: 401, statusCode: 401 },
  );
}

/**
 * One registration per software statement (OFB DCR §9.3.1-5): a statement seen before is refused.
 * Remembered for as long as it could still be presented (it is refused once older than 5 minutes).
 */
async function statementUsedOnce(
  rc: RegistrationContext,
  jwt: string,
  claims: SoftwareStatementClaims,
): Promise<void> {
  const digest = createHash('sha256').update(jwt).digest('base64url');
  const issuedAt = typeof claims.iat === 'number' ? claims.iat * 1000 : Date.now();
  const first = await insertOnce(rc.records, {
    _id: `SoftwareStatement:${digest}`,
    model: 'SoftwareStatement',
    payload: '{}',
    expiresAt: new Date(Math.max(issuedAt, Date.now()) + 10 * 60_000),
  });
  if (!first)
    throw new errors.InvalidSoftwareStatement('software_statement was already used for a registration');
}

/**
 * Verify and apply a software statement when one is presented (or required); then the FAPI rules,
 * on the metadata the statement completed; then the statement is spent.
 */
async function statementAndFapiRules(
  rules: RegistrationRules,
  rc: RegistrationContext,
  ctx: KoaContextWithOIDC,
  properties: Properties,
  required: boolean,
): Promise<void> {
  const ssa = properties.software_statement;
  if (ssa === undefined && required)
    throw new errors.InvalidSoftwareStatement('a software_statement from the directory is required');
  if (ssa !== undefined && typeof ssa !== 'string')
    throw new errors.InvalidSoftwareStatement('software_statement must be a JWT');
  const claims = ssa === undefined ? undefined : await verifySoftwareStatement(ssa, rules.directoryJwks);
  if (claims) applySoftwareStatement(properties, claims);
  fapiClientRules(ctx, properties);
  if (ssa !== undefined && claims) await statementUsedOnce(rc, ssa, claims);
}

function fapiClientRules(_ctx: KoaContextWithOIDC, properties: Properties): void {
  const redirectUris = (properties.redirect_uris as unknown[] | undefined) ?? [];
  for (const uri of redirectUris) {
    if (typeof uri !== 'string' || !uri.startsWith('https://')) {
      throw new errors.InvalidRedirectUri('redirect_uris must all use the https scheme');
    }
  }
  const method = properties.token_endpoint_auth_method ?? 'private_key_jwt';
  if (method !== 'private_key_jwt' && method !== 'tls_client_auth') {
    throw new errors.InvalidClientMetadata(
      'token_endpoint_auth_method must be private_key_jwt or tls_client_auth',
    );
  }
  if (method === 'private_key_jwt' && !properties.jwks && !properties.jwks_uri) {
    throw new errors.InvalidClientMetadata('private_key_jwt needs jwks or jwks_uri');
  }
  if (method === 'tls_client_auth' && typeof properties.tls_client_auth_subject_dn !== 'string') {
    throw new errors.InvalidClientMetadata(
      'tls_client_auth needs tls_client_auth_subject_dn, the subject of the client certificate',
    );
  }
  if (properties.tls_client_certificate_bound_access_tokens === false) {
    throw new errors.InvalidClientMetadata(
      'access tokens must be certificate-bound (tls_client_certificate_bound_access_tokens)',
    );
  }
}

export function registrationPolicies(rules: RegistrationRules, rc: RegistrationContext) {
  return {
    [OFB_DCR_POLICY]: async (ctx: KoaContextWithOIDC, properties: Properties) => {
      certificateRule(ctx, rc);
      // OFB DCR 7.1-4: keys only by reference, the jwks_uri the directory publishes.
      if (properties.jwks !== undefined)
        throw new errors.InvalidClientMetadata('jwks by value is not accepted: register a jwks_uri');
      await statementAndFapiRules(rules, rc, ctx, properties, true);
    },
    [FAPI_CLIENT_POLICY]: async (ctx: KoaContextWithOIDC, properties: Properties) => {
      certificateRule(ctx, rc);
      await statementAndFapiRules(rules, rc, ctx, properties, rules.requireSoftwareStatement);
    },
    [DISCOVERY_AGENT_POLICY]: (ctx: KoaContextWithOIDC, properties: Properties) => {
      fapiClientRules(ctx, properties);
    },
  };
}

const policiesOf = (ctx: KoaContextWithOIDC, entity: 'InitialAccessToken' | 'RegistrationAccessToken') =>
  (ctx.oidc.entities as Record<string, { policies?: string[] } | undefined>)[entity]?.policies ?? [];

/** The client id of a new registration: the Discovery Agent's choice, or a random one. */
export function registrationClientId(ctx: KoaContextWithOIDC): string {
  const wanted = (ctx.oidc.body as Properties | undefined)?.client_id;
  if (
    policiesOf(ctx, 'InitialAccessToken').includes(DISCOVERY_AGENT_POLICY) &&
    typeof wanted === 'string' &&
    applicationIdOfClient(wanted) !== undefined
  )
    return wanted;
  return randomBytes(16).toString('base64url');
}

/**
 * RFC 7592 management rotates the registration access token on each update, except for clients of
 * the OFB profile, whose registration access token the current OFB DCR profile keeps for the
 * client's life, and the Discovery Agent's: it stores the token encrypted, and a rotation whose
 * answer was lost would lock it out of its own client.
 */
export function rotatesRegistrationAccessToken(ctx: KoaContextWithOIDC): boolean {
  const policies = policiesOf(ctx, 'RegistrationAccessToken');
  return !policies.includes(DISCOVERY_AGENT_POLICY) && !policies.includes(OFB_DCR_POLICY);
}

/** Client metadata the registration keeps beyond the standard set. */
export const EXTRA_CLIENT_METADATA = ['software_id', 'org_id', 'software_statement'];
