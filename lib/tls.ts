// TLS material of the HTTPS components: the bank's own certificate and client CA when configured,
// otherwise the development PKI created under DATA_DIR/pki.
import { readFileSync } from 'node:fs';
import { ensureDevPki } from '../auth/pki/dev-pki.js';
import type { Config } from './config.js';
import { StartupError, errorMessage } from './errors.js';

export interface TlsMaterial {
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

export async function loadTlsMaterial(cfg: Pick<Config, 'tls'>): Promise<TlsMaterial> {
  const { certPath, keyPath, clientCaPath, pkiDir } = cfg.tls;
  const dev = certPath && clientCaPath ? undefined : await ensureDevPki(pkiDir);
  return {
    cert: certPath ? read(certPath, 'TLS_CERT') : dev!.server.cert,
    key: keyPath ? read(keyPath, 'TLS_KEY') : dev!.server.key,
    clientCa: clientCaPath ? read(clientCaPath, 'MTLS_CLIENT_CA') : dev!.ca.cert,
  };
}
