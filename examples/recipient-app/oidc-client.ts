// The bank's authorization server as openid-client 6 sees it: discovery and every call over mTLS
// with the app's client certificate, client authentication as registered (private_key_jwt or
// tls_client_auth), and the response checks of the standard (OFB: hybrid `code id_token` with
// FAPI detached-signature checks; FDX: JARM).
import { importPKCS8 } from 'jose';
import * as oidc from 'openid-client';
import { tlsFetch } from '../../lib/http/tls-fetch.js';
import type { RecipientConfig } from './config.js';

export interface RecipientClient {
  config: oidc.Configuration;
  /** Signs request objects (PAR needs them signed). */
  signingKey: oidc.PrivateKey;
  /** fetch presenting the client certificate and trusting the bank's CA: for the gateway too. */
  mtls: typeof fetch;
}

export async function discoverClient(cfg: RecipientConfig): Promise<RecipientClient> {
  const { credentials } = cfg;
  const mtls = tlsFetch({ ca: cfg.ca, cert: credentials.certificate, key: credentials.certificateKey });
  const signingKey = { key: await importPKCS8(credentials.signingKey, 'PS256'), kid: credentials.kid };
  const metadata: Partial<oidc.ClientMetadata> = {
    tls_client_certificate_bound_access_tokens: true,
    ...(cfg.standard === 'OFB'
      ? { id_token_signed_response_alg: 'PS256' }
      : { authorization_signed_response_alg: 'PS256' }),
    ...(cfg.authMethod === 'private_key_jwt' ? { token_endpoint_auth_signing_alg: 'PS256' } : {}),
  };
  const auth = cfg.authMethod === 'private_key_jwt' ? oidc.PrivateKeyJwt(signingKey) : oidc.TlsClientAuth();
  const config = await oidc.discovery(new URL(cfg.issuer), credentials.clientId, metadata, auth, {
    [oidc.customFetch]: mtls,
  });
  config[oidc.customFetch] = mtls;
  if (cfg.standard === 'OFB') {
    oidc.useCodeIdTokenResponseType(config);
    // FAPI 1.0 Advanced: the front-channel id_token is a detached signature (c_hash, s_hash).
    oidc.enableDetachedSignatureResponseChecks(config);
  } else {
    oidc.useJwtResponseMode(config);
  }
  return { config, signingKey, mtls };
}

/**
 * Discovery once, on first use, so the app starts even while the bank is still starting; a
 * failed discovery is tried again on the next use.
 */
export function lazyClient(cfg: RecipientConfig, discover = discoverClient): () => Promise<RecipientClient> {
  let pending: Promise<RecipientClient> | undefined;
  return () => {
    pending ??= discover(cfg).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
