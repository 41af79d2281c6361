// fetch over HTTPS that trusts a given CA (the bank's, or the development CA) and, for mTLS,
// presents a client certificate.
import { Agent, fetch as undiciFetch } from 'undici';

export function tlsFetch(opts: { ca?: string; cert?: string; key?: string }): typeof fetch {
  const dispatcher = new Agent({
    connect: {
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
    },
  });
  return ((url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as typeof fetch;
}
