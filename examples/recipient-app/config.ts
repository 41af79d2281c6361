// The app's configuration, from the environment: the credentials the marketplace generated (the
// JSON file it offers once), which standard they are for, where the bank is, and how this app
// serves HTTPS. Problems are reported as one sentence naming the variable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { issueCertificate } from '../../lib/pki/dev-pki.js';

export type Standard = 'OFB' | 'FDX';
export type AuthMethod = 'private_key_jwt' | 'tls_client_auth';

/** The marketplace's credentials download: `{client_id, kid, signing_key, certificate, certificate_key}`. */
export interface Credentials {
  clientId: string;
  /** kid of the PS256 signing key, as registered with the bank. */
  kid: string;
  /** PKCS#8 PEM: signs request objects (and client assertions with private_key_jwt). */
  signingKey: string;
  /** Client certificate (PEM) for mTLS, and its PKCS#8 PEM key. */
  certificate: string;
  certificateKey: string;
}

export interface RecipientConfig {
  standard: Standard;
  authMethod: AuthMethod;
  credentials: Credentials;
  /** The bank's authorization server (OIDC issuer). */
  issuer: string;
  /** The bank's API gateway. */
  gatewayUrl: string;
  /** PEM of the CA(s) the bank's servers are trusted by. */
  ca: string;
  host: string;
  port: number;
  /** Registered with the bank for this client; https. */
  redirectUri: string;
  /** This app's own HTTPS certificate and key. */
  tls: { cert: string; key: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function readText(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${variable} names ${file}, which cannot be read (${(err as Error).message})`);
  }
}

/** Parse the credentials JSON the marketplace offered for download. */
export function parseCredentials(text: string, source = 'RECIPIENT_CREDENTIALS'): Credentials {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ConfigError(`${source} is not JSON: use the file the marketplace offered for download`);
  }
  const fields = ['client_id', 'kid', 'signing_key', 'certificate', 'certificate_key'] as const;
  const missing = fields.filter((f) => typeof raw[f] !== 'string' || raw[f] === '');
  if (missing.length)
    throw new ConfigError(
      `${source} lacks ${missing.join(', ')}: the marketplace's download has client_id, kid, signing_key, certificate and certificate_key`,
    );
  const s = (f: (typeof fields)[number]) => raw[f] as string;
  return {
    clientId: s('client_id'),
    kid: s('kid'),
    signingKey: s('signing_key'),
    certificate: s('certificate'),
    certificateKey: s('certificate_key'),
  };
}

/**
 * The app's HTTPS certificate: RECIPIENT_TLS_CERT and RECIPIENT_TLS_KEY when set; otherwise one
 * for localhost issued at start by the platform's development CA (the `ca.key` next to
 * RECIPIENT_CA), which the browser then trusts as it trusts the bank's development servers.
 */
async function serverTls(env: Env, caPath: string): Promise<{ cert: string; key: string }> {
  const { RECIPIENT_TLS_CERT: certPath, RECIPIENT_TLS_KEY: keyPath } = env;
  if (certPath || keyPath) {
    if (!certPath || !keyPath)
      throw new ConfigError('set both RECIPIENT_TLS_CERT and RECIPIENT_TLS_KEY, or neither');
    return { cert: readText(certPath, 'RECIPIENT_TLS_CERT'), key: readText(keyPath, 'RECIPIENT_TLS_KEY') };
  }
  const caKeyPath = path.join(path.dirname(caPath), 'ca.key');
  let caKey: string;
  try {
    caKey = readFileSync(caKeyPath, 'utf8');
  } catch {
    throw new ConfigError(
      `no HTTPS certificate for this app: set RECIPIENT_TLS_CERT and RECIPIENT_TLS_KEY, or run it next to the platform so it can issue one from the development CA (${caKeyPath})`,
    );
  }
  return issueCertificate(
    { cert: readText(caPath, 'RECIPIENT_CA'), key: caKey },
    {
      subject: 'CN=localhost,O=Recipient example app (development)',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      usage: 'server',
      days: 30,
    },
  );
}

export async function loadConfig(env: Env = process.env): Promise<RecipientConfig> {
  const credentialsPath = env.RECIPIENT_CREDENTIALS;
  if (!credentialsPath)
    throw new ConfigError(
      'set RECIPIENT_CREDENTIALS to the credentials JSON file the marketplace offered for download',
    );
  const credentials = parseCredentials(readText(credentialsPath, 'RECIPIENT_CREDENTIALS'));

  const standard = (env.RECIPIENT_STANDARD ?? 'OFB').toUpperCase();
  if (standard !== 'OFB' && standard !== 'FDX')
    throw new ConfigError('RECIPIENT_STANDARD must be OFB or FDX');

  const authMethod =
    env.RECIPIENT_AUTH_METHOD ?? (standard === 'OFB' ? 'private_key_jwt' : 'tls_client_auth');
  if (authMethod !== 'private_key_jwt' && authMethod !== 'tls_client_auth')
    throw new ConfigError('RECIPIENT_AUTH_METHOD must be private_key_jwt or tls_client_auth');

  const port = Number(env.RECIPIENT_PORT ?? 4000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new ConfigError('RECIPIENT_PORT must be a port number');

  // 127.0.0.1 rather than localhost: the bank's authorization server refuses `localhost` redirect
  // URIs for clients of the hybrid flow (OFB's `code id_token` needs the implicit grant).
  const redirectUri = env.RECIPIENT_REDIRECT_URI ?? `https://127.0.0.1:${port}/callback`;
  if (!redirectUri.startsWith('https://'))
    throw new ConfigError('RECIPIENT_REDIRECT_URI must be https: the bank refuses other redirect URIs');

  const caPath = path.resolve(env.RECIPIENT_CA ?? path.join(env.DATA_DIR ?? '.data', 'pki', 'ca.crt'));
  return {
    standard,
    authMethod,
    credentials,
    issuer: (env.AUTH_ISSUER ?? 'https://localhost:8443').replace(/\/$/, ''),
    gatewayUrl: (env.GATEWAY_URL ?? 'https://localhost:8444').replace(/\/$/, ''),
    ca: readText(caPath, 'RECIPIENT_CA'),
    host: env.RECIPIENT_HOST ?? '127.0.0.1',
    port,
    redirectUri,
    tls: await serverTls(env, caPath),
  };
}
