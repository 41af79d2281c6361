// The client certificate of a request, for mTLS client authentication and certificate-bound
// tokens: either from the TLS connection itself, or — behind a TLS-terminating proxy — from a
// header that proxy sets, believed only when the request comes from a configured proxy address.
import { X509Certificate } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface ClientCertificateSource {
  /** Header carrying the URL-encoded PEM certificate (e.g. nginx `$ssl_client_escaped_cert`). */
  proxyHeader?: string;
  /** Remote addresses allowed to set that header. */
  trustedProxies: string[];
}

interface PresentedCertificate {
  certificate: X509Certificate;
  /** True when the chain was verified against the client CA (by Node, or by the trusted proxy). */
  authorized: boolean;
}

export function presentedCertificate(
  socket: unknown,
  headers: IncomingHttpHeaders,
  source: ClientCertificateSource,
): PresentedCertificate | undefined {
  const tls = socket as Partial<TLSSocket> & { remoteAddress?: string };
  if (source.proxyHeader && tls.remoteAddress && source.trustedProxies.includes(tls.remoteAddress)) {
    const raw = headers[source.proxyHeader.toLowerCase()];
    if (typeof raw !== 'string' || raw === '') return undefined;
    try {
      return { certificate: new X509Certificate(decodeURIComponent(raw)), authorized: true };
    } catch {
      return undefined;
    }
  }
  const certificate =
    typeof tls.getPeerX509Certificate === 'function' ? tls.getPeerX509Certificate() : undefined;
  return certificate ? { certificate, authorized: tls.authorized === true } : undefined;
}

/** A DN in one-line form (`CN=…,O=…`), attribute names upper-cased, no spaces around separators. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/\s*[,\n]\s*/)
    .filter(Boolean)
    .map((rdn) => {
      const [k, ...v] = rdn.split('=');
      return `${k!.trim().toUpperCase()}=${v.join('=').trim()}`;
    })
    .join(',');
}
