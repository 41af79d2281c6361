// A data recipient's client-credentials token request by private_key_jwt over mTLS, made with the
// credentials the marketplace generated, as the recipient makes it.
import { importPKCS8 } from 'jose';
import * as oidc from 'openid-client';
import type { GeneratedSecrets } from '../../api/marketplace/applications/credentials.js';
import { tlsFetch } from '../../lib/http/tls-fetch.js';
import type { TestAuthServer } from './auth-server.js';

export async function clientCredentialsToken(
  as: Pick<TestAuthServer, 'issuer' | 'pki'>,
  clientId: string,
  secrets: GeneratedSecrets,
  scope = 'consents',
) {
  const mtls = tlsFetch({ ca: as.pki.ca.cert, cert: secrets.certificate, key: secrets.certificateKey });
  const key = await importPKCS8(secrets.signingKey, 'PS256');
  const config = await oidc.discovery(
    new URL(as.issuer),
    clientId,
    { token_endpoint_auth_signing_alg: 'PS256' },
    oidc.PrivateKeyJwt({ key, kid: secrets.kid }),
    { [oidc.customFetch]: mtls },
  );
  config[oidc.customFetch] = mtls;
  return oidc.clientCredentialsGrant(config, { scope });
}

/** 'issued', or the OAuth error and its description. */
export const tokenOutcome = (p: Promise<unknown>) =>
  p.then(
    () => 'issued',
    (err: { error?: string; error_description?: string }) =>
      err.error ? `${err.error}: ${err.error_description}` : String(err),
  );
