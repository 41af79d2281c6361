// TLS of the HTTPS components: the bank's own certificate and client CA when configured, otherwise
// the development PKI created under DATA_DIR/pki; and the protocol settings every HTTPS server of
// the platform shares.
import { constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { ensureDevPki } from './pki/dev-pki.js';
import type { Config } from './config.js';
import { StartupError, errorMessage } from './errors.js';
import type { Logger } from './logger.js';

interface TlsMaterial {
  cert: string;
  key: string;
  /** CAs whose client certificates are accepted (mTLS). */
  clientCa: string;
}

function read(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new StartupError(`${variable} names ${file}, which cannot be read: ${errorMessage(err)}`);
  }
}

export async function loadTlsMaterial(
  cfg: Pick<Config, 'tls'>,
  logger?: Pick<Logger, 'warn'>,
): Promise<TlsMaterial> {
  const { certPath, keyPath, clientCaPath, pkiDir } = cfg.tls;
  const dev = certPath && clientCaPath ? undefined : await ensureDevPki(pkiDir, logger);
  return {
    cert: certPath ? read(certPath, 'TLS_CERT') : dev!.server.cert,
    key: keyPath ? read(keyPath, 'TLS_KEY') : dev!.server.key,
    clientCa: clientCaPath ? read(clientCaPath, 'MTLS_CLIENT_CA') : dev!.ca.cert,
  };
}

/**
 * The cipher suites FAPI 1.0 Advanced §8.5 permits below TLS 1.3, ECDHE first (OFB's security
 * profile names only those two; the DHE pair is there for clients FAPI allows that lack ECDHE).
 * They need an RSA server key.
 */
export const FAPI_TLS12_CIPHERS = [
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
] as const;

// TLS 1.3 stays on: FAPI asks for "TLS 1.2 or later", and all its suites are AEAD with forward
// secrecy and no renegotiation.
export const TLS13_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
];

/**
 * The options of every HTTPS server the platform runs (the AS, the gateway, and the benchmark's
 * bare route that stands in for the gateway): TLS 1.2 or later with FAPI's suites only, no session
 * resumption (no tickets; Node keeps no server session cache unless asked) and no client-initiated
 * renegotiation; a client certificate is requested and checked by the application, which answers
 * its absence in the standard's error format.
 */
export function fapiServerOptions(tls: TlsMaterial): ServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.clientCa,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHERS, ...FAPI_TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
    ecdhCurve: 'X25519:P-256:P-384',
    // Well-known FFDHE groups sized to the key (RFC 7919), so the DHE suites can be offered.
    dhparam: 'auto',
    secureOptions: constants.SSL_OP_NO_TICKET | constants.SSL_OP_NO_RENEGOTIATION,
  };
}
