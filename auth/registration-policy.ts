// What a data recipient's client may register (RFC 7591) or change (RFC 7592). oidc-provider
// already checks algorithms and grant/response-type consistency; these rules add the FAPI ones.
// Policies travel with the initial access token the Discovery Agent holds.
import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { applicationIdOfClient } from '../db/models/application.js';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { applySoftwareStatement, verifySoftwareStatement } from './directory/software-statement.js';

export const FAPI_CLIENT_POLICY = 'fapi-client';
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
  /** Refuse registrations without a software statement (OFB deployments). */
  requireSoftwareStatement: boolean;
}

/** Verify and apply a software statement when one is presented (or required). */
async function softwareStatementRule(rules: RegistrationRules, properties: Properties): Promise<void> {
  const ssa = properties.software_statement;
  if (ssa === undefined) {
    if (rules.requireSoftwareStatement)
      throw new errors.InvalidSoftwareStatement('a software_statement from the directory is required');
    return;
  }
  if (typeof ssa !== 'string') throw new errors.InvalidSoftwareStatement('software_statement must be a JWT');
  applySoftwareStatement(properties, await verifySoftwareStatement(ssa, rules.directoryJwks));
}

export function fapiClientRules(_ctx: KoaContextWithOIDC, properties: Properties): void {
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

export function registrationPolicies(rules: RegistrationRules) {
  return {
    [FAPI_CLIENT_POLICY]: async (ctx: KoaContextWithOIDC, properties: Properties) => {
      await softwareStatementRule(rules, properties);
      fapiClientRules(ctx, properties);
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
 * RFC 7592 management rotates the registration access token on each update, except for the
 * Discovery Agent's clients: it stores the token encrypted, and a rotation whose answer was lost
 * would lock it out of its own client.
 */
export function rotatesRegistrationAccessToken(ctx: KoaContextWithOIDC): boolean {
  return !policiesOf(ctx, 'RegistrationAccessToken').includes(DISCOVERY_AGENT_POLICY);
}

/** Client metadata the registration keeps beyond the standard set. */
export const EXTRA_CLIENT_METADATA = ['software_id', 'org_id', 'software_statement'];
