// Token introspection at the authorization server (RFC 7662), as the gateway's own client
// (tls_client_auth). Active answers are cached briefly, never past the token's expiry; revocation
// is still seen at once because every consent-bound call also checks the consent record.
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';

export interface TokenInfo {
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch. */
  exp: number;
  /** The consent (OAuth grant) the token acts under; absent for client-credentials tokens. */
  consentId?: string;
  /** The customer, for tokens issued by a customer's authorisation. */
  sub?: string;
  /** cnf.x5t#S256: the SHA-256 thumbprint of the certificate the token is bound to. */
  certificateThumbprint?: string;
  audience: string[];
}

interface IntrospectorOptions {
  endpoint: string;
  clientId: string;
  /** The gateway's client certificate and key, and the CA of the AS's server certificate. */
  tls: { cert: string; key: string; ca?: string };
  cacheMs: number;
  /** Bound on cached tokens, so a flood of distinct tokens cannot grow memory. */
  maxEntries?: number;
  /** For tests: where in an answer's life its background renewal starts. */
  random?: () => number;
}

export type Introspect = (token: string) => Promise<TokenInfo | undefined>;

export class IntrospectionUnavailable extends Error {
  override name = 'IntrospectionUnavailable';
}

export function createIntrospector(o: IntrospectorOptions): {
  introspect: Introspect;
  close(): Promise<void>;
} {
  const agent = new Agent({
    connect: { cert: o.tls.cert, key: o.tls.key, ...(o.tls.ca ? { ca: o.tls.ca } : {}) },
  });
  const cache = new Map<string, { info: TokenInfo; until: number; renewFrom: number }>();
  const maxEntries = o.maxEntries ?? 10_000;

  async function ask(token: string): Promise<TokenInfo | undefined> {
    let res;
    try {
      res = await request(o.endpoint, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        // The hint spares the AS a refresh-token lookup per introspection (RFC 7662 §2.1).
        body: new URLSearchParams({
          token,
          token_type_hint: 'access_token',
          client_id: o.clientId,
        }).toString(),
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
    } catch (err) {
      throw new IntrospectionUnavailable(`introspection request failed: ${(err as Error).message}`);
    }
    const body = (await res.body.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    // A token the AS cannot even read (e.g. shaped like a JWT, which oidc-provider refuses with
    // `unsupported_token_type`) is no token of ours: the caller's 401, not an outage.
    if (res.statusCode === 400 && typeof body?.error === 'string') return undefined;
    if (res.statusCode !== 200 || !body)
      throw new IntrospectionUnavailable(`introspection answered ${res.statusCode}`);
    if (body.active !== true || typeof body.client_id !== 'string' || typeof body.exp !== 'number')
      return undefined;
    const cnf = body.cnf as Record<string, unknown> | undefined;
    const aud = body.aud;
    return {
      clientId: body.client_id,
      scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
      exp: body.exp,
      ...(typeof body.consent_id === 'string' ? { consentId: body.consent_id } : {}),
      ...(typeof body.sub === 'string' ? { sub: body.sub } : {}),
      ...(typeof cnf?.['x5t#S256'] === 'string' ? { certificateThumbprint: cnf['x5t#S256'] } : {}),
      audience: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [],
    };
  }

  // Calls with one token while its answer is on the way share that request: without it, a
  // recipient with 64 connections sends 64 introspections each time the cached answer expires.
  const inFlight = new Map<string, Promise<TokenInfo | undefined>>();
  const random = o.random ?? Math.random;

  /** Ask the AS (once for concurrent callers) and keep an active answer, or drop the entry. */
  function refresh(key: string, token: string): Promise<TokenInfo | undefined> {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const asked = ask(token)
      .then((info) => {
        const now = Date.now();
        // Only active answers are kept, so a flood of unknown tokens cannot evict the good ones.
        if (!info) cache.delete(key);
        else {
          if (!cache.has(key) && cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
          const until = Math.min(now + o.cacheMs, info.exp * 1000);
          // Asked again in the background from a random point in the second half of the answer's
          // life: tokens introspected together do not all expire, and wait, together.
          cache.set(key, { info, until, renewFrom: now + o.cacheMs * (0.5 + random() * 0.4) });
        }
        return info;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, asked);
    return asked;
  }

  async function introspect(token: string): Promise<TokenInfo | undefined> {
    // Keyed by a hash: raw tokens are not kept in memory longer than the request.
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) {
      // Still within GATEWAY_INTROSPECTION_CACHE: answer now, renew behind the call.
      if (now >= hit.renewFrom) refresh(key, token).catch(() => undefined);
      return hit.info;
    }
    cache.delete(key);
    return refresh(key, token);
  }

  return { introspect, close: () => agent.close() };
}
