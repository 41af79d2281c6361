// What a data recipient's client may register (RFC 7591) or change (RFC 7592). oidc-provider
// already checks algorithms and grant/response-type consistency; these rules add the FAPI ones.
// Policies travel with the initial access token the Discovery Agent holds.
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

export const FAPI_CLIENT_POLICY = 'fapi-client';

type Properties = Record<string, unknown>;

export function fapiClientPolicy(_ctx: KoaContextWithOIDC, properties: Properties): void {
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

export const registrationPolicies = { [FAPI_CLIENT_POLICY]: fapiClientPolicy };
