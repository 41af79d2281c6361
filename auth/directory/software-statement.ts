// OFB software statements (SSA): JWTs the directory of participants signs, vouching for a data
// recipient's software — its organization, redirect URIs and keys. Registration trusts these
// claims over the request's own.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { errors } from 'oidc-provider';

export interface SoftwareStatementClaims extends JWTPayload {
  software_id: string;
  org_id: string;
  software_client_name?: string;
  software_redirect_uris: string[];
  software_jwks_uri?: string;
  software_roles?: string[];
}

/** Longest an SSA may have been issued before it is presented (OFB: 5 minutes). */
const SSA_MAX_AGE = '5m';

export async function verifySoftwareStatement(
  jwt: string,
  directoryJwks: JSONWebKeySet,
): Promise<SoftwareStatementClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, createLocalJWKSet(directoryJwks), {
      algorithms: ['PS256'],
      maxTokenAge: SSA_MAX_AGE,
    }));
  } catch (err) {
    throw new errors.InvalidSoftwareStatement(`software_statement is not valid: ${(err as Error).message}`);
  }
  const claims = payload as Partial<SoftwareStatementClaims>;
  if (
    typeof claims.software_id !== 'string' ||
    typeof claims.org_id !== 'string' ||
    !Array.isArray(claims.software_redirect_uris)
  ) {
    throw new errors.InvalidSoftwareStatement(
      'software_statement lacks software_id, org_id or software_redirect_uris',
    );
  }
  return claims as SoftwareStatementClaims;
}

/**
 * Bind the registration to the statement: only redirect URIs and a jwks_uri the directory vouches
 * for (no keys by value beside it), and the directory's software and organization ids.
 */
export function applySoftwareStatement(
  properties: Record<string, unknown>,
  ssa: SoftwareStatementClaims,
): void {
  const redirectUris = (properties.redirect_uris as unknown) ?? ssa.software_redirect_uris;
  if (!Array.isArray(redirectUris) || !redirectUris.every((uri) => typeof uri === 'string'))
    throw new errors.InvalidRedirectUri('redirect_uris must be an array of URIs');
  const unapproved = redirectUris.filter((uri) => !ssa.software_redirect_uris.includes(uri));
  if (unapproved.length) {
    throw new errors.InvalidRedirectUri(
      `redirect_uris not in the software statement: ${unapproved.join(', ')}`,
    );
  }
  if (properties.jwks_uri && ssa.software_jwks_uri && properties.jwks_uri !== ssa.software_jwks_uri) {
    throw new errors.InvalidClientMetadata('jwks_uri differs from the software statement');
  }
  // OFB DCR 7.1-4: the directory publishes the software's keys; keys by value would bypass it.
  if (ssa.software_jwks_uri && properties.jwks !== undefined) {
    throw new errors.InvalidClientMetadata(
      'jwks by value is not accepted: the software statement names a jwks_uri',
    );
  }
  properties.redirect_uris = redirectUris;
  if (ssa.software_jwks_uri) properties.jwks_uri = ssa.software_jwks_uri;
  properties.client_name ??= ssa.software_client_name;
  properties.software_id = ssa.software_id;
  properties.org_id = ssa.org_id;
}
